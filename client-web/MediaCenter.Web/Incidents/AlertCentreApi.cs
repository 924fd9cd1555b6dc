using MediaCenter.Grains.Incidents;
using MediaCenter.Hosting.Outbound;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Security;

namespace MediaCenter.Web.Incidents;

/// <summary>The alert centre (告警中心: notifications with unread counts) and outbound webhooks.</summary>
internal static class AlertCentreApi
{
    public static IEndpointRouteBuilder MapAlertCentreApi(this IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/api/v1").WithTags("alert centre");

        v1.MapGet("/notifications", async (int? limit, HttpContext http, IncidentReadModel read) =>
            {
                var caller = http.CurrentUser();
                return Results.Ok(await read.NotificationsAsync(caller.Id, IncidentReadModel.AudiencesOf(caller), limit ?? 50, http.RequestAborted));
            })
            .RequireAuthorization(Policies.SignedIn)
            .WithName("ListNotifications")
            .WithSummary("The caller's notifications, newest first, each with whether the caller has read it.");

        v1.MapGet("/notifications/unread-count", async (HttpContext http, IncidentReadModel read) =>
            {
                var caller = http.CurrentUser();
                return Results.Ok(new { unread = await read.UnreadAsync(caller.Id, IncidentReadModel.AudiencesOf(caller), http.RequestAborted) });
            })
            .RequireAuthorization(Policies.SignedIn)
            .WithName("UnreadNotifications")
            .WithSummary("How many of the caller's notifications are unread.");

        v1.MapPost("/notifications/{id}/read", async (string id, HttpContext http, IClusterClient cluster) =>
            {
                var result = await MarkReadAsync(http, cluster, id);
                return result.Ok ? Results.NoContent() : GrainOutcomes.Problem<string>(result.Outcome.ToString(), result.Message, null, [], Msg.Of("what.notification"));
            })
            .RequireAuthorization(Policies.SignedIn)
            .WithName("ReadNotification")
            .WithSummary("Marks one notification read.");

        v1.MapPost("/notifications/read-all", async (HttpContext http, IClusterClient cluster) =>
            {
                var result = await MarkReadAsync(http, cluster, null);
                return result.Ok ? Results.Ok(new { marked = result.Marked }) : GrainOutcomes.Problem<string>(result.Outcome.ToString(), result.Message, null, [], Msg.Of("what.notification"));
            })
            .RequireAuthorization(Policies.SignedIn)
            .WithName("ReadAllNotifications")
            .WithSummary("Marks every notification of the caller read.");

        var hooks = endpoints.MapGroup("/api/v1/webhooks").WithTags("alert centre");
        hooks.MapGet("/", async (HttpContext http, IncidentReadModel read) =>
            {
                var caller = http.CurrentUser();
                return Results.Ok(await read.WebhooksAsync(caller.SpansAllParties ? null : caller.PartyId ?? "-", http.RequestAborted));
            })
            .RequireAuthorization(Policies.PartyManage)
            .WithName("ListWebhooks")
            .WithSummary("Webhooks the caller manages (never their secrets).");

        hooks.MapPost("/", async (IncidentsApi.WebhookBody body, HttpContext http, IClusterClient cluster, OutboundGuard guard) =>
            {
                var caller = http.CurrentUser();
                if (!Uri.TryCreate(body.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                {
                    throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("incident.webhookUrl"));
                }

                // Refused before it is stored, with the same words whatever the reason (the silo checks every connection again).
                if (await guard.CheckAsync(url, http.RequestAborted) is { } refusal)
                {
                    http.Audit().Details["refused"] = refusal;
                    throw new IdentityProblem(ProblemKind.Invalid, OutboundGuard.RefusedMessage);
                }

                // Platform staff attach to the on-call audiences; a party's administrators to their own party's notifications.
                var audience = caller.SpansAllParties ? body.Audience ?? "ops" : "party:" + caller.PartyId;
                if (caller.SpansAllParties && audience is not ("ops" or "role:admin" or "management") && !audience.StartsWith("party:", StringComparison.Ordinal))
                {
                    throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("incident.webhookAudience"));
                }

                var operation = CommandIds.Optional(http);
                var result = await cluster.GetGrain<IWebhookGrain>(CommandIds.KeyFor("webhook", operation))
                    .CreateAsync(new WebhookDraft(audience, url.ToString(), [.. body.Kinds ?? []], body.Language), caller.Id, WebhookRole.Manager, operation);
                if (!result.Ok || result.Hook is not { } hook || result.Secret is not { } secret)
                {
                    return GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.State?.ToString(), result.AllowedMoves, Msg.Of("what.webhook"));
                }

                http.Audit().Target = "webhook:" + hook.Id;
                http.Audit().Details["after"] = new { hook.Audience, hook.Url, hook.Kinds, Language = hook.PayloadLanguage };
                return Results.Created($"/api/v1/webhooks/{hook.Id}", new IncidentsApi.CreatedWebhook(
                    new WebhookRow(hook.Id, hook.Audience, hook.PartyId, hook.Url, hook.Kinds, hook.Active, hook.CreatedAt, hook.PayloadLanguage), secret));
            })
            .RequireAuthorization(Policies.PartyManage)
            .WithName("CreateWebhook")
            .WithSummary("Attaches a webhook: signed JSON POSTs (X-MediaCenter-Signature: sha256=HMAC of \"{timestamp}.{body}\"), retried with backoff; their titles and bodies in the webhook's language (language: zh-CN, the default, or en). The secret is shown once.");

        hooks.MapDelete("/{id:guid}", async (Guid id, HttpContext http, IncidentReadModel read, IClusterClient cluster) =>
            {
                await ManageableAsync(id, http, read);
                http.Audit().Target = "webhook:" + id;
                var result = await cluster.GetGrain<IWebhookGrain>(id).StopAsync(WebhookRole.Manager, CommandIds.Optional(http));
                return result.Ok ? Results.NoContent() : GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.State?.ToString(), result.AllowedMoves, Msg.Of("what.webhook"));
            })
            .RequireAuthorization(Policies.PartyManage)
            .WithName("DeleteWebhook")
            .WithSummary("Stops a webhook; its delivery history stays.");

        hooks.MapGet("/{id:guid}/deliveries", async (Guid id, HttpContext http, IncidentReadModel read) =>
            {
                await ManageableAsync(id, http, read);
                return Results.Ok(await read.DeliveriesAsync(id, http.RequestAborted));
            })
            .RequireAuthorization(Policies.PartyManage)
            .WithName("WebhookDeliveries")
            .WithSummary("A webhook's deliveries, each with every attempt (time, HTTP status, error, duration).");

        return endpoints;
    }

    private static async Task<NotificationReadResult> MarkReadAsync(HttpContext http, IClusterClient cluster, string? id)
    {
        var caller = http.CurrentUser();
        return await cluster.GetGrain<INotificationInboxGrain>(caller.Id)
            .MarkReadAsync([.. IncidentReadModel.AudiencesOf(caller)], id, CommandIds.Optional(http));
    }

    private static async Task ManageableAsync(Guid id, HttpContext http, IncidentReadModel read)
    {
        var caller = http.CurrentUser();
        var hooks = await read.WebhooksAsync(caller.SpansAllParties ? null : caller.PartyId ?? "-", http.RequestAborted);
        if (hooks.All(h => h.Id != id))
        {
            throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("incident.webhookNotFound"));
        }
    }
}
