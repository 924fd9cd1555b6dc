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

    /// <summary>The latest change, owed to the event log until it is there (sent again after a restart; the log keeps one per version).</summary>
    [Id(2)] public PublicProfileChange? LastChange { get; set; }
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
    private readonly IPublicProfileJournal _journal;
    private readonly ILogger<PublicProfileGrain> _logger;
    private readonly CommandPipeline<PublicProfileGrainState, PublicProfileState, PublicProfileCommandType, StaffRole, PublicProfileResult> _pipeline;

    public PublicProfileGrain(
        [PersistentState("public-profile", StorageNames.Main)] IPersistentState<PublicProfileGrainState> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        IPublicProfileJournal journal,
        Orleans.Serialization.DeepCopier<PublicProfileGrainState> copier,
        ILogger<PublicProfileGrain> logger)
    {
        _state = state;
        _time = time;
        _journal = journal;
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
            Announce = AnnounceAsync,
            AnnounceFailed = ex => LogBehind(_logger, Key, ex.Message),
        });
    }

    private PublicProfileGrainState S => _state.State;

    private string Key => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        S.LastChange is null ? Task.CompletedTask : _pipeline.Announcer.RunAsync(cancellationToken);

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
        var texts = new[] { command.Introduction, command.ComplaintChannels, command.DisputeRules };
        if (texts.Any(t => (t?.Trim().Length ?? 0) > PublicProfileWorkflow.MaxIntroduction) || services.Count > PublicProfileWorkflow.MaxServices
            || services.Any(s => s.Length > PublicProfileWorkflow.MaxField) || fields.Any(f => (f?.Trim().Length ?? 0) > PublicProfileWorkflow.MaxField))
        {
            return Invalid(Msg.Of("public.profileTooLong", ("intro", PublicProfileWorkflow.MaxIntroduction), ("services", PublicProfileWorkflow.MaxServices),
                ("max", PublicProfileWorkflow.MaxField)));
        }

        var before = S.Profile;
        S.Profile = new PublicProfile(Key, Clean(command.Introduction), services, Clean(command.OpeningHours), Clean(command.Address), Clean(command.Phone),
            Clean(command.Email), Clean(command.SupervisionPhone), (S.Profile?.Version ?? 0) + 1, _time.GetUtcNow(), actor.Name,
            Clean(command.ComplaintChannels), Clean(command.DisputeRules));
        S.LastChange = new PublicProfileChange(Key, S.Profile.Version, S.Profile.UpdatedAt, actor.UserId == Guid.Empty ? null : actor.UserId, actor.Name,
            ChangedFields(before, S.Profile));
        LogSet(_logger, Key, S.Profile.Version);
        return new PublicProfileResult(StaffOutcome.Applied, null, S.Profile);
    }

    /// <summary>The fields that differ between two versions (for a first profile: those set).</summary>
    internal static List<string> ChangedFields(PublicProfile? before, PublicProfile after)
    {
        var changed = new List<string>();
        void Compare(string name, string? was, string? now)
        {
            if (!string.Equals(was, now, StringComparison.Ordinal))
            {
                changed.Add(name);
            }
        }

        Compare("introduction", before?.Introduction, after.Introduction);
        if (!(before?.Services ?? []).SequenceEqual(after.Services, StringComparer.Ordinal))
        {
            changed.Add("services");
        }

        Compare("openingHours", before?.OpeningHours, after.OpeningHours);
        Compare("address", before?.Address, after.Address);
        Compare("phone", before?.Phone, after.Phone);
        Compare("email", before?.Email, after.Email);
        Compare("supervisionPhone", before?.SupervisionPhone, after.SupervisionPhone);
        Compare("complaintChannels", before?.ComplaintChannels, after.ComplaintChannels);
        Compare("disputeRules", before?.DisputeRules, after.DisputeRules);
        return changed;
    }

    private Task AnnounceAsync(CancellationToken cancellationToken) =>
        S.LastChange is { } change ? _journal.RecordAsync(change, cancellationToken) : Task.CompletedTask;

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private PublicProfileResult Invalid(string message) => new(StaffOutcome.Invalid, message, S.Profile);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Public profile {Organisation}: could not write the event log yet: {Reason}")]
    private static partial void LogBehind(ILogger logger, string organisation, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Public profile {Organisation}: version {Version}")]
    private static partial void LogSet(ILogger logger, string organisation, long version);
}
