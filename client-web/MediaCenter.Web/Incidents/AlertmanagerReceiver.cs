using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using MediaCenter.Grains.Incidents;
using Microsoft.AspNetCore.Mvc;

namespace MediaCenter.Web.Incidents;

/// <summary>
/// The platform's own alerts as incidents (issue 20, item 5): Prometheus Alertmanager posts its webhook here
/// (deploy/prometheus/alertmanager.yml). A firing alert opens, or counts on, the incident of its fingerprint; "resolved" clears
/// it. Authenticated by a bearer token of its own (<c>Incidents:Alertmanager:Token</c>), not by a user: with no token configured
/// the receiver does not exist (404).
/// </summary>
internal static class AlertmanagerReceiver
{
    /// <summary>The configuration key of the receiver's token.</summary>
    public const string TokenKey = "Incidents:Alertmanager:Token";

    /// <summary>The largest payload taken (Alertmanager sends one notification per alert group; 1 MiB is thousands of alerts).</summary>
    public const long MaxBodyBytes = 1024 * 1024;

    public sealed record Notification(
        string? Version, string? Status, string? Receiver, string? GroupKey, IReadOnlyList<Alert>? Alerts, string? ExternalUrl);

    public sealed record Alert(
        string? Status,
        IReadOnlyDictionary<string, string>? Labels,
        IReadOnlyDictionary<string, string>? Annotations,
        DateTimeOffset StartsAt,
        DateTimeOffset EndsAt,
        [property: JsonPropertyName("generatorURL")] string? GeneratorUrl,
        string? Fingerprint);

    public static IEndpointRouteBuilder MapAlertmanagerReceiver(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/v1/alertmanager", async (HttpContext http, IConfiguration configuration, IClusterClient cluster, [FromBody] Notification body) =>
            {
                var expected = configuration[TokenKey];
                if (string.IsNullOrEmpty(expected))
                {
                    return Results.NotFound();
                }

                if (!Authorized(http.Request.Headers.Authorization.ToString(), expected))
                {
                    return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: Msg.Of("incident.alertmanager.tokenRequired"));
                }

                var alerts = body.Alerts ?? [];
                var invalid = alerts.Select((a, i) => (a, i)).Where(x => string.IsNullOrWhiteSpace(x.a.Fingerprint) || x.a.Status is not ("firing" or "resolved"))
                    .Select(x => x.i).ToList();
                if (body.Version != "4" || invalid.Count > 0)
                {
                    return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity,
                        title: Msg.Of("incident.alertmanager.notPayload"),
                        detail: invalid.Count > 0
                            ? Msg.Of("incident.alertmanager.invalidAlerts", ("indexes", string.Join(", ", invalid)))
                            : Msg.Of("incident.alertmanager.wrongVersion", ("version", body.Version)));
                }

                var outcomes = new List<AlertOutcome>();
                var causes = CauseAlerts(configuration);
                foreach (var alert in alerts)
                {
                    var outcome = alert.Status == "firing" ? await FireAsync(cluster, alert) : await ClearAsync(cluster, alert);
                    outcomes.Add(outcome);
                    await InhibitAsync(cluster, alert, outcome, causes);
                }

                return Results.Ok(new { alerts = outcomes });
            })
            .AllowAnonymous()
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .WithSummary("Receiver for Prometheus Alertmanager's webhook (bearer token Incidents:Alertmanager:Token)");
        return endpoints;
    }

    public sealed record AlertOutcome(string Fingerprint, string Status, string? IncidentId, string Result);

    private static bool Authorized(string header, string expected)
    {
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }

    /// <summary>The fault's key: one incident per alert identity (its label set), reopened when the same alert fires again.</summary>
    public static string DedupKey(Alert alert) => "alertmanager:" + alert.Fingerprint;

    private static string OperationId(Alert alert, string what) =>
        $"alertmanager:{alert.Fingerprint}:{alert.StartsAt.UtcTicks}:{what}";

    private static async Task<AlertOutcome> FireAsync(IClusterClient cluster, Alert alert)
    {
        var labels = alert.Labels ?? new Dictionary<string, string>();
        var annotations = alert.Annotations ?? new Dictionary<string, string>();
        var name = labels.GetValueOrDefault("alertname") ?? "alert";
        var title = TitleOf(name, labels, annotations.GetValueOrDefault("summary"));
        var detail = new StringBuilder();
        // A rule of ours is explained by its catalogue title in the reader's language; alerts.yml's description (written for the
        // Prometheus and Alertmanager pages) would put a second language into the incident. Someone else's rule keeps its own.
        var ours = Msg.KeyOf(title) != "incidents.platformAlert.other";
        if (!ours && annotations.GetValueOrDefault("description") is { Length: > 0 } description)
        {
            detail.AppendLine(description.Trim());
        }

        detail.Append(string.Join(", ", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")));
        if (!string.IsNullOrEmpty(alert.GeneratorUrl))
        {
            detail.AppendLine().Append(alert.GeneratorUrl);
        }

        var report = new IncidentReport(DedupKey(alert), IncidentSource.Metric, SeverityOf(labels.GetValueOrDefault("severity")),
            title, Truncate(detail.ToString(), 4000), labels.GetValueOrDefault("party"), null,
            "alert:" + name + (labels.GetValueOrDefault("instance") is { } instance ? "@" + instance : ""), alert.StartsAt);
        try
        {
            // A re-sent firing alert (repeat_interval) carries the same start: the desk's operation memory counts it once.
            var id = await cluster.GetGrain<IIncidentDeskGrain>(report.DedupKey).ReportAsync(report, IncidentActor.System, OperationId(alert, "firing"));
            return new AlertOutcome(alert.Fingerprint!, "firing", id, "reported");
        }
        catch (ArgumentException ex)
        {
            return new AlertOutcome(alert.Fingerprint!, "firing", null, "refused: " + ex.Message);
        }
    }

    private static async Task<AlertOutcome> ClearAsync(IClusterClient cluster, Alert alert)
    {
        var open = await cluster.GetGrain<IIncidentDeskGrain>(DedupKey(alert)).OpenIncidentAsync();
        if (open is null)
        {
            return new AlertOutcome(alert.Fingerprint!, "resolved", null, "no open incident");
        }

        var note = $"Alertmanager {alert.EndsAt:yyyy-MM-dd HH:mm:ss}Z";
        var incident = cluster.GetGrain<IIncidentGrain>(open);
        var cleared = await incident.ExecuteAsync(new IncidentCommand.Clear { Text = note }, IncidentActor.System, OperationId(alert, "resolved"));
        if (cleared.Ok)
        {
            return new AlertOutcome(alert.Fingerprint!, "resolved", open, "resolved");
        }

        // Already resolved by a person, or a suspended channel waits for verification: the clearing is recorded, not applied.
        await incident.ExecuteAsync(new IncidentCommand.Comment { Text = Msg.Of("incident.alertmanager.clearedNote", ("note", note)) }, IncidentActor.System, OperationId(alert, "resolved-note"));
        return new AlertOutcome(alert.Fingerprint!, "resolved", open, "noted: " + cleared.Outcome);
    }

    /// <summary>
    /// The incident's title in the reader's language: the summaries in alerts.yml are what Alertmanager's own UI shows
    /// (Chinese), so each known rule has its catalogue message, filled from the alert's labels; a rule this code does not
    /// know yet keeps its summary, named as a platform alert.
    /// </summary>
    public static string TitleOf(string alertname, IReadOnlyDictionary<string, string> labels, string? summary)
    {
        string Label(string key) => Truncate(labels.GetValueOrDefault(key) ?? "?", 80);
        return alertname switch
        {
            "MediaCenterSiloDown" => Msg.Of("incidents.platformAlert.MediaCenterSiloDown", ("instance", Label("instance"))),
            "MediaCenterNoSiloUp" => Msg.Of("incidents.platformAlert.MediaCenterNoSiloUp"),
            "MediaCenterIngestDrop" => Msg.Of("incidents.platformAlert.MediaCenterIngestDrop"),
            "MediaCenterIngestFailures" => Msg.Of("incidents.platformAlert.MediaCenterIngestFailures"),
            "MediaCenterIngestBacklog" => Msg.Of("incidents.platformAlert.MediaCenterIngestBacklog"),
            "MediaCenterMqttBrokerDown" => Msg.Of("incidents.platformAlert.MediaCenterMqttBrokerDown", ("instance", Label("instance"))),
            "MediaCenterMqttDrops" => Msg.Of("incidents.platformAlert.MediaCenterMqttDrops", ("reason", Label("reason"))),
            "MediaCenterTerminalsOfflineSpike" => Msg.Of("incidents.platformAlert.MediaCenterTerminalsOfflineSpike"),
            "MediaCenterHttp5xxRatio" => Msg.Of("incidents.platformAlert.MediaCenterHttp5xxRatio"),
            "MediaCenterApiLatencyHigh" => Msg.Of("incidents.platformAlert.MediaCenterApiLatencyHigh"),
            "MediaCenterBoardLatencyHigh" => Msg.Of("incidents.platformAlert.MediaCenterBoardLatencyHigh"),
            _ => Msg.Of("incidents.platformAlert.other", ("alertname", Truncate(alertname, 60)),
                ("summary", Truncate(string.IsNullOrWhiteSpace(summary) ? "-" : summary.Trim(), 120))),
        };
    }

    /// <summary>The configuration key of the alert names that inhibit terminal alerts while they fire.</summary>
    public const string CauseAlertsKey = "Incidents:Inhibition:CauseAlerts";

    private static HashSet<string> CauseAlerts(IConfiguration configuration) =>
        new(configuration.GetSection(CauseAlertsKey).Get<string[]>() is { Length: > 0 } names ? names : Inhibitions.DefaultCauseAlerts, StringComparer.Ordinal);

    /// <summary>
    /// A firing alert named as a cause holds the terminal alerts beneath it (scoped by its <c>party</c> and <c>region</c>
    /// labels when it has them); its resolution releases those still out as one grouped alert.
    /// </summary>
    private static async Task InhibitAsync(IClusterClient cluster, Alert alert, AlertOutcome outcome, HashSet<string> causes)
    {
        var labels = alert.Labels ?? new Dictionary<string, string>();
        if (!causes.Contains(labels.GetValueOrDefault("alertname") ?? ""))
        {
            return;
        }

        var registry = cluster.GetGrain<IInhibitionGrain>(Inhibitions.Registry);
        var id = Inhibitions.PlatformCause(alert.Fingerprint!);
        if (alert.Status == "firing" && outcome.IncidentId is { } incident)
        {
            var title = TitleOf(labels.GetValueOrDefault("alertname")!, labels, alert.Annotations?.GetValueOrDefault("summary"));
            await registry.StartAsync(new InhibitionCause(id, InhibitionCauseKind.PlatformAlert, labels.GetValueOrDefault("party"),
                labels.GetValueOrDefault("region"), title, alert.StartsAt, incident));
        }
        else if (alert.Status == "resolved")
        {
            await registry.EndAsync(id);
        }
    }

    private static IncidentSeverity SeverityOf(string? severity) => severity?.ToLowerInvariant() switch
    {
        "critical" or "page" => IncidentSeverity.P1,
        "error" or "major" => IncidentSeverity.P2,
        "warning" => IncidentSeverity.P3,
        _ => IncidentSeverity.P4,
    };

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
