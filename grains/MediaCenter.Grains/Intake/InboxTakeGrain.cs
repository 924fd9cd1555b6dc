using MediaCenter.Grains.Newsroom;
using Microsoft.Extensions.Logging;

namespace MediaCenter.Grains.Intake;

/// <summary>
/// The background half of taking an inbox item: the page is fetched and filed by the reprint grain in a timer turn of this grain, so
/// neither the inbox nor the editor's request waits for the site; the inbox hears how it ended. Keeps no state (see
/// <see cref="IInboxTakeGrain"/>).
/// </summary>
internal sealed partial class InboxTakeGrain(ILogger<InboxTakeGrain> logger) : Grain, IInboxTakeGrain
{
    private IGrainTimer? _run;

    public Task StartAsync(string link, ReprintMode mode, NewsroomActor actor, string operationId, string? party)
    {
        if (_run is not null)
        {
            return Task.CompletedTask;
        }

        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var (channel, itemId) = (key[..slash], key[(slash + 1)..]);
        _run = this.RegisterGrainTimer(async ct =>
        {
            try
            {
                ReprintResult reprint;
                try
                {
                    var normalized = ReprintKeys.Normalize(link) ?? link;
                    reprint = await GrainFactory.GetGrain<IReprintGrain>(ReprintKeys.For(channel, normalized))
                        .TakeAsync(new ReprintRequest(channel, link, mode, party), actor, operationId + ":reprint");
                }
                catch (Exception ex) when (ex is TimeoutException or OrleansException)
                {
                    // The reprint may still finish: a take started again answers where it went (the reprint grain files once).
                    LogReprintCallFailed(logger, key, ex.GetType().Name);
                    reprint = new ReprintResult(ReprintOutcome.TimedOut, Msg.Of("intake.pageTimedOut"), null, [], null);
                }

                await GrainFactory.GetGrain<ICollectionInboxGrain>(channel).EndTakeAsync(itemId, reprint, operationId);
            }
            finally
            {
                _run?.Dispose();
                _run = null;
                DeactivateOnIdle();
            }
        }, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { KeepAlive = true, Interleave = true });
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbox take {Key}: the reprint call failed ({Kind}); the item is new again")]
    private static partial void LogReprintCallFailed(ILogger logger, string key, string kind);
}
