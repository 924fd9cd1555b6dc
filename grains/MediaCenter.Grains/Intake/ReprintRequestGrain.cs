using System.Globalization;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Grains.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MediaCenter.Grains.Intake;

/// <summary>Stored state of a pasted reprint request. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.ReprintRequestState")]
public sealed class ReprintRequestGrainState
{
    /// <summary>The request as its status resource shows it; null until started.</summary>
    [Id(0)] public ReprintRequestView? Request { get; set; }

    /// <summary>Who asked, as the reprint needs them to file (kept to resume after a silo loss).</summary>
    [Id(1)] public NewsroomActor? Actor { get; set; }

    /// <summary>The channel's party (its repeats across channels are checked there).</summary>
    [Id(2)] public string? Party { get; set; }

    /// <summary>The operation id the request was started with; the reprint is taken under it, so a resumed fetch files nothing twice.</summary>
    [Id(3)] public string? OperationId { get; set; }

    /// <summary>How many runs could not reach the reprint grain; the request fails after <see cref="ReprintRequestGrain.MaxAttempts"/>.</summary>
    [Id(4)] public int Attempts { get; set; }
}

/// <summary>
/// One pasted reprint request (see <see cref="IReprintRequestGrain"/>): Start is answered once the request is written; the fetch runs
/// in an interleaved timer turn of this grain, through the <see cref="IReprintGrain"/> (which files once per operation id), and its end
/// (Complete or Fail, per <see cref="ReprintRequestWorkflow"/>) is written and published on the channel's board. While the request is
/// Fetching a reminder stands: after a silo loss it (or any call) activates the grain again, and the fetch resumes under the same
/// operation id; after <see cref="MaxAttempts"/> runs that could not reach the reprint the request fails as timed out.
/// </summary>
internal sealed partial class ReprintRequestGrain(
    [PersistentState("reprint-request", StorageNames.Main)] IPersistentState<ReprintRequestGrainState> state,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    IOptions<ReminderOptions> reminders,
    ILogger<ReprintRequestGrain> logger) : Grain, IReprintRequestGrain, IRemindable
{
    internal const string ResumeReminder = "resume";
    internal const int MaxAttempts = 5;

    private IGrainTimer? _run;

    private ReprintRequestGrainState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Request is { State: ReprintRequestState.Fetching })
        {
            StartRun();
        }

        return Task.CompletedTask;
    }

    public Task<ReprintRequestView?> GetAsync() => Task.FromResult(S.Request);

    public async Task<ReprintRequestAnswer> StartAsync(ReprintRequest request, NewsroomActor actor, string operationId)
    {
        if (S.Request is { } existing)
        {
            // A retry of the same operation (the key is derived from it) is the same request, wherever it got to.
            return new ReprintRequestAnswer(existing, null);
        }

        if (string.IsNullOrWhiteSpace(operationId))
        {
            return Refused(ReprintOutcome.Invalid, Msg.Of("workflow.operationIdRequired"));
        }

        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || key[..slash] != request.Channel || ReprintKeys.Normalize(request.Url) is not { } normalized)
        {
            return Refused(ReprintOutcome.Invalid, Msg.Of("intake.webAddressRequired"));
        }

        if (ReprintRequestWorkflow.Transitions.Find(null, ReprintRequestCommandType.Start) is not { } start || !start.AllowsAny(actor.Editor ? ReprintRole.Editor : ReprintRole.None))
        {
            return Refused(ReprintOutcome.Forbidden, Msg.Of("intake.reprintForbidden"));
        }

        if (request.Mode == ReprintMode.Draft && !actor.Chief)
        {
            return Refused(ReprintOutcome.Forbidden, Msg.Of("intake.draftModeNeedsChief"));
        }

        // What can be answered now is answered now: a page taken before, in this channel or (by its address) in another of the party.
        var reprintKey = ReprintKeys.For(request.Channel, normalized);
        if (await GrainFactory.GetGrain<IReprintGrain>(reprintKey).GetAsync() is { } taken)
        {
            return new ReprintRequestAnswer(null, new ReprintResult(ReprintOutcome.AlreadyTaken,
                Msg.Of("intake.alreadyTaken", ("articleId", taken.ArticleId), ("by", taken.By.Name),
                    ("at", taken.At.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))),
                ReprintStage.Taken, ReprintWorkflow.Transitions.AllowedIn(ReprintStage.Taken), taken));
        }

        if (request.Party is { Length: > 0 } party
            && await GrainFactory.GetGrain<IIntakeRegistryGrain>(party).FindAsync(ReprintGrain.UrlKey(normalized), reprintKey, time.GetUtcNow()) is { } held)
        {
            var message = held.ArticleId is { } story
                ? Msg.Of("intake.takenElsewhere", ("channel", held.Channel), ("articleId", story), ("at", held.At.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)))
                : Msg.Of("intake.beingTakenElsewhere", ("channel", held.Channel));
            return new ReprintRequestAnswer(null, new ReprintResult(ReprintOutcome.TakenElsewhere, message, null, [], null, held));
        }

        S.Request = new ReprintRequestView(key[(slash + 1)..], request.Channel, request.Url.Trim(), request.Mode, start.To!.Value, actor.Person, time.GetUtcNow());
        S.Actor = actor;
        S.Party = request.Party;
        S.OperationId = operationId;
        await state.WriteStateAsync();
        await EnsureReminderAsync(true);
        StartRun();
        await PublishAsync();
        return new ReprintRequestAnswer(S.Request, null);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ResumeReminder)
        {
            return;
        }

        if (S.Request is { State: ReprintRequestState.Fetching })
        {
            StartRun();
        }
        else
        {
            await EnsureReminderAsync(false);
        }
    }

    /// <summary>Runs the fetch in a timer turn (interleaved: the status answers while the page loads); one run at a time.</summary>
    private void StartRun()
    {
        if (_run is not null)
        {
            return;
        }

        _run = this.RegisterGrainTimer(async ct =>
        {
            try
            {
                await RunAsync();
            }
            finally
            {
                _run?.Dispose();
                _run = null;
            }
        }, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { KeepAlive = true, Interleave = true });
    }

    private async Task RunAsync()
    {
        if (S.Request is not { State: ReprintRequestState.Fetching } request || S.Actor is not { } actor || S.OperationId is not { } operationId)
        {
            return;
        }

        ReprintResult result;
        try
        {
            var normalized = ReprintKeys.Normalize(request.Url) ?? request.Url;
            result = await GrainFactory.GetGrain<IReprintGrain>(ReprintKeys.For(request.Channel, normalized))
                .TakeAsync(new ReprintRequest(request.Channel, request.Url, request.Mode, S.Party), actor, operationId);
        }
        catch (Exception ex)
        {
            // A timeout, a silo going away or a fault: the reprint may still finish, and it files once per operation id, so the next run
            // (the reminder's, or the next activation's) answers where it went; a request that keeps failing ends as timed out.
            S.Attempts++;
            LogReprintCallFailed(logger, this.GetPrimaryKeyString(), S.Attempts, ex.GetType().Name);
            if (S.Attempts < MaxAttempts)
            {
                await state.WriteStateAsync();
                return;
            }

            result = new ReprintResult(ReprintOutcome.TimedOut, Msg.Of("intake.pageTimedOut"), null, [], null);
        }

        var command = result.Ok ? ReprintRequestCommandType.Complete : ReprintRequestCommandType.Fail;
        var to = ReprintRequestWorkflow.Transitions.Find(request.State, command)!.To!.Value;
        S.Request = request with
        {
            State = to,
            EndedAt = time.GetUtcNow(),
            ArticleId = result.Record?.ArticleId,
            Outcome = result.Outcome,
            Reason = result.Ok ? null : result.Message ?? result.Outcome.ToString(),
            Record = result.Record,
            Elsewhere = result.Elsewhere,
            Version = request.Version + 1,
        };
        await state.WriteStateAsync();
        await EnsureReminderAsync(false);
        await PublishAsync();
    }

    private async Task EnsureReminderAsync(bool on)
    {
        try
        {
            if (on)
            {
                var period = reminders.Value.MinimumReminderPeriod > TimeSpan.Zero ? reminders.Value.MinimumReminderPeriod : TimeSpan.FromMinutes(1);
                await this.RegisterOrUpdateReminder(ResumeReminder, period, period);
            }
            else if (await this.GetReminder(ResumeReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException)
        {
            // Without the reminder a request cut by a silo loss resumes when it is next asked for (its status, or a retry).
            LogReminderFailed(logger, this.GetPrimaryKeyString(), ex.GetType().Name);
        }
    }

    private async Task PublishAsync()
    {
        try
        {
            await GrainFactory.PublishLiveAsync(LiveTopic.Board(S.Request!.Channel), new ReprintRequestChanged(S.Request));
        }
        catch (Exception ex)
        {
            // Live views are best effort: the status resource has the request.
            LogPublishFailed(logger, this.GetPrimaryKeyString(), ex.Message);
        }
    }

    private static ReprintRequestAnswer Refused(ReprintOutcome outcome, string message) =>
        new(null, new ReprintResult(outcome, message, null, [], null));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reprint request {Key}: the reprint could not be reached (attempt {Attempt}, {Kind})")]
    private static partial void LogReprintCallFailed(ILogger logger, string key, int attempt, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reprint request {Key}: its resume reminder could not be changed ({Kind})")]
    private static partial void LogReminderFailed(ILogger logger, string key, string kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reprint request {Key}: live publish failed ({Reason})")]
    private static partial void LogPublishFailed(ILogger logger, string key, string reason);
}
