using System.Text.RegularExpressions;
using MediaCenter.Grains.Incidents;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Newsroom;
using MediaCenter.Web.Security;

namespace MediaCenter.Web.Incidents;

/// <summary>Incidents (F9.2): reports, the lifecycle commands, lists and monthly figures; the alert centre; webhooks.</summary>
internal static partial class IncidentsApi
{
    public sealed record ReportBody(string? Title, string? Detail, IncidentSeverity? Severity, string? PartyId, string? Channel, string? DedupKey);

    public sealed record ActionBody(int? Number, string? Description, string? Owner, DateOnly? Due);

    /// <summary>Arguments of an incident command (which matter depends on the command; CitePlan takes planId, its effective version is looked up).</summary>
    public sealed record CommandBody(string? Text, IncidentSeverity? Severity, string? Channel, string? Technical, string? Management, ActionBody? Action,
        string? PlanId, int? PlanVersion, RootCauseCategory? Category = null);

    /// <summary>A webhook to attach; <c>language</c> (zh-CN, the default, or en) is the language its payloads' texts are written in.</summary>
    public sealed record WebhookBody(string? Url, string? Audience, IReadOnlyList<string>? Kinds, string? Language = null);

    public sealed record CreatedWebhook(WebhookRow Webhook, string Secret);

    /// <summary>The lifecycle table as the browser reads it: one row per move, roles by name.</summary>
    public sealed record Workflow(IReadOnlyList<NewsroomApi.WorkflowRow> Transitions, IReadOnlyList<string> Stages, IReadOnlyList<string> Commands);

    public static string Slug(IncidentCommandType command) => Kebab().Replace(command.ToString(), "-$1").ToLowerInvariant();

    /// <summary>The caller as an incident actor.</summary>
    public static IncidentActor Actor(CurrentUser user)
    {
        var roles = IncidentRole.None;
        if (user.SpansAllParties)
        {
            roles |= IncidentRole.Operator;
        }

        if (user.Is(PlatformRoles.Management))
        {
            roles |= IncidentRole.Management;
        }

        if (user.PartyId is not null)
        {
            roles |= IncidentRole.Party;
        }

        return new IncidentActor(user.Id, user.DisplayName, roles, user.PartyId);
    }

    public static IEndpointRouteBuilder MapIncidentsApi(this IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/api/v1").WithTags("incidents");

        v1.MapGet("/incidents", async (string? stage, string? party, string? application, int? limit, HttpContext http, IncidentReadModel read) =>
            {
                var caller = http.CurrentUser();
                var filter = Scope.PartyFilter(caller, party);
                return Results.Ok(await read.ListAsync(filter, caller.SpansAllParties || caller.Is(PlatformRoles.Management), stage, limit ?? 100, http.RequestAborted,
                    string.IsNullOrWhiteSpace(application) ? null : application.Trim()));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListIncidents")
            .WithSummary("Incidents the caller may see, newest first (platform staff and management: all; access parties: their own); application= keeps one application's (its code, with party=).");

        v1.MapGet("/incidents/workflow", () => Results.Ok(new Workflow(
                [.. IncidentWorkflow.Transitions.Select(t => new NewsroomApi.WorkflowRow(t.From?.ToString(), t.Command.ToString(),
                    [.. Enum.GetValues<IncidentRole>().Where(r => r != IncidentRole.None && t.Roles.HasFlag(r)).Select(r => r.ToString())], t.To?.ToString()))],
                Enum.GetNames<IncidentStage>(), Enum.GetNames<IncidentCommandType>())))
            .RequireAuthorization(Policies.SignedIn)
            .WithName("IncidentWorkflow")
            .WithSummary("The lifecycle table (stage × command × roles → next stage); the detail derives the moves it offers from it.");

        v1.MapGet("/incidents/stats", async (int? months, HttpContext http, IncidentReadModel read) =>
                Results.Ok(await read.MonthsAsync(Scope.PartyFilter(http.CurrentUser(), null), months ?? 6, http.RequestAborted)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("IncidentStats")
            .WithSummary("Per month: reported, acknowledged, resolved, mean minutes to acknowledge (MTTA) and to resolve (MTTR).");

        v1.MapGet("/incidents/{id}", async (string id, HttpContext http, IClusterClient cluster) =>
                Results.Ok(await VisibleAsync(id, http, cluster)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetIncident")
            .WithSummary("One incident with its whole timeline.");

        v1.MapPost("/incidents", async (ReportBody body, HttpContext http, IClusterClient cluster, PartyDirectory directory, TimeProvider time) =>
            {
                var caller = http.CurrentUser();
                var actor = Actor(caller);
                var party = caller.SpansAllParties ? body.PartyId : caller.PartyId;
                if (!caller.SpansAllParties && caller.PartyId is null)
                {
                    throw new IdentityProblem(ProblemKind.Forbidden, Msg.Of("incident.onlyOperatorsReport"));
                }

                if (body.Channel is { } code && (await directory.ChannelAsync(code, http.RequestAborted) is not { } channel || (party is not null && channel.PartyId != party)))
                {
                    throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("incident.channelNotParty", ("channel", code)));
                }

                if (party is not null && (await directory.PartiesAsync(party, http.RequestAborted)).Count == 0)
                {
                    throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("incident.noSuchParty", ("party", party)));
                }

                var operation = CommandIds.Required(http);
                var key = string.IsNullOrWhiteSpace(body.DedupKey) ? "manual:" + operation : $"manual:{party ?? "platform"}:{body.DedupKey.Trim()}";
                var report = new IncidentReport(key, caller.SpansAllParties ? IncidentSource.Staff : IncidentSource.AccessParty,
                    body.Severity ?? IncidentSeverity.P3, body.Title?.Trim() ?? "", body.Detail?.Trim() ?? "", party, body.Channel, null, time.GetUtcNow());
                string id;
                try
                {
                    id = await cluster.GetGrain<IIncidentDeskGrain>(key).ReportAsync(report, actor, operation);
                }
                catch (ArgumentException ex)
                {
                    throw new IdentityProblem(ProblemKind.Invalid, ex.Message);
                }

                http.Audit().Target = "incident:" + id;
                return Results.Created($"/api/v1/incidents/{id}", await cluster.GetGrain<IIncidentGrain>(id).GetAsync());
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ReportIncident")
            .WithSummary("Reports a fault by hand (operators, or an access party for itself); repeats with the same dedupKey count on the open incident. Requires an Idempotency-Key.");

        // Reports have their own endpoint; what only the platform does (escalation, an alert group's membership) has none.
        var platformOnly = IncidentWorkflow.Transitions.GroupBy(t => t.Command)
            .Where(g => g.All(t => t.Roles == IncidentRole.System)).Select(g => g.Key).ToHashSet();
        foreach (var command in Enum.GetValues<IncidentCommandType>().Where(c => c != IncidentCommandType.Report && !platformOnly.Contains(c)))
        {
            v1.MapPost($"/incidents/{{id}}/{Slug(command)}", (string id, CommandBody? body, HttpContext http, IClusterClient cluster, PartyDirectory directory) =>
                    ExecuteAsync(command, id, body ?? new CommandBody(null, null, null, null, null, null, null, null), http, cluster, directory))
                .RequireAuthorization(Policies.PartyRead)
                .WithName("Incident" + command)
                .WithSummary($"{command}: see the incident lifecycle (docs/INCIDENTS.md). Requires an Idempotency-Key; a repeat returns the first result.");
        }

        return endpoints;
    }

    private static async Task<IResult> ExecuteAsync(IncidentCommandType type, string id, CommandBody body, HttpContext http, IClusterClient cluster,
        PartyDirectory directory)
    {
        var incident = await VisibleAsync(id, http, cluster);
        int? planVersion = body.PlanVersion;
        if (type == IncidentCommandType.CitePlan)
        {
            // An incident follows a plan's effective (approved) version: looked up here, never taken from the caller.
            var effective = string.IsNullOrWhiteSpace(body.PlanId) ? null : await cluster.GetGrain<Grains.Operations.IPlanGrain>(body.PlanId).GetEffectiveAsync();
            if (effective is null || (incident.PartyId is not null && effective.PartyId != incident.PartyId))
            {
                throw new IdentityProblem(ProblemKind.Invalid,
                    Msg.Of("incident.planNotCitable", ("plan", body.PlanId)));
            }

            planVersion = effective.Version;
        }

        if (type == IncidentCommandType.SuspendService && body.Channel is { } code
            && (await directory.ChannelAsync(code, http.RequestAborted) is not { } channel || (incident.PartyId is not null && channel.PartyId != incident.PartyId)))
        {
            throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("incident.channelNotAffectedParty", ("channel", code)));
        }

        var action = body.Action is { } a ? new CorrectiveAction(a.Number ?? 0, a.Description ?? "", a.Owner ?? "", a.Due ?? DateOnly.MinValue, null) : null;
        IncidentCommand command = type switch
        {
            IncidentCommandType.Acknowledge => new IncidentCommand.Acknowledge(),
            IncidentCommandType.SuspendService => new IncidentCommand.SuspendService { Channel = body.Channel },
            IncidentCommandType.ResumeService => new IncidentCommand.ResumeService(),
            IncidentCommandType.Mitigate => new IncidentCommand.Mitigate(),
            IncidentCommandType.Resolve => new IncidentCommand.Resolve(),
            IncidentCommandType.RecordRootCause => new IncidentCommand.RecordRootCause
            {
                RootCause = body.Technical is null && body.Management is null && body.Category is null
                    ? null
                    : new RootCause(body.Technical ?? "", body.Management ?? "", body.Category),
                Action = action,
            },
            IncidentCommandType.UpdateAction => new IncidentCommand.UpdateAction { Action = action },
            IncidentCommandType.SendFeedback => new IncidentCommand.SendFeedback(),
            IncidentCommandType.ReadFeedback => new IncidentCommand.ReadFeedback(),
            IncidentCommandType.Close => new IncidentCommand.Close(),
            IncidentCommandType.Reopen => new IncidentCommand.Reopen(),
            IncidentCommandType.SetSeverity => new IncidentCommand.SetSeverity { Severity = body.Severity },
            IncidentCommandType.CitePlan => new IncidentCommand.CitePlan { PlanId = body.PlanId, PlanVersion = planVersion },
            IncidentCommandType.Comment => new IncidentCommand.Comment(),
            _ => throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("incident.noSuchCommand", ("command", type))),
        };
        command = command with { Text = body.Text };
        var result = await cluster.GetGrain<IIncidentGrain>(id).ExecuteAsync(command, Actor(http.CurrentUser()), CommandIds.Required(http));
        http.Audit().Target = "incident:" + id;
        if (result.Ok)
        {
            return Results.Ok(await cluster.GetGrain<IIncidentGrain>(id).GetAsync());
        }

        return GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.Stage?.ToString(), result.AllowedMoves, Msg.Of("what.incident"));
    }

    internal static async Task<IncidentSnapshot> VisibleAsync(string id, HttpContext http, IClusterClient cluster)
    {
        var caller = http.CurrentUser();
        var incident = await cluster.GetGrain<IIncidentGrain>(id).GetAsync();
        var visible = incident is not null && (incident.PartyId is { } party ? caller.CanSeeParty(party) : caller.SpansAllParties || caller.Is(PlatformRoles.Management));
        return visible ? incident! : throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("incident.notFoundId", ("id", id)));
    }

    [GeneratedRegex("(?<!^)([A-Z])")]
    private static partial Regex Kebab();
}
