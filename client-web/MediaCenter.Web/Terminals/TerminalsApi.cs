using MediaCenter.Grains.Terminals;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Security;

namespace MediaCenter.Web.Terminals;

/// <summary>Smart terminals (F8.5): registration, the fleet list, one terminal, maintenance, inspections.</summary>
internal static class TerminalsApi
{
    public sealed record RegisterTerminal(string? Id, string? Name, TerminalKind? Kind, string? Region, string? PartyId,
        int? HeartbeatIntervalSeconds, int? OfflineTimeoutSeconds, string? Application = null);

    public sealed record MqttCredential(string Username, string Password, string TopicPrefix);

    public sealed record Registered(TerminalSnapshot Terminal, MqttCredential? Mqtt);

    public sealed record Maintenance(bool On);

    public sealed record Inspection(DateTimeOffset? At, string? Findings, bool? Passed);

    public sealed record CommandRequest(TerminalCommandType? Type, string? Text);

    public sealed record Fleet(IReadOnlyList<TerminalRow> Terminals, IReadOnlyDictionary<string, int> ByHealth, IReadOnlyDictionary<string, int> ByRegion);

    public static IEndpointRouteBuilder MapTerminalsApi(this IEndpointRouteBuilder endpoints)
    {
        var terminals = endpoints.MapGroup("/api/terminals").WithTags("terminals");

        terminals.MapGet("/", async (string? party, string? health, string? region, HttpContext http, TerminalDirectory directory) =>
            {
                var rows = await directory.ListAsync(Scope.PartyFilter(http.CurrentUser(), party), health, region, http.RequestAborted);
                return Results.Ok(new Fleet(rows,
                    rows.GroupBy(r => r.Health).ToDictionary(g => g.Key, g => g.Count()),
                    rows.GroupBy(r => r.Region).ToDictionary(g => g.Key, g => g.Count())));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListTerminals")
            .WithSummary("The fleet the caller may see, with counts by health and region (the ops board's snapshot).");

        terminals.MapPost("/", async (RegisterTerminal body, HttpContext http, IClusterClient cluster, TerminalDirectory directory,
                TerminalCredentialStore credentials) =>
            {
                var caller = http.CurrentUser();
                var id = body.Id?.Trim() ?? "";
                var existingParty = id.Length == 0 ? null : await directory.PartyOfAsync(id, http.RequestAborted);
                var party = existingParty ?? body.PartyId ?? caller.PartyId ?? throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("terminal.partyRequired"));
                if (existingParty is not null && body.PartyId is not null && body.PartyId != existingParty)
                {
                    throw new IdentityProblem(ProblemKind.Conflict, Msg.Of("terminal.otherParty"));
                }

                Scope.RequireManageable(caller, party, Msg.Of("terminal.what.party"));
                if (body.Kind is null || string.IsNullOrWhiteSpace(body.Name) || string.IsNullOrWhiteSpace(body.Region) || body.HeartbeatIntervalSeconds is null)
                {
                    throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("terminal.registrationRequired"));
                }

                // The credential comes first: it validates the id and refuses an id another party holds.
                MqttCredential? mqtt = null;
                if (await credentials.GetAsync(id, http.RequestAborted) is not { } credential)
                {
                    var secret = await credentials.IssueAsync(id, party, caller.Id, http.RequestAborted);
                    mqtt = new MqttCredential(id, secret, $"mc/t/{id}/");
                }
                else if (credential.PartyId != party)
                {
                    throw new IdentityProblem(ProblemKind.Conflict, Msg.Of("terminal.idTaken", ("id", id)));
                }

                // A re-registration naming no application keeps the terminal's; a new terminal naming none joins the party's default one.
                var application = body.Application is null && existingParty is not null
                    ? (await cluster.GetGrain<ITerminalGrain>(id).GetAsync()).Registration?.Application()
                    : null;
                var target = Applications.ApplicationsApi.Target(application ?? body.Application, party);
                await Applications.ApplicationsApi.AdmitAsync(cluster, target, party);
                var registration = new TerminalRegistration(body.Name.Trim(), body.Kind.Value, body.Region.Trim(), party,
                    TimeSpan.FromSeconds(body.HeartbeatIntervalSeconds.Value),
                    body.OfflineTimeoutSeconds is { } t ? TimeSpan.FromSeconds(t) : null, target.Code);
                TerminalSnapshot snapshot;
                try
                {
                    snapshot = await cluster.GetGrain<ITerminalGrain>(id).RegisterAsync(registration, OperationId(http));
                }
                catch (ArgumentException ex)
                {
                    throw new IdentityProblem(ProblemKind.Invalid, ex.Message);
                }

                http.Audit().Target = "terminal:" + id;
                http.Audit().Details["after"] = new { registration.Name, Kind = registration.Kind.ToString(), registration.Region, registration.PartyId, Application = target.Code };
                return Results.Ok(new Registered(snapshot, mqtt));
            })
            .RequireAuthorization(Policies.PartyManage)
            .WithName("RegisterTerminal")
            .WithSummary("Registers (or updates) a terminal; a new terminal gets its MQTT credential, shown once. Send an Idempotency-Key.");

        terminals.MapGet("/{id}", async (string id, HttpContext http, IClusterClient cluster, TerminalDirectory directory) =>
            {
                await VisibleAsync(id, http, directory);
                return Results.Ok(await cluster.GetGrain<ITerminalGrain>(id).GetAsync());
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetTerminal")
            .WithSummary("One terminal now: health, last heartbeat, deadline, telemetry, inspections.");

        terminals.MapGet("/{id}/telemetry", async (string id, int? hours, HttpContext http, TerminalDirectory directory, TimeProvider time) =>
            {
                await VisibleAsync(id, http, directory);
                var span = TimeSpan.FromHours(Math.Clamp(hours ?? 24, 1, 24 * 31));
                return Results.Ok(await directory.TelemetryAsync(id, time.GetUtcNow() - span, http.RequestAborted));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetTerminalTelemetry")
            .WithSummary("Telemetry history (averages and peaks per 5-minute bucket) over the last hours (default 24, at most 744).");

        terminals.MapPut("/{id}/maintenance", async (string id, Maintenance body, HttpContext http, IClusterClient cluster, TerminalDirectory directory) =>
            {
                await ManageableAsync(id, http, directory);
                var snapshot = await cluster.GetGrain<ITerminalGrain>(id).SetMaintenanceAsync(body.On, OperationId(http));
                http.Audit().Target = "terminal:" + id;
                http.Audit().Details["after"] = new { maintenance = body.On };
                return Results.Ok(snapshot);
            })
            .RequireAuthorization(Policies.PartyManage)
            .WithName("SetTerminalMaintenance")
            .WithSummary("Puts a terminal into maintenance (no alerts) or takes it out.");

        terminals.MapPost("/{id}/inspections", async (string id, Inspection body, HttpContext http, IClusterClient cluster, TerminalDirectory directory,
                TimeProvider time) =>
            {
                await ManageableAsync(id, http, directory);
                if (string.IsNullOrWhiteSpace(body.Findings) || body.Passed is null)
                {
                    throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("terminal.inspectionRequired"));
                }

                var at = body.At ?? time.GetUtcNow();
                if (at > time.GetUtcNow() + TimeSpan.FromMinutes(5))
                {
                    throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("terminal.inspectionInFuture"));
                }

                var snapshot = await cluster.GetGrain<ITerminalGrain>(id).RecordInspectionAsync(
                    new InspectionRecord(at, http.CurrentUser().DisplayName, body.Findings.Trim(), body.Passed.Value), OperationId(http));
                http.Audit().Target = "terminal:" + id;
                return Results.Ok(snapshot);
            })
            .RequireAuthorization(Policies.PartyManage)
            .WithName("RecordTerminalInspection")
            .WithSummary("Records a full inspection (who, when, findings); the next is due six months later.");

        terminals.MapPost("/{id}/commands", async (string id, CommandRequest body, HttpContext http, IClusterClient cluster, TerminalDirectory directory) =>
            {
                await ManageableAsync(id, http, directory);
                if (body.Type is null)
                {
                    throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("terminal.commandTypeRequired"));
                }

                TerminalCommand command;
                try
                {
                    command = await cluster.GetGrain<ITerminalGrain>(id).SendCommandAsync(body.Type.Value, body.Text, OperationId(http));
                }
                catch (ArgumentException ex)
                {
                    throw new IdentityProblem(ProblemKind.Invalid, ex.Message);
                }

                http.Audit().Target = "terminal:" + id;
                http.Audit().Details["command"] = new { command.Id, Type = command.Type.ToString() };
                return Results.Accepted($"/api/terminals/{id}", command);
            })
            .RequireAuthorization(Policies.PartyManage)
            .WithName("SendTerminalCommand")
            .WithSummary("Sends a command (Notice with text, Refresh, Reboot); the terminal's acknowledgement or a 30 s timeout settles it. Send an Idempotency-Key.");

        terminals.MapGet("/alerts", async (int? limit, HttpContext http, TerminalDirectory directory) =>
                Results.Ok(await directory.AlertsAsync(Scope.PartyFilter(http.CurrentUser(), null), limit ?? 50, http.RequestAborted)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListTerminalAlerts")
            .WithSummary("The alert feed: terminals going offline or degraded, and recovering, newest first.");

        terminals.MapGet("/activity", async (DateOnly? from, DateOnly? to, string? party, HttpContext http, TerminalDirectory directory, TimeProvider time) =>
            {
                var (first, last) = Range(from, to, time);
                return Results.Ok(await directory.ActivityAsync(Scope.PartyFilter(http.CurrentUser(), party), first, last, http.RequestAborted));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("TerminalActivity")
            .WithSummary("Daily usage per terminal (heartbeats, sessions, interactions, screen-on seconds); default: the last 7 days.");

        terminals.MapGet("/activity.csv", async (DateOnly? from, DateOnly? to, string? party, HttpContext http, TerminalDirectory directory, TimeProvider time) =>
            {
                var (first, last) = Range(from, to, time);
                var rows = await directory.ActivityAsync(Scope.PartyFilter(http.CurrentUser(), party), first, last, http.RequestAborted);
                var csv = new System.Text.StringBuilder("\uFEFFday,terminal_id,party_id,heartbeats,sessions,interactions,screen_on_seconds\r\n");
                foreach (var r in rows)
                {
                    csv.Append(System.FormattableString.Invariant($"{r.Day:yyyy-MM-dd},{r.TerminalId},{r.PartyId},{r.Heartbeats},{r.Sessions},{r.Interactions},{r.ScreenOnSeconds}\r\n"));
                }

                return Results.File(System.Text.Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", $"terminal-activity-{first:yyyyMMdd}-{last:yyyyMMdd}.csv");
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ExportTerminalActivity")
            .WithSummary("The same usage report as CSV.");

        terminals.MapGet("/inspections/overdue", async (HttpContext http, TerminalDirectory directory, TimeProvider time) =>
                Results.Ok(await directory.OverdueInspectionsAsync(Scope.PartyFilter(http.CurrentUser(), null), time.GetUtcNow(), http.RequestAborted)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListOverdueInspections")
            .WithSummary("Terminals whose six-monthly inspection is overdue.");

        return endpoints;
    }

    private static (DateOnly From, DateOnly To) Range(DateOnly? from, DateOnly? to, TimeProvider time)
    {
        var last = to ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime.AddHours(8));
        var first = from ?? last.AddDays(-6);
        if (first > last || last.DayNumber - first.DayNumber > 366)
        {
            throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("terminal.rangeInvalid"));
        }

        return (first, last);
    }

    private static async Task ManageableAsync(string id, HttpContext http, TerminalDirectory directory) =>
        Scope.RequireManageable(http.CurrentUser(), await VisibleAsync(id, http, directory), Msg.Of("terminal.what.terminal"));

    internal static async Task<string> VisibleAsync(string id, HttpContext http, TerminalDirectory directory)
    {
        var party = await directory.PartyOfAsync(id, http.RequestAborted);
        if (party is null || !http.CurrentUser().CanSeeParty(party))
        {
            throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("terminal.notFound"));
        }

        return party;
    }

    /// <summary>
    /// The operation id of a terminal command: the caller's Idempotency-Key scoped to the caller (two people who happen to send the
    /// same key never replay each other's command), hashed so that the command id sent to the terminal stays short and does not
    /// carry the key; a fresh id when the caller sent none (then a retry is a new command).
    /// </summary>
    internal static string OperationId(HttpContext http) => CommandIds.KeyFor("terminal", CommandIds.Optional(http)).ToString("N");
}
