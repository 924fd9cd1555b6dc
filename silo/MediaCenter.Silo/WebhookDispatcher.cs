using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using MediaCenter.Database.Data;
using MediaCenter.Hosting.Outbound;
using Microsoft.Extensions.Options;
using Npgsql;
using Prometheus;

namespace MediaCenter.Silo;

/// <summary>Webhook delivery settings (section <c>Webhooks</c>).</summary>
public sealed class WebhookSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Webhooks";

    /// <summary>The waits when none are configured.</summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultBackoff =
        [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1)];

    /// <summary>
    /// Waits between attempts; a delivery is abandoned (failed) after one attempt more than there are waits. Empty here
    /// (the configuration binder appends to a pre-filled list): <see cref="Waits"/> applies the defaults.
    /// </summary>
    public List<TimeSpan> Backoff { get; set; } = [];

    /// <summary>The configured waits, or the defaults.</summary>
    public IReadOnlyList<TimeSpan> Waits => Backoff.Count > 0 ? Backoff : DefaultBackoff;

    /// <summary>How long one attempt may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often due deliveries are looked for.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Delivers the webhook outbox: signed JSON POSTs, retried with backoff, every attempt recorded. Any number of
/// silos run it; each delivery is claimed with <c>FOR UPDATE SKIP LOCKED</c> and a lease, so one silo sends it.
/// Requests go through the outbound guard (<see cref="OutboundGuard"/>): a target it refuses is not retried, and what the
/// attempt history shows is the kind of failure only (no exception text; no status or duration for a refused target).
/// </summary>
internal sealed partial class WebhookDispatcher(NpgsqlDataSource db, IHttpClientFactory clients, IOptions<WebhookSettings> options,
    Grains.Incidents.IWebhookSecrets secrets, TimeProvider time, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    /// <summary>The HTTP client name.</summary>
    public const string Client = "webhooks";

    private static readonly Counter Attempts = Metrics.CreateCounter(
        "mediacenter_webhook_attempts_total", "Webhook delivery attempts, by result (delivered, retry, failed).",
        new CounterConfiguration { LabelNames = ["result"] });

    private sealed record Due
    {
        public required long Id { get; init; }

        public required int Attempts { get; init; }

        public required string Url { get; init; }

        public required string Secret { get; init; }

        public required string Payload { get; init; }

        public required string Kind { get; init; }

        public required string Language { get; init; }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval);
        do
        {
            try
            {
                foreach (var due in await ClaimAsync(stoppingToken))
                {
                    await DeliverAsync(due, stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPollFailed(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<List<Due>> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var due = await connection.QueryAsync<Due>(new CommandDefinition("""
            UPDATE mc.webhook_deliveries d SET locked_until = now() + interval '60 seconds'
              FROM (SELECT id FROM mc.webhook_deliveries
                     WHERE status = 'pending' AND next_attempt_at <= now() AND (locked_until IS NULL OR locked_until < now())
                     ORDER BY next_attempt_at LIMIT 20 FOR UPDATE SKIP LOCKED) due,
                   mc.webhooks w, mc.notifications n
             WHERE d.id = due.id AND w.id = d.webhook_id AND n.id = d.notification_id
            RETURNING d.id, d.attempts, w.url, w.secret,
                json_build_object('id', n.id, 'kind', n.kind, 'audience', n.audience, 'incidentId', n.incident_id, 'partyId', n.party_id,
                    'severity', n.severity, 'title', n.title, 'body', n.body, 'createdAt', n.created_at, 'group', n.group_digest,
                    'link', CASE WHEN n.incident_id IS NULL THEN NULL ELSE '/incidents/' || n.incident_id END)::text AS payload,
                n.kind, w.language
            """, cancellationToken: cancellationToken));
        return due.AsList();
    }

    /// <summary>The signature of a delivery: hex HMAC-SHA256 of "{timestamp}.{body}" with the webhook's secret.</summary>
    public static string Sign(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    /// <summary>A notification's JSON with every message in its strings rendered in a language (the rest as it was).</summary>
    /// <param name="payload">The notification as JSON.</param>
    /// <param name="language">A language of <see cref="Languages.All"/>.</param>
    public static string RenderPayload(string payload, string language) => MessageJson.Render(payload, language);

    private async Task DeliverAsync(Due due, CancellationToken cancellationToken)
    {
        var attempt = due.Attempts + 1;
        // The receiver reads sentences, not the catalogue's encoded messages: rendered in the webhook's language.
        var payload = RenderPayload(due.Payload, due.Language);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        int? status = null;
        string? error = null;
        var refused = false;
        var clock = Stopwatch.StartNew();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, due.Url) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-MediaCenter-Event", due.Kind);
            request.Headers.Add("X-MediaCenter-Delivery", due.Id.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("X-MediaCenter-Timestamp", timestamp);
            request.Headers.Add("X-MediaCenter-Signature", "sha256=" + Sign(secrets.Open(due.Secret), timestamp, payload));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.Timeout);
            using var response = await clients.CreateClient(Client).SendAsync(request, timeout.Token);
            status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                error = $"HTTP {status}";
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var failure = OutboundFailures.Classify(ex);
            refused = failure == OutboundFailure.Refused;
            error = OutboundFailures.Describe(failure);
            // The details are for operators only.
            LogAttemptError(logger, due.Id, attempt, due.Url, ex.Message);
        }

        var backoff = options.Value.Waits;
        // A refused target stays refused: retrying it would only repeat the refusal.
        var outcome = error is null ? "delivered" : refused || attempt > backoff.Count ? "failed" : "retry";
        Attempts.WithLabels(outcome).Inc();
        // The attempt and the delivery's new state are written together.
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.webhook_attempts (delivery_id, attempt, status_code, error, duration_ms) VALUES (@id, @attempt, @status, @error, @ms)
            """, new
        {
            id = due.Id,
            attempt,
            status,
            error,
            // How long a refused target took to refuse would tell a prober something about it: not recorded.
            ms = refused ? 0 : (int)clock.ElapsedMilliseconds,
        }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE mc.webhook_deliveries SET attempts = @attempt, status = @status, last_error = @error, locked_until = NULL,
                delivered_at = CASE WHEN @status = 'delivered' THEN now() END,
                next_attempt_at = now() + @wait
             WHERE id = @id
            """, new
        {
            id = due.Id,
            attempt,
            status = outcome == "retry" ? "pending" : outcome,
            error,
            wait = SqlValue.As(outcome == "retry" ? backoff[attempt - 1] : TimeSpan.Zero, NpgsqlTypes.NpgsqlDbType.Interval),
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        if (error is not null)
        {
            LogAttemptFailed(logger, due.Id, attempt, due.Url, error);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook outbox poll failed: {Reason}")]
    private static partial void LogPollFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook delivery {DeliveryId} attempt {Attempt} to {Url}: {Error}")]
    private static partial void LogAttemptError(ILogger logger, long deliveryId, int attempt, string url, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook delivery {DeliveryId} attempt {Attempt} to {Url} failed: {Reason}")]
    private static partial void LogAttemptFailed(ILogger logger, long deliveryId, int attempt, string url, string reason);
}
