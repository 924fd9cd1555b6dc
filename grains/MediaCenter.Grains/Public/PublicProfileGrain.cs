using MediaCenter.Grains.People;
using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MediaCenter.Grains.Public;

/// <summary>Stored state of a public profile. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.PublicProfileGrainState")]
public sealed class PublicProfileGrainState
{
    /// <summary>The published profile; null until set.</summary>
    [Id(0)] public PublicProfile? Profile { get; set; }

    [Id(1)] public List<AppliedOperation<PublicProfileResult>> Applied { get; set; } = [];
}

/// <summary>
/// An organisation's public profile (公开信息). Commands run through the command pipeline against
/// <see cref="PublicProfileWorkflow"/>; the public information page reads it through its short cache.
/// </summary>
internal sealed partial class PublicProfileGrain : Grain, IPublicProfileGrain
{
    private static readonly WorkflowTable<PublicProfileState, PublicProfileCommandType, StaffRole> Table = new(
        PublicProfileWorkflow.Transitions.Select(t => new Transition<PublicProfileState, PublicProfileCommandType, StaffRole>(t.From, t.Command, t.Roles, t.To)));

    private readonly IPersistentState<PublicProfileGrainState> _state;
    private readonly TimeProvider _time;
    private readonly ILogger<PublicProfileGrain> _logger;
    private readonly CommandPipeline<PublicProfileGrainState, PublicProfileState, PublicProfileCommandType, StaffRole, PublicProfileResult> _pipeline;

    public PublicProfileGrain(
        [PersistentState("public-profile", StorageNames.Main)] IPersistentState<PublicProfileGrainState> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        Orleans.Serialization.DeepCopier<PublicProfileGrainState> copier,
        ILogger<PublicProfileGrain> logger)
    {
        _state = state;
        _time = time;
        _logger = logger;
        _pipeline = CommandPipeline.For(this, state, new WorkflowSpec<PublicProfileGrainState, PublicProfileState, PublicProfileCommandType, StaffRole, PublicProfileResult>
        {
            Table = Table,
            StageOf = s => s.Profile is null ? null : PublicProfileState.Published,
            Operations = OperationMemory<PublicProfileGrainState, PublicProfileResult>.Over(s => s.Applied, a => a.OperationId, a => a.Result with { Replay = true },
                (id, result) => new AppliedOperation<PublicProfileResult>(id, result)),
            Copy = copier.Copy,
            IsApplied = r => r.Ok,
            Refuse = (refusal, message) => new PublicProfileResult(StaffGrain.Outcome(refusal), message, S.Profile),
            NotFoundMessage = Msg.Of("common.notFound", ("what", Msg.Of("public.what.profile"))),
            RefusalAsStored = r => new PublicProfileResult(r.Outcome, r.Message, S.Profile),
        });
    }

    private PublicProfileGrainState S => _state.State;

    private string Key => this.GetPrimaryKeyString();

    public Task<PublicProfile?> GetAsync() => Task.FromResult(S.Profile);

    public Task<PublicProfileResult> SetAsync(SetPublicProfile command, StaffActor actor, string operationId) =>
        _pipeline.ExecuteAsync(new WorkflowCall<PublicProfileState, PublicProfileCommandType, StaffRole, PublicProfileResult>
        {
            OperationId = operationId,
            Command = PublicProfileCommandType.SetProfile,
            Roles = () => actor.Roles,
            Decide = _ => Task.FromResult(Decide(command, actor)),
        });

    private PublicProfileResult Decide(SetPublicProfile command, StaffActor actor)
    {
        if (Organisation.Parse(Key) is null)
        {
            return Invalid(Msg.Of("people.organisationRequired"));
        }

        var services = (command.Services ?? []).Select(s => s?.Trim()).Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).Distinct(StringComparer.Ordinal).ToList();
        var fields = new[] { command.OpeningHours, command.Address, command.Phone, command.Email, command.SupervisionPhone };
        if ((command.Introduction?.Trim().Length ?? 0) > PublicProfileWorkflow.MaxIntroduction || services.Count > PublicProfileWorkflow.MaxServices
            || services.Any(s => s.Length > PublicProfileWorkflow.MaxField) || fields.Any(f => (f?.Trim().Length ?? 0) > PublicProfileWorkflow.MaxField))
        {
            return Invalid(Msg.Of("public.profileTooLong", ("intro", PublicProfileWorkflow.MaxIntroduction), ("services", PublicProfileWorkflow.MaxServices),
                ("max", PublicProfileWorkflow.MaxField)));
        }

        S.Profile = new PublicProfile(Key, Clean(command.Introduction), services, Clean(command.OpeningHours), Clean(command.Address), Clean(command.Phone),
            Clean(command.Email), Clean(command.SupervisionPhone), (S.Profile?.Version ?? 0) + 1, _time.GetUtcNow(), actor.Name);
        LogSet(_logger, Key, S.Profile.Version);
        return new PublicProfileResult(StaffOutcome.Applied, null, S.Profile);
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private PublicProfileResult Invalid(string message) => new(StaffOutcome.Invalid, message, S.Profile);

    [LoggerMessage(Level = LogLevel.Information, Message = "Public profile {Organisation}: version {Version}")]
    private static partial void LogSet(ILogger logger, string organisation, long version);
}
