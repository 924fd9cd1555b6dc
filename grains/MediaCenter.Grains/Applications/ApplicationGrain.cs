using MediaCenter.Grains.Newsroom;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace MediaCenter.Grains.Applications;

/// <summary>Stored state of an application. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.ApplicationGrainState")]
public sealed class ApplicationGrainState
{
    [Id(0)] public ApplicationView? Application { get; set; }
    [Id(1)] public List<ApplicationHistoryEntry> History { get; set; } = [];
    [Id(2)] public List<AppliedOperation<ApplicationResult>> Applied { get; set; } = [];
}

/// <summary>
/// One application (接入应用) of an access party. Commands run through the command pipeline against <see cref="ApplicationWorkflow"/>;
/// the read table and the event log follow through <see cref="IApplicationJournal"/>, and so do its channels: while it is suspended,
/// each of them carries the application's reason and gives no outward service. The announcement repeats until every channel has
/// it, so a crash between the write and the channels only delays them.
/// </summary>
internal sealed partial class ApplicationGrain : Grain, IApplicationGrain
{
    private const int MaxName = 200;
    private const int MaxText = 2000;
    private const int MaxShort = 100;

    private readonly IPersistentState<ApplicationGrainState> _state;
    private readonly TimeProvider _time;
    private readonly IApplicationJournal _journal;
    private readonly ILogger<ApplicationGrain> _logger;
    private readonly CommandPipeline<ApplicationGrainState, ApplicationState, ApplicationCommandType, OpsRole, ApplicationResult> _pipeline;
    private readonly EventBacklog _events = new();

    public ApplicationGrain(
        [PersistentState("application", StorageNames.Main)] IPersistentState<ApplicationGrainState> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        IApplicationJournal journal,
        Orleans.Serialization.DeepCopier<ApplicationGrainState> copier,
        ILogger<ApplicationGrain> logger)
    {
        _state = state;
        _time = time;
        _journal = journal;
        _logger = logger;
        _pipeline = CommandPipeline.For(this, state,
            new WorkflowSpec<ApplicationGrainState, ApplicationState, ApplicationCommandType, OpsRole, ApplicationResult>
            {
                Table = ApplicationWorkflow.Table,
                StageOf = s => s.Application?.State,
                Operations = OperationMemory<ApplicationGrainState, ApplicationResult>.Over(s => s.Applied, a => a.OperationId,
                    a => a.Result with { Replay = true }, (id, result) => new AppliedOperation<ApplicationResult>(id, result)),
                Copy = copier.Copy,
                IsApplied = r => r.Ok,
                Refuse = (refusal, message) => Refuse(OpsGrainSupport.Outcome(refusal), message),
                NotFoundMessage = Msg.Of("common.notFound", ("what", Msg.Of("apps.what"))),
                RefusalAsStored = r => Refuse(r.Outcome, r.Message ?? r.Outcome.ToString()),
                Announce = AnnounceAsync,
                AnnounceFailed = ex => LogBehind(_logger, Id, ex.Message),
                Reread = OweHistory,
            });
    }

    private ApplicationGrainState S => _state.State;

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Application is null && ApplicationIds.Split(Id) is var (party, code))
        {
            // A default application exists as a row before any command: the migration and party registration write it.
            S.Application = await _journal.FindAsync(party, code, cancellationToken);
            return;
        }

        if (S.Application is not null)
        {
            OweHistory();
            await _pipeline.Announcer.RunAsync(cancellationToken);
        }
    }

    public Task<ApplicationView?> GetAsync() => Task.FromResult(S.Application);

    public Task<List<ApplicationHistoryEntry>> GetHistoryAsync() => Task.FromResult(S.History.ToList());

    public Task<ApplicationAdmission> AdmitAsync(string partyId) => Task.FromResult(S.Application switch
    {
        null => new ApplicationAdmission(OpsOutcome.NotFound, Msg.Of("common.notFound", ("what", Msg.Of("apps.what"))), null),
        { } a when a.PartyId != partyId => new ApplicationAdmission(OpsOutcome.Invalid, Msg.Of("apps.otherParty", ("code", a.Code)), null),
        { State: ApplicationState.Retired } a => new ApplicationAdmission(OpsOutcome.IllegalMove, Msg.Of("apps.retiredTakesNone", ("code", a.Code)), null),
        { } a => new ApplicationAdmission(OpsOutcome.Applied, null, a.State == ApplicationState.Suspended ? a.SuspendedReason : null),
    });

    public Task<ApplicationResult> ExecuteAsync(ApplicationCommand command, OpsActor actor, string operationId) =>
        _pipeline.ExecuteAsync(new WorkflowCall<ApplicationState, ApplicationCommandType, OpsRole, ApplicationResult>
        {
            OperationId = operationId,
            Command = command.Type,
            Roles = () => actor.Roles,
            Decide = transition => DecideAsync(command, actor, transition.To!.Value),
        });

    private async Task<ApplicationResult> DecideAsync(ApplicationCommand command, OpsActor actor, ApplicationState to)
    {
        var now = _time.GetUtcNow();
        var from = S.Application?.State;
        string? comment = null;
        switch (command)
        {
            case CreateApplication c:
                {
                    if (ApplicationIds.Split(Id) is not var (party, code) || !ApplicationIds.IsValidCode(code))
                    {
                        return Invalid(Msg.Of("apps.codeInvalid"));
                    }

                    if (Describe(c.Name, c.Kind, c.Owner, c.Description) is { } refusal)
                    {
                        return Invalid(refusal);
                    }

                    S.Application = new ApplicationView(Id, party, code, c.Name!.Trim(), c.Kind!.Value, OpsGrainSupport.Optional(c.Owner),
                        OpsGrainSupport.Optional(c.Description), to, null, null, 0, now, now);
                    comment = S.Application.Name;
                    break;
                }

            case EditApplication c:
                if (Describe(c.Name, c.Kind, c.Owner, c.Description) is { } invalid)
                {
                    return Invalid(invalid);
                }

                S.Application = S.Application! with
                {
                    Name = c.Name!.Trim(),
                    Kind = c.Kind!.Value,
                    Owner = OpsGrainSupport.Optional(c.Owner),
                    Description = OpsGrainSupport.Optional(c.Description),
                    State = to,
                };
                break;

            case SuspendApplication { Suspended: true } c:
                {
                    var reason = OpsGrainSupport.Required(c.Reason, MaxText);
                    if (reason is null)
                    {
                        return Invalid(Msg.Of("apps.reasonRequired", ("max", MaxText)));
                    }

                    S.Application = S.Application! with { State = to, SuspendedReason = reason, SuspendedAt = now };
                    comment = reason;
                    break;
                }

            case SuspendApplication c:
                if (!OpsGrainSupport.FitsOptional(c.Reason, MaxText))
                {
                    return Invalid(Msg.Of("apps.noteTooLong", ("max", MaxText)));
                }

                S.Application = S.Application! with { State = to, SuspendedReason = null, SuspendedAt = null };
                comment = OpsGrainSupport.Optional(c.Reason);
                break;

            case RetireApplication c:
                {
                    var app = S.Application!;
                    if (app.Code == ApplicationIds.DefaultCode)
                    {
                        return Invalid(Msg.Of("apps.defaultStays"));
                    }

                    var channels = await _journal.ChannelsAsync(app.PartyId, app.Code);
                    var terminals = await _journal.TerminalCountAsync(app.PartyId, app.Code);
                    if (channels.Count > 0 || terminals > 0)
                    {
                        return Invalid(Msg.Of("apps.stillHasMembers", ("channels", channels.Count), ("terminals", terminals)));
                    }

                    S.Application = app with { State = to, SuspendedReason = null, SuspendedAt = null };
                    comment = OpsGrainSupport.Optional(c.Note);
                    break;
                }

            default:
                return Invalid(Msg.Of("apps.unknownCommand"));
        }

        S.Application = S.Application with { Version = S.Application.Version + 1, UpdatedAt = now };
        var entry = new ApplicationHistoryEntry(S.Application.Version, now, actor.UserId, actor.Name, command.Type, from, S.Application.State, comment);
        S.History.Add(entry);

        _events.Owe(entry.Version);
        LogChanged(_logger, Id, command.Type.ToString(), from?.ToString() ?? "(new)", S.Application.State.ToString());
        return new ApplicationResult(OpsOutcome.Applied, null, S.Application.State, ApplicationWorkflow.Table.AllowedIn(S.Application.State), S.Application);
    }

    private static string? Describe(string? name, ApplicationKind? kind, string? owner, string? description)
    {
        if (OpsGrainSupport.Required(name, MaxName) is null)
        {
            return Msg.Of("apps.nameRequired", ("max", MaxName));
        }

        if (kind is not { } k || !Enum.IsDefined(k))
        {
            return Msg.Of("apps.kindRequired");
        }

        return !OpsGrainSupport.FitsOptional(owner, MaxShort) || !OpsGrainSupport.FitsOptional(description, MaxText)
            ? Msg.Of("apps.textTooLong", ("owner", MaxShort), ("description", MaxText))
            : null;
    }

    /// <summary>After activation or a re-read the log may lack any of the history.</summary>
    private void OweHistory()
    {
        if (S.History.Count > 0)
        {
            _events.Owe(S.History[0].Version);
        }
    }

    private async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        if (S.Application is not { } app)
        {
            return;
        }

        await _events.AppendAsync(S.History, h => h.Version, entry => _journal.RecordAsync(app, entry, cancellationToken));
        await _journal.RecordAsync(app, null, cancellationToken);

        // Every channel of the application carries its suspension (idempotent: a channel already holding it changes nothing).
        var reason = app.State == ApplicationState.Suspended ? app.SuspendedReason : null;
        foreach (var channel in await _journal.ChannelsAsync(app.PartyId, app.Code, cancellationToken))
        {
            await GrainFactory.GetGrain<IChannelGrain>(channel).SetApplicationSuspendedAsync(reason, $"{Id}:v{app.Version}");
        }
    }

    private ApplicationResult Invalid(string message) => Refuse(OpsOutcome.Invalid, message);

    private ApplicationResult Refuse(OpsOutcome outcome, string message) =>
        new(outcome, message, S.Application?.State, ApplicationWorkflow.Table.AllowedIn(S.Application?.State), S.Application);

    [LoggerMessage(Level = LogLevel.Information, Message = "Application {ApplicationId}: {Command} {From} -> {To}")]
    private static partial void LogChanged(ILogger logger, string applicationId, string command, string from, string to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Application {ApplicationId}: the read table, event log or channels are behind: {Reason}")]
    private static partial void LogBehind(ILogger logger, string applicationId, string reason);
}
