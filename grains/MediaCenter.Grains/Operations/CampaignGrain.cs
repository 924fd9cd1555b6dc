using MediaCenter.Grains.Platform;
using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MediaCenter.Grains.Operations;

/// <summary>Stored state of a campaign. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.CampaignGrainState")]
public sealed class CampaignGrainState
{
    /// <summary>The campaign as it is now; null until it is registered.</summary>
    [Id(0)] public CampaignView? Campaign { get; set; }
    [Id(1)] public List<CampaignHistoryEntry> History { get; set; } = [];
    [Id(2)] public List<AppliedOperation<CampaignResult>> Applied { get; set; } = [];
}

/// <summary>
/// One promotion campaign. Commands run through the command pipeline against <see cref="CampaignWorkflow"/>; the read
/// table and the event log follow through <see cref="IOperationsJournal"/>; a campaign written before the grains
/// owned campaigns starts from its row.
/// </summary>
internal sealed partial class CampaignGrain : Grain, ICampaignGrain
{
    private const int MaxTitle = 200;
    private const int MaxText = 4000;
    private const int MaxNote = 2000;
    private const int MaxDays = 366;

    private static readonly WorkflowTable<CampaignState, CampaignCommandType, OpsRole> Table = new(
        CampaignWorkflow.Transitions.Select(t => new Transition<CampaignState, CampaignCommandType, OpsRole>(t.From, t.Command, t.Roles, t.To)));

    private readonly IPersistentState<CampaignGrainState> _state;
    private readonly TimeProvider _time;
    private readonly IOperationsJournal _journal;
    private readonly ILogger<CampaignGrain> _logger;
    private readonly CommandPipeline<CampaignGrainState, CampaignState, CampaignCommandType, OpsRole, CampaignResult> _pipeline;
    private long? _logFrom;

    public CampaignGrain(
        [PersistentState("campaign", StorageNames.Main)] IPersistentState<CampaignGrainState> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        IOperationsJournal journal,
        Orleans.Serialization.DeepCopier<CampaignGrainState> copier,
        ILogger<CampaignGrain> logger)
    {
        _state = state;
        _time = time;
        _journal = journal;
        _logger = logger;
        _pipeline = CommandPipeline.For(this, state, new WorkflowSpec<CampaignGrainState, CampaignState, CampaignCommandType, OpsRole, CampaignResult>
        {
            Table = Table,
            StageOf = s => s.Campaign?.State,
            Operations = OperationMemory<CampaignGrainState, CampaignResult>.Over(s => s.Applied, a => a.OperationId, a => a.Result with { Replay = true },
                (id, result) => new AppliedOperation<CampaignResult>(id, result)),
            Copy = copier.Copy,
            IsApplied = r => r.Ok,
            Refuse = (refusal, message) => Refuse(OpsGrainSupport.Outcome(refusal), message),
            NotFoundMessage = Msg.Of("ops.campaign.notFound"),
            RefusalAsStored = r => Refuse(r.Outcome, r.Message ?? r.Outcome.ToString()),
            Announce = AnnounceAsync,
            AnnounceFailed = ex => LogBehind(_logger, Id, ex.Message),
            Reread = () => _logFrom = S.History.Count > 0 ? S.History[0].Version : null,
        });
    }

    private CampaignGrainState S => _state.State;

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Campaign is null)
        {
            // Campaigns written before the grains owned them live only in the read table: start from there.
            S.Campaign = await _journal.LoadCampaignAsync(Id, cancellationToken);
            return;
        }

        _logFrom = S.History.Count > 0 ? S.History[0].Version : null;
        await _pipeline.Announcer.RunAsync(cancellationToken);
    }

    public Task<CampaignView?> GetAsync() => Task.FromResult(S.Campaign);

    public Task<CampaignResult> ExecuteAsync(CampaignCommand command, OpsActor actor, string operationId) =>
        _pipeline.ExecuteAsync(new WorkflowCall<CampaignState, CampaignCommandType, OpsRole, CampaignResult>
        {
            OperationId = operationId,
            Command = command.Type,
            Roles = () => actor.Roles,
            Decide = transition => Task.FromResult(Decide(command, actor, transition.To!.Value)),
        });

    private CampaignResult Decide(CampaignCommand command, OpsActor actor, CampaignState to)
    {
        var now = _time.GetUtcNow();
        var from = S.Campaign?.State;
        string? comment = null;
        switch (command)
        {
            case RegisterCampaign c:
                {
                    if (string.IsNullOrWhiteSpace(c.PartyId))
                    {
                        return Invalid(Msg.Of("ops.partyRequired"));
                    }

                    if (Details(c.Title, c.Kind, c.StartsOn, c.EndsOn, c.Description, null) is { } refusal)
                    {
                        return refusal;
                    }

                    S.Campaign = new CampaignView(Id, c.PartyId, c.Title!.Trim(), c.Kind!.Value, c.StartsOn!.Value, c.EndsOn!.Value,
                        OpsGrainSupport.Optional(c.Description) ?? "", CampaignSupport.Pending, null, null, null, actor.Name, now, now, to, null, null, 1,
                        actor.UserId);
                    break;
                }

            case EditCampaign c:
                {
                    var known = S.Campaign!;
                    if (Details(c.Title ?? known.Title, c.Kind ?? known.Kind, c.StartsOn ?? known.StartsOn, c.EndsOn ?? known.EndsOn,
                            c.Description ?? known.Description, known) is { } refusal)
                    {
                        return refusal;
                    }

                    // The operator decides again on what will really run.
                    S.Campaign = known with
                    {
                        Title = (c.Title ?? known.Title).Trim(),
                        Kind = c.Kind ?? known.Kind,
                        StartsOn = c.StartsOn ?? known.StartsOn,
                        EndsOn = c.EndsOn ?? known.EndsOn,
                        Description = c.Description is null ? known.Description : OpsGrainSupport.Optional(c.Description) ?? "",
                        State = to,
                        Support = CampaignSupport.Pending,
                        SupportNote = null,
                        SupportedBy = null,
                        SupportedAt = null,
                    };
                    break;
                }

            case DecideCampaign c:
                {
                    if (!OpsGrainSupport.FitsOptional(c.Note, MaxNote))
                    {
                        return Invalid(Msg.Of("ops.campaign.noteTooLong", ("max", MaxNote)));
                    }

                    S.Campaign = S.Campaign! with
                    {
                        State = to,
                        Support = c.Supported ? CampaignSupport.Supported : CampaignSupport.Declined,
                        SupportNote = OpsGrainSupport.Optional(c.Note),
                        SupportedBy = actor.Name,
                        SupportedAt = now,
                    };
                    comment = S.Campaign.SupportNote;
                    break;
                }

            case WithdrawCampaign c:
                {
                    var reason = OpsGrainSupport.Required(c.Reason, MaxText);
                    if (reason is null)
                    {
                        return Invalid(Msg.Of("ops.reasonRequiredMax", ("max", MaxText)));
                    }

                    S.Campaign = S.Campaign! with { State = to, WithdrawReason = reason, WithdrawnAt = now };
                    comment = reason;
                    break;
                }

            default:
                return Invalid(Msg.Of("ops.unknownCommand"));
        }

        var version = from is null ? 1 : S.Campaign.Version + 1;
        S.Campaign = S.Campaign with { Version = version, UpdatedAt = now };
        var entry = new CampaignHistoryEntry(version, now, actor.Name, command.Type, from, S.Campaign.State, comment);
        S.History.Add(entry);
        _logFrom ??= entry.Version;
        LogChanged(_logger, Id, command.Type.ToString(), from?.ToString() ?? "(new)", S.Campaign.State.ToString());
        return new CampaignResult(OpsOutcome.Applied, null, S.Campaign.State, Table.AllowedIn(S.Campaign.State), S.Campaign);
    }

    /// <summary>Checks a campaign's details as they will be after the command; null when they are acceptable.</summary>
    private CampaignResult? Details(string? title, CampaignKind? kind, DateOnly? startsOn, DateOnly? endsOn, string? description, CampaignView? known)
    {
        if (OpsGrainSupport.Required(title, MaxTitle) is null)
        {
            return Invalid(Msg.Of("ops.titleRequiredMax", ("max", MaxTitle)));
        }

        if (kind is not { } k || !Enum.IsDefined(k))
        {
            return Invalid(Msg.Of("ops.campaign.kindRequired"));
        }

        if (startsOn is not { } starts || endsOn is not { } ends || ends < starts || ends.DayNumber - starts.DayNumber > MaxDays)
        {
            return Invalid(Msg.Of("ops.campaign.datesInvalid"));
        }

        return OpsGrainSupport.FitsOptional(description, MaxText) || (known is not null && description == known.Description)
            ? null
            : Invalid(Msg.Of("ops.campaign.descriptionTooLong", ("max", MaxText)));
    }

    private async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        if (S.Campaign is not { } campaign)
        {
            return;
        }

        if (_logFrom is { } from)
        {
            foreach (var entry in S.History.Where(h => h.Version >= from))
            {
                await _journal.RecordCampaignAsync(campaign, entry, cancellationToken);
                _logFrom = entry.Version + 1;
            }
        }

        await _journal.RecordCampaignAsync(campaign, null, cancellationToken);
        _logFrom = null;
        await GrainFactory.PublishLiveAsync(LiveTopic.Operations, new CampaignViewChanged(campaign));
    }

    private CampaignResult Invalid(string message) => Refuse(OpsOutcome.Invalid, message);

    private CampaignResult Refuse(OpsOutcome outcome, string message) =>
        new(outcome, message, S.Campaign?.State, Table.AllowedIn(S.Campaign?.State), S.Campaign);

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId}: {Command} {From} -> {To}")]
    private static partial void LogChanged(ILogger logger, string campaignId, string command, string from, string to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Campaign {CampaignId}: could not update the read table, event log or boards yet: {Reason}")]
    private static partial void LogBehind(ILogger logger, string campaignId, string reason);
}
