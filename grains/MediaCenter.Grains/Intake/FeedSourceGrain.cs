using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MediaCenter.Grains.Intake;

/// <summary>Stored state of a feed source. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.FeedSourceGrainState")]
public sealed class FeedSourceGrainState
{
    [Id(0)] public string? Channel { get; set; }
    [Id(1)] public FeedSourceSettings? Settings { get; set; }
    [Id(2)] public FeedSourceState State { get; set; }
    [Id(3)] public string? ETag { get; set; }
    [Id(4)] public string? LastModified { get; set; }
    [Id(5)] public DateTimeOffset? LastPolledAt { get; set; }
    [Id(6)] public DateTimeOffset? LastSuccessAt { get; set; }
    [Id(7)] public string? LastError { get; set; }
    [Id(8)] public DateTimeOffset? FailingSince { get; set; }
    [Id(9)] public int ConsecutiveFailures { get; set; }
    [Id(10)] public DateTimeOffset? NextPollAt { get; set; }
    [Id(11)] public int ItemsCollected { get; set; }
    [Id(12)] public long Version { get; set; }
    [Id(13)] public List<AppliedOperation<FeedSourceResult>> Applied { get; set; } = [];
}

/// <summary>
/// One feed source. Its commands run through the command pipeline against <see cref="CollectionWorkflow.Sources"/>. Polling is its own:
/// a grain timer due at <see cref="FeedSourceGrainState.NextPollAt"/> (the interval ±10 %, so sources added together drift apart),
/// a reminder every few minutes that wakes the grain after a restart, conditional GET with the validators of the last answer, and after
/// errors a delay that doubles per consecutive failure up to <see cref="MaxBackoff"/>, with the last error kept for the desk.
/// </summary>
internal sealed partial class FeedSourceGrain : Grain, IFeedSourceGrain, IRemindable
{
    internal const string Reminder = "feed-poll";
    internal static readonly TimeSpan MinInterval = TimeSpan.FromMinutes(1);
    internal static readonly TimeSpan MaxInterval = TimeSpan.FromDays(1);
    internal static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(6);
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan PollBudget = TimeSpan.FromSeconds(45);

    private readonly IPersistentState<FeedSourceGrainState> _state;
    private readonly TimeProvider _time;
    private readonly IWebIntake _intake;
    private readonly ILogger<FeedSourceGrain> _logger;
    private readonly CommandPipeline<FeedSourceGrainState, FeedSourceState, FeedSourceCommandType, CollectionRole, FeedSourceResult> _pipeline;
    private IGrainTimer? _timer;

    public FeedSourceGrain(
        [PersistentState("feed-source", StorageNames.Main)] IPersistentState<FeedSourceGrainState> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        IWebIntake intake,
        Orleans.Serialization.DeepCopier<FeedSourceGrainState> copier,
        ILogger<FeedSourceGrain> logger)
    {
        _state = state;
        _time = time;
        _intake = intake;
        _logger = logger;
        _pipeline = CommandPipeline.For(this, state, new WorkflowSpec<FeedSourceGrainState, FeedSourceState, FeedSourceCommandType, CollectionRole, FeedSourceResult>
        {
            Table = CollectionWorkflow.Sources,
            StageOf = s => s.Settings is null ? null : s.State,
            Operations = OperationMemory<FeedSourceGrainState, FeedSourceResult>.Over(s => s.Applied, a => a.OperationId, a => a.Result,
                (id, result) => new AppliedOperation<FeedSourceResult>(id, result)),
            Copy = copier.Copy,
            IsApplied = r => r.Ok,
            Refuse = (refusal, message) => Refuse(refusal switch
            {
                WorkflowRefusal.NotFound => CollectionOutcome.NotFound,
                WorkflowRefusal.IllegalMove => CollectionOutcome.IllegalMove,
                WorkflowRefusal.Forbidden => CollectionOutcome.Forbidden,
                _ => CollectionOutcome.Invalid,
            }, message),
            NotFoundMessage = Msg.Of("common.notFound", ("what", Msg.Of("what.feedSource"))),
            RefusalAsStored = r => Refuse(r.Outcome, r.Message ?? r.Outcome.ToString()),
        });
    }

    private FeedSourceGrainState S => _state.State;

    private string Id => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _timer = this.RegisterGrainTimer(OnTimerAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { Interleave = false });
        Schedule();
        return Task.CompletedTask;
    }

    public Task<FeedSourceView?> GetAsync() => Task.FromResult(S.Settings is null ? null : View());

    public Task<FeedSourceResult> ExecuteAsync(FeedSourceCommand command, CollectionRole roles, string operationId) =>
        _pipeline.ExecuteAsync(new WorkflowCall<FeedSourceState, FeedSourceCommandType, CollectionRole, FeedSourceResult>
        {
            OperationId = operationId,
            Command = command.Type,
            Roles = () => roles,
            Decide = transition => Task.FromResult(Decide(command, transition.To!.Value)),
            AfterWrite = async _ =>
            {
                await ReminderAsync();
                Schedule();
                await TellInboxAsync();
            },
        });

    public async Task<FeedSourceView?> PollNowAsync()
    {
        await PollAsync();
        return S.Settings is null ? null : View();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (S.Settings is null || S.State == FeedSourceState.Off)
        {
            await ReminderAsync();
            return;
        }

        // The reminder only makes sure the grain is awake after a restart; a poll that fell due meanwhile runs now.
        if (S.NextPollAt is not { } next || next <= _time.GetUtcNow())
        {
            await PollAsync();
        }
        else
        {
            Schedule();
        }
    }

    private FeedSourceResult Decide(FeedSourceCommand command, FeedSourceState to)
    {
        if (command.Type is FeedSourceCommandType.Add or FeedSourceCommandType.Edit)
        {
            if (command.Settings is not { } settings)
            {
                return Refuse(CollectionOutcome.Invalid, Msg.Of("intake.sourceSettingsRequired"));
            }

            if (Problem(settings) is { } problem)
            {
                return Refuse(CollectionOutcome.Invalid, problem);
            }

            if (command.Type == FeedSourceCommandType.Add)
            {
                if (string.IsNullOrWhiteSpace(command.Channel) || !Id.StartsWith(command.Channel + "/", StringComparison.Ordinal))
                {
                    return Refuse(CollectionOutcome.Invalid, Msg.Of("intake.sourceNotInChannel"));
                }

                S.Channel = command.Channel;
            }

            if (S.Settings?.Url != settings.Url)
            {
                // Another feed: the old validators mean nothing there.
                S.ETag = null;
                S.LastModified = null;
            }

            S.Settings = settings with { Name = settings.Name.Trim(), Url = settings.Url.Trim() };
        }

        var now = _time.GetUtcNow();
        if (to == FeedSourceState.On && (S.State != FeedSourceState.On || command.Type != FeedSourceCommandType.Edit || S.NextPollAt is null))
        {
            // Sources added or turned on together start apart: the first poll comes within a tenth of the interval.
            S.NextPollAt = now + S.Settings!.Interval * Random.Shared.NextDouble() * 0.1;
            S.ConsecutiveFailures = 0;
        }

        S.State = to;
        if (to == FeedSourceState.Off)
        {
            S.NextPollAt = null;
        }

        S.Version++;
        return new FeedSourceResult(CollectionOutcome.Applied, null, S.State, CollectionWorkflow.Sources.AllowedIn(S.State), View());
    }

    private static string? Problem(FeedSourceSettings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.Name) || settings.Name.Trim().Length > 100)
        {
            return Msg.Of("intake.sourceNameRequired", ("max", 100));
        }

        if (!Uri.TryCreate(settings.Url.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return Msg.Of("intake.feedUrlRequired");
        }

        if (settings.Interval < MinInterval || settings.Interval > MaxInterval)
        {
            return Msg.Of("intake.intervalRange", ("minMinutes", MinInterval.TotalMinutes), ("maxHours", MaxInterval.TotalHours));
        }

        return settings.Owner.Id == Guid.Empty ? Msg.Of("intake.ownerRequired") : null;
    }

    private async Task OnTimerAsync(CancellationToken cancellationToken) => await PollAsync();

    private async Task PollAsync()
    {
        if (S.Settings is not { } settings || S.State == FeedSourceState.Off || S.Channel is not { } channel)
        {
            return;
        }

        var now = _time.GetUtcNow();
        using var budget = new CancellationTokenSource(PollBudget);
        var feedUrl = new Uri(settings.Url);
        var fetch = await _intake.FetchFeedAsync(feedUrl, S.ETag, S.LastModified, budget.Token);
        S.LastPolledAt = now;
        if (fetch.Failure is { } failure)
        {
            S.ConsecutiveFailures++;
            S.FailingSince ??= now;
            S.LastError = Describe(failure, fetch.Detail);
            LogPollFailed(_logger, Id, S.ConsecutiveFailures, MessageCatalog.Render(S.LastError, Languages.English) ?? "");
        }
        else
        {
            S.ConsecutiveFailures = 0;
            S.FailingSince = null;
            S.LastError = null;
            S.LastSuccessAt = now;
            S.ETag = fetch.ETag;
            S.LastModified = fetch.LastModified;
            if (!fetch.NotModified && fetch.Entries.Count > 0)
            {
                var offered = fetch.Entries.Select(e => new OfferedItem(e.Id, e.Title, Resolve(feedUrl, e.Link), e.Summary, e.PublishedAt)).ToList();
                // Offered before the write: should the write fail, the next poll offers them again and the inbox knows them by id.
                S.ItemsCollected += await GrainFactory.GetGrain<ICollectionInboxGrain>(channel).OfferAsync(SourceId, settings.Name, offered);
            }
        }

        S.NextPollAt = now + Delay(settings.Interval, S.ConsecutiveFailures);
        S.Version++;
        await _state.WriteStateAsync();
        Schedule();
        await TellInboxAsync();
    }

    /// <summary>The wait before the next poll: the interval after a success, doubled per consecutive failure up to <see cref="MaxBackoff"/>; ±10 %.</summary>
    internal static TimeSpan Delay(TimeSpan interval, int failures)
    {
        var wait = failures == 0 ? interval : TimeSpan.FromTicks((long)Math.Min(MaxBackoff.Ticks, interval.Ticks * Math.Pow(2, Math.Min(failures, 20))));
        return wait * (0.9 + (Random.Shared.NextDouble() * 0.2));
    }

    internal static string Describe(FetchFailure failure, string? detail) => failure switch
    {
        FetchFailure.Refused => Msg.Of("intake.addressNotAllowed"),
        FetchFailure.TimedOut => Msg.Of("intake.timedOut"),
        FetchFailure.TooLarge => Msg.Of("intake.feedTooLarge"),
        FetchFailure.WrongContent => Msg.Of("intake.notAFeed"),
        _ => detail is not null && detail.StartsWith("HTTP ", StringComparison.Ordinal) ? Msg.Of("intake.feedAnswered", ("status", detail)) : Msg.Of("intake.couldNotConnect"),
    };

    private static string? Resolve(Uri feed, string? link) =>
        link is not null && Uri.TryCreate(feed, link.Trim(), out var absolute) && (absolute.Scheme == Uri.UriSchemeHttp || absolute.Scheme == Uri.UriSchemeHttps)
            ? absolute.ToString()
            : null;

    private string SourceId => Id[(Id.IndexOf('/', StringComparison.Ordinal) + 1)..];

    private void Schedule()
    {
        if (_timer is null)
        {
            return;
        }

        if (S.Settings is null || S.State == FeedSourceState.Off || S.NextPollAt is not { } next)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var due = next - _time.GetUtcNow();
        _timer.Change(due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
    }

    private async Task ReminderAsync()
    {
        try
        {
            if (S.Settings is not null && S.State == FeedSourceState.On)
            {
                await this.RegisterOrUpdateReminder(Reminder, ReminderPeriod, ReminderPeriod);
            }
            else if (await this.GetReminder(Reminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        catch (Exception ex)
        {
            // The timer polls while this activation lives; the next command or reminder tick tries again.
            LogPollFailed(_logger, Id, 0, "reminder: " + ex.Message);
        }
    }

    private async Task TellInboxAsync()
    {
        if (S.Channel is null || S.Settings is null)
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<ICollectionInboxGrain>(S.Channel).SourceChangedAsync(View());
        }
        catch (Exception ex)
        {
            // The desk shows the status of the next poll or command; the source's own state is already written.
            LogPollFailed(_logger, Id, S.ConsecutiveFailures, "inbox: " + ex.Message);
        }
    }

    private FeedSourceView View() => new(S.Channel ?? "", SourceId, S.Settings!, S.State, S.LastPolledAt, S.LastSuccessAt, S.LastError, S.FailingSince,
        S.ConsecutiveFailures, S.NextPollAt, S.ItemsCollected, S.Version);

    private FeedSourceResult Refuse(CollectionOutcome outcome, string message)
    {
        FeedSourceState? stage = S.Settings is null ? null : S.State;
        return new FeedSourceResult(outcome, message, stage, CollectionWorkflow.Sources.AllowedIn(stage), S.Settings is null ? null : View());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Feed source {Source}: poll failed ({Failures} in a row): {Error}")]
    private static partial void LogPollFailed(ILogger logger, string source, int failures, string error);
}
