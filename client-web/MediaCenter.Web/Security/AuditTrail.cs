using System.Diagnostics;
using MediaCenter.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace MediaCenter.Web.Security;

/// <summary>What a handler adds to the operation log entry of its request (target, before/after summary).</summary>
public sealed class AuditNotes
{
    /// <summary>Whether the request may change something: its attempt is logged before it runs (<see cref="AuditWriteAhead"/>).</summary>
    public bool Changes { get; init; }

    /// <summary>The entity acted on, e.g. <c>user:…</c>; defaults to the route values.</summary>
    public string? Target { get; set; }

    /// <summary>Extra facts for the entry (before/after summaries). Never personal data in clear.</summary>
    public Dictionary<string, object?> Details { get; } = [];
}

/// <summary>
/// Writes an operation-log entry for every state-changing API call (whatever its outcome) after the
/// response is decided, and raises the bulk-deletion warning.
/// </summary>
public sealed partial class AuditTrail(RequestDelegate next, ILogger<AuditTrail> logger)
{
    /// <summary>Sign-in attempts go to the login log instead.</summary>
    private static readonly string[] NotAudited = ["/api/auth/sign-in", "/api/auth/tokens"];

    /// <summary>The logs' own API: its reads are logged as well.</summary>
    private static readonly PathString ReadsAudited = "/api/audit";

    public async Task InvokeAsync(HttpContext context, AuditLog audit, SecurityAlerts alerts, IOptions<IdentitySettings> settings)
    {
        var request = context.Request;
        var read = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method);
        // Reading the logs is itself logged (who searched for what), so that an auditor's look at them leaves a trace too.
        var readsLogs = read && request.Path.StartsWithSegments(ReadsAudited);
        if ((read && !readsLogs) || !request.Path.StartsWithSegments("/api") || NotAudited.Any(p => request.Path.Equals(p, StringComparison.OrdinalIgnoreCase)))
        {
            await next(context);
            return;
        }

        var notes = new AuditNotes { Changes = !read };
        if (readsLogs && request.QueryString.HasValue)
        {
            notes.Details["query"] = request.QueryString.Value;
        }

        context.Items[typeof(AuditNotes)] = notes;
        Exception? failure = null;
        try
        {
            await next(context);
        }
        catch (Exception e)
        {
            failure = e;
            throw;
        }
        finally
        {
            await WriteAsync(context, notes, failure, audit, alerts, settings.Value);
        }
    }

    /// <summary>The action of a request as the log names it: the method and the route's pattern.</summary>
    internal static string ActionOf(HttpContext context) => (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText is { } pattern
        ? $"{context.Request.Method} {(pattern.Length > 1 ? pattern.TrimEnd('/') : pattern)}"
        : $"{context.Request.Method} {context.Request.Path}";

    /// <summary>What the request acted on, when its handler did not say: the route values.</summary>
    internal static string? RouteTargetOf(HttpContext context) =>
        string.Join(',', context.Request.RouteValues.Select(v => $"{v.Key}={v.Value}")) is { Length: > 0 } target ? target : null;

    private async Task WriteAsync(HttpContext context, AuditNotes notes, Exception? failure, AuditLog audit, SecurityAlerts alerts, IdentitySettings settings)
    {
        // A refusal thrown by a handler is answered further out, after this entry is written: its status is the one it will get.
        var status = failure is null ? context.Response.StatusCode : Api.ProblemExceptionHandler.StatusOf(failure);
        var result = status switch
        {
            < 400 => "ok",
            401 or 403 => "denied",
            < 500 => "rejected",
            _ => "failed",
        };
        var action = ActionOf(context);
        var target = notes.Target ?? RouteTargetOf(context);
        var actor = context.CurrentUserOrNull()?.Username;
        notes.Details["method"] = context.Request.Method;
        notes.Details["status"] = status;
        try
        {
            await audit.OperationAsync(context.OperationEntry(action, target, result, notes.Details), CancellationToken.None);

            if (actor is not null && result == "ok" && HttpMethods.IsDelete(context.Request.Method))
            {
                var deletions = await audit.CountRecentDeletionsAsync(actor, settings.AlertWindow, CancellationToken.None);
                if (deletions == settings.BulkDeletionAlertThreshold)
                {
                    await alerts.RaiseAsync("bulk-deletion", actor,
                        Msg.Of("web.bulkDeletion", ("actor", actor), ("minutes", Math.Round(settings.AlertWindow.TotalMinutes)), ("count", deletions)));
                }
            }
        }
        catch (Exception ex)
        {
            // The attempt was logged before the change ran (AuditWriteAhead): the entry of its outcome is what is lost, and operators
            // must see that.
            LogAuditFailed(logger, action, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The operation log entry for {Action} could not be written")]
    private static partial void LogAuditFailed(ILogger logger, string action, Exception exception);
}

/// <summary>
/// Logs the attempt of every state-changing call that authorization let through before it runs, and refuses the call (503, nothing
/// done) when the operation log cannot take the entry: no change is made that the log does not know was tried. The outcome follows
/// as its own entry (<see cref="AuditTrail"/>), with the same correlation id.
/// </summary>
public sealed partial class AuditWriteAhead(RequestDelegate next, ILogger<AuditWriteAhead> logger)
{
    /// <summary>The result of an attempt's entry.</summary>
    public const string Attempt = "attempt";

    public async Task InvokeAsync(HttpContext context, AuditLog audit)
    {
        if (context.Items[typeof(AuditNotes)] is AuditNotes { Changes: true })
        {
            var action = AuditTrail.ActionOf(context);
            try
            {
                await audit.OperationAsync(context.OperationEntry(action, AuditTrail.RouteTargetOf(context), Attempt,
                    new Dictionary<string, object?> { ["method"] = context.Request.Method }), CancellationToken.None);
            }
            catch (Exception ex)
            {
                LogRefused(logger, action, ex);
                throw new AuditUnavailable(ex);
            }
        }

        await next(context);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Action} refused: the operation log could not take the entry of its attempt")]
    private static partial void LogRefused(ILogger logger, string action, Exception exception);
}

/// <summary>The operation log could not take the entry of a change about to be made, so the change was not made.</summary>
public sealed class AuditUnavailable(Exception inner) : Exception("The operation log is unavailable.", inner);

/// <summary>Early warnings (预警): stored, written to the operation log, and pushed live to administrators and auditors.</summary>
public sealed class SecurityAlerts(AuditLog audit, Live.LiveSender live)
{
    /// <summary>The SignalR method that receives a <see cref="SecurityAlert"/>.</summary>
    public const string Method = "securityAlert";

    /// <summary>Raises an alert.</summary>
    public async Task RaiseAsync(string kind, string subject, string message)
    {
        var alert = await audit.AlertAsync(kind, subject, message);
        await audit.OperationAsync(new OperationEntry("system", "security-alert:" + kind, subject, "ok", null, null, null,
            new Dictionary<string, object?> { ["message"] = message, ["alertId"] = alert.Id }));
        await live.SendAsync(Method, alert, CancellationToken.None, Live.LiveHub.SecurityGroup);
    }
}

/// <summary>Shortcuts for handlers.</summary>
public static class AuditNotesExtensions
{
    /// <summary>An operation-log entry for this request: the caller, trace id, address and user agent come from the request.</summary>
    public static OperationEntry OperationEntry(this HttpContext context, string action, string? target, string result,
        IReadOnlyDictionary<string, object?> details) =>
        new(context.CurrentUserOrNull()?.Username, action, target, result, Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier,
            context.Connection.RemoteIpAddress?.ToString(), context.Request.Headers.UserAgent.ToString(), details);

    /// <summary>The operation-log notes of this request (a throwaway instance on requests that are not audited).</summary>
    public static AuditNotes Audit(this HttpContext context) => context.Items[typeof(AuditNotes)] as AuditNotes ?? new AuditNotes();
}
