using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MediaCenter.Grains.People;

/// <summary>Stored state of an organisation's appraisal schemes. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.AppraisalSchemeState")]
public sealed class AppraisalSchemeGrainState
{
    /// <summary>The schemes in force; null until set.</summary>
    [Id(0)] public AppraisalSchemes? Schemes { get; set; }

    [Id(1)] public List<AppliedOperation<AppraisalSchemeResult>> Applied { get; set; } = [];
}

/// <summary>
/// An organisation's appraisal schemes (考核方案, §8.1.4.3, §8.1.6): per post level the quantified indicators (measures of
/// the catalogue with weights and targets), the manual items and the grade bands. Set whole through the command pipeline
/// against <see cref="AppraisalWorkflow.SchemeTransitions"/>; an appraisal copies its scheme when opened, so a later change
/// does not move appraisals already made.
/// </summary>
internal sealed partial class AppraisalSchemeGrain : Grain, IAppraisalSchemeGrain, IRemindable
{
    internal const string OpenReminder = "open-appraisals";

    private const int MaxText = 100;
    private const int MaxItems = 20;
    private const int MaxBands = 10;

    private static readonly WorkflowTable<AppraisalSchemeState, AppraisalSchemeCommandType, StaffRole> Table = new(
        AppraisalWorkflow.SchemeTransitions.Select(t =>
            new Transition<AppraisalSchemeState, AppraisalSchemeCommandType, StaffRole>(t.From, t.Command, t.Roles, t.To)));

    private readonly IPersistentState<AppraisalSchemeGrainState> _state;
    private readonly TimeProvider _time;
    private readonly IOptions<StaffOptions> _options;
    private readonly ILogger<AppraisalSchemeGrain> _logger;
    private readonly CommandPipeline<AppraisalSchemeGrainState, AppraisalSchemeState, AppraisalSchemeCommandType, StaffRole, AppraisalSchemeResult> _pipeline;

    public AppraisalSchemeGrain(
        [PersistentState("appraisal-schemes", StorageNames.Main)] IPersistentState<AppraisalSchemeGrainState> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        Orleans.Serialization.DeepCopier<AppraisalSchemeGrainState> copier,
        IOptions<StaffOptions> options,
        ILogger<AppraisalSchemeGrain> logger)
    {
        _state = state;
        _time = time;
        _options = options;
        _logger = logger;
        _pipeline = CommandPipeline.For(this, state,
            new WorkflowSpec<AppraisalSchemeGrainState, AppraisalSchemeState, AppraisalSchemeCommandType, StaffRole, AppraisalSchemeResult>
            {
                Table = Table,
                StageOf = s => s.Schemes is null ? null : AppraisalSchemeState.Set,
                Operations = OperationMemory<AppraisalSchemeGrainState, AppraisalSchemeResult>.Over(s => s.Applied, a => a.OperationId,
                    a => a.Result with { Replay = true }, (id, result) => new AppliedOperation<AppraisalSchemeResult>(id, result)),
                Copy = copier.Copy,
                IsApplied = r => r.Ok,
                Refuse = (refusal, message) => new AppraisalSchemeResult(StaffGrain.Outcome(refusal), message, _state.State.Schemes),
                NotFoundMessage = Msg.Of("common.notFound", ("what", Msg.Of("appraisal.what.schemes"))),
                RefusalAsStored = r => new AppraisalSchemeResult(r.Outcome, r.Message, _state.State.Schemes),
            });
    }

    private string Key => this.GetPrimaryKeyString();

    public Task<AppraisalSchemes?> GetAsync() => Task.FromResult(_state.State.Schemes);

    public async Task<AppraisalSchemeResult> SetAsync(SetAppraisalSchemes command, StaffActor actor, string operationId)
    {
        var result = await _pipeline.ExecuteAsync(new WorkflowCall<AppraisalSchemeState, AppraisalSchemeCommandType, StaffRole, AppraisalSchemeResult>
        {
            OperationId = operationId,
            Command = AppraisalSchemeCommandType.SetSchemes,
            Roles = () => actor.Roles,
            Decide = _ => Task.FromResult(Decide(command, actor)),
        });
        if (result.Ok)
        {
            // With a cadence, an hourly look opens each ended period's appraisals; without, nothing is opened by itself.
            if (_state.State.Schemes?.Cadence is not null)
            {
                await this.RegisterOrUpdateReminder(OpenReminder, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));
            }
            else if (await this.GetReminder(OpenReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }

        return result;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == OpenReminder)
        {
            await OpenDueAsync();
        }
    }

    public async Task<int> OpenDueAsync()
    {
        if (_state.State.Schemes is not { Cadence: { } cadence } schemes)
        {
            return 0;
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(_options.Value.TimeZone);
        var period = AppraisalPeriod.LastEnded(cadence, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(_time.GetUtcNow(), zone).DateTime));
        if (schemes.LastOpened == period.Name)
        {
            return 0;
        }

        var posts = schemes.Schemes.Select(x => x.Post).ToHashSet();
        var people = (await GrainFactory.GetGrain<IStaffRosterGrain>(Key).GetEntriesAsync()).Where(e => e.Active && posts.Contains(e.Post)).ToList();
        var scheduler = new StaffActor(Guid.Empty, Msg.Of("appraisal.scheduler"), StaffRole.Appraiser);
        var opened = 0;
        foreach (var person in people)
        {
            var key = AppraisalWorkflow.KeyOf(person.PersonId, period.Name);
            // The operation id is the appraisal's own: a second look, or an appraiser who opened it by hand first, opens nothing more.
            var result = await GrainFactory.GetGrain<IAppraisalGrain>(key).ExecuteAsync(new OpenAppraisal(), scheduler, "scheduled:" + key);
            if (result.Ok && !result.Replay)
            {
                opened++;
            }
            else if (!result.Ok)
            {
                LogNotOpened(_logger, key, result.Message ?? result.Outcome.ToString());
            }
        }

        _state.State.Schemes = schemes with { LastOpened = period.Name };
        await _state.WriteStateAsync();
        LogOpened(_logger, Key, period.Name, opened, people.Count);
        return opened;
    }

    /// <summary>What is wrong with a scheme, or null when it can be used.</summary>
    internal static string? Problem(AppraisalScheme scheme)
    {
        if (!Enum.IsDefined(scheme.Post))
        {
            return Msg.Of("appraisal.schemePostsInvalid");
        }

        var indicators = scheme.Indicators ?? [];
        var manual = scheme.ManualItems ?? [];
        var bands = scheme.Bands ?? [];
        if (indicators.Count + manual.Count == 0 || indicators.Count > MaxItems || manual.Count > MaxItems)
        {
            return Msg.Of("appraisal.schemeItemsCount", ("post", scheme.Post), ("max", MaxItems));
        }

        if (indicators.Any(i => !AppraisalMeasures.All.Contains(i.Measure) || i.Weight <= 0 || i.Target < 0 || double.IsNaN(i.Target)
                || double.IsInfinity(i.Target) || i.LowerIsBetter && i.Target <= 0)
            || indicators.Select(i => i.Measure).Distinct(StringComparer.Ordinal).Count() != indicators.Count)
        {
            return Msg.Of("appraisal.indicatorInvalid", ("post", scheme.Post), ("measures", Msg.List(AppraisalMeasures.All)));
        }

        if (manual.Any(m => string.IsNullOrWhiteSpace(m.Name) || m.Name.Trim().Length > MaxText || m.Weight <= 0)
            || manual.Select(m => m.Name.Trim()).Distinct(StringComparer.Ordinal).Count() != manual.Count)
        {
            return Msg.Of("appraisal.manualItemInvalid", ("post", scheme.Post), ("max", MaxText));
        }

        var weights = indicators.Sum(i => i.Weight) + manual.Sum(m => m.Weight);
        if (weights != 100)
        {
            return Msg.Of("appraisal.weightsNot100", ("post", scheme.Post), ("sum", weights));
        }

        if (bands.Count is 0 || bands.Count > MaxBands || bands.Any(b => string.IsNullOrWhiteSpace(b.Grade) || b.Grade.Trim().Length > MaxText
                || b.MinTotal is < 0 or > 100 || double.IsNaN(b.MinTotal))
            || bands.Select(b => b.Grade.Trim()).Distinct(StringComparer.Ordinal).Count() != bands.Count
            || bands.Select(b => b.MinTotal).Distinct().Count() != bands.Count)
        {
            return Msg.Of("appraisal.bandsInvalid", ("post", scheme.Post), ("max", MaxBands));
        }

        return null;
    }

    private AppraisalSchemeResult Decide(SetAppraisalSchemes command, StaffActor actor)
    {
        if (Organisation.Parse(Key) is null)
        {
            return Invalid(Msg.Of("people.organisationRequired"));
        }

        var schemes = command.Schemes ?? [];
        if (command.Cadence is { } cadence && !Enum.IsDefined(cadence))
        {
            return Invalid(Msg.Of("appraisal.cadenceInvalid"));
        }

        if (schemes.Select(s => s.Post).Distinct().Count() != schemes.Count)
        {
            return Invalid(Msg.Of("appraisal.schemePostsInvalid"));
        }

        foreach (var scheme in schemes)
        {
            if (Problem(scheme) is { } problem)
            {
                return Invalid(problem);
            }
        }

        var s = _state.State;
        s.Schemes = new AppraisalSchemes(Key,
            [.. schemes.OrderBy(x => x.Post).Select(x => new AppraisalScheme(x.Post, [.. x.Indicators ?? []],
                [.. (x.ManualItems ?? []).Select(m => m with { Name = m.Name.Trim() })],
                [.. (x.Bands ?? []).Select(b => b with { Grade = b.Grade.Trim() }).OrderByDescending(b => b.MinTotal)]))],
            (s.Schemes?.Version ?? 0) + 1, _time.GetUtcNow(), actor.Name, command.Cadence, s.Schemes?.LastOpened);
        LogSet(_logger, Key, s.Schemes.Version, schemes.Count);
        return new AppraisalSchemeResult(StaffOutcome.Applied, null, s.Schemes);
    }

    private AppraisalSchemeResult Invalid(string message) => new(StaffOutcome.Invalid, message, _state.State.Schemes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Appraisals of {Organisation} for {Period}: {Opened} opened now, {People} people with a scheme")]
    private static partial void LogOpened(ILogger logger, string organisation, string period, int opened, int people);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Appraisal {Key} was not opened by the schedule: {Reason}")]
    private static partial void LogNotOpened(ILogger logger, string key, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Appraisal schemes {Organisation}: version {Version}, {Schemes} posts")]
    private static partial void LogSet(ILogger logger, string organisation, long version, int schemes);
}
