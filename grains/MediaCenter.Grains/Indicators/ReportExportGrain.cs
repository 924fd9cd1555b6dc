using MediaCenter.Grains.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MediaCenter.Grains.Indicators;

/// <summary>
/// Makes one on-demand report pack in the background (see <see cref="IReportExportGrain"/>). The kept row is the state: every
/// step done is written there and pushed to the person who asked, so any web instance answers the progress and serves the
/// file. The making runs on a grain timer that keeps the activation alive and lets questions about progress through.
/// </summary>
internal sealed partial class ReportExportGrain(
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    IReportExports exports,
    ILogger<ReportExportGrain> logger) : Grain, IReportExportGrain
{
    /// <summary>The moves a request may make: it runs, then is made or fails; a failed one may be asked for again.</summary>
    internal static readonly IReadOnlyDictionary<ReportExportState, ReportExportState[]> Moves = new Dictionary<ReportExportState, ReportExportState[]>
    {
        [ReportExportState.Running] = [ReportExportState.Running, ReportExportState.Done, ReportExportState.Failed],
        [ReportExportState.Failed] = [ReportExportState.Running],
        [ReportExportState.Done] = [],
    };

    // Written by the maker's progress from any thread as well as on the grain's turn; a reference, so read whole.
    private volatile ReportExportStatus? _status;
    private bool _loaded;
    private IGrainTimer? _making;
    private bool _starting;
    private CancellationTokenSource? _stop;

    public async Task<ReportExportStatus> StartAsync(ReportExportRequest request)
    {
        var status = await LoadAsync();
        if (status is null)
        {
            await RunAsync(new ReportExportStatus(this.GetPrimaryKeyString(), request, ReportExportState.Running, 0, 0, null, 0, null, null, null,
                time.GetUtcNow(), null));
        }
        else if (status.State == ReportExportState.Failed || (status.State == ReportExportState.Running && !Making))
        {
            // A retry of a request that failed, or whose making was lost with a silo: it starts over.
            await RunAsync(status with { State = ReportExportState.Running, StepsDone = 0, Step = null, Rows = 0, Error = null, FinishedAt = null });
        }

        return _status!;
    }

    public async Task<ReportExportStatus?> GetStatusAsync()
    {
        var status = await LoadAsync();
        if (status is { State: ReportExportState.Running } && !Making)
        {
            await RunAsync(status with { StepsDone = 0, Step = null, Rows = 0 });
        }

        return _status;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _stop?.Cancel();
        return Task.CompletedTask;
    }

    // Set before the first await of a start, so a question interleaved with it does not start a second making.
    private bool Making => _making is not null || _starting;

    private async Task<ReportExportStatus?> LoadAsync()
    {
        if (!_loaded)
        {
            _status = await exports.FindAsync(this.GetPrimaryKeyString());
            _loaded = true;
        }

        return _status;
    }

    private async Task RunAsync(ReportExportStatus running)
    {
        _starting = true;
        try
        {
            await MoveAsync(running);
        }
        finally
        {
            _starting = false;
        }

        _stop = new CancellationTokenSource();
        var stop = _stop.Token;
        // One shot, at once; interleaved so that progress is answered while the pack is made, kept alive until it is done.
        _making = this.RegisterGrainTimer(_ => MakeAsync(stop), new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan)
        {
            Interleave = true,
            KeepAlive = true,
        });
    }

    private async Task MakeAsync(CancellationToken cancellationToken)
    {
        var request = _status!.Request;
        try
        {
            var progress = new StepProgress(this);
            var (bytes, sha256) = await exports.MakeAsync(_status.Id, request, progress, cancellationToken);
            await progress.FlushAsync();
            await MoveAsync(_status with
            {
                State = ReportExportState.Done,
                StepsDone = _status.StepsTotal,
                Step = null,
                Bytes = bytes,
                Sha256 = sha256,
                FinishedAt = time.GetUtcNow(),
            });
            LogMade(logger, _status.Id, request.PartyId ?? "*", IndicatorMonths.Name(request.From), IndicatorMonths.Name(request.To), bytes);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Deactivated: the row still says running, so the next question starts it over.
        }
        catch (Exception e)
        {
            LogFailed(logger, e, _status.Id);
            await MoveAsync(_status with { State = ReportExportState.Failed, Error = Msg.Of("indicator.exportFailed"), FinishedAt = time.GetUtcNow() });
        }
        finally
        {
            _making?.Dispose();
            _making = null;
        }
    }

    private Task MoveAsync(ReportExportStatus next)
    {
        Become(next);
        return KeepAsync(next);
    }

    private void Become(ReportExportStatus next)
    {
        if (_status is { } current && !Moves[current.State].Contains(next.State))
        {
            throw new InvalidOperationException($"A report pack cannot move from {current.State} to {next.State}.");
        }

        _status = next;
    }

    private async Task KeepAsync(ReportExportStatus status)
    {
        await exports.SaveAsync(status);
        await GrainFactory.PublishLiveAsync(LiveTopic.Operations, new ReportExportChanged(status));
    }

    /// <summary>
    /// Each step reported by the maker becomes the grain's status at once, so a question asked after the report sees it; the
    /// steps are then written and pushed in order on the grain's turn.
    /// </summary>
    /// <remarks>Made on the grain's turn: its scheduler is kept, since the maker may report from any thread.</remarks>
    private sealed class StepProgress(ReportExportGrain grain) : IProgress<ReportPackStep>
    {
        private readonly TaskScheduler _grainScheduler = TaskScheduler.Current;
        private readonly Lock _order = new();
        private Task _last = Task.CompletedTask;

        public void Report(ReportPackStep value)
        {
            lock (_order)
            {
                var status = grain._status!;
                var next = status with { StepsDone = value.Done, StepsTotal = value.Total, Step = value.Step, Rows = status.Rows + value.Rows };
                grain.Become(next);
                _last = _last.ContinueWith(_ => grain.KeepAsync(next), CancellationToken.None, TaskContinuationOptions.None, _grainScheduler).Unwrap();
            }
        }

        public Task FlushAsync()
        {
            lock (_order)
            {
                return _last;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Report pack {Id} made: party {Party}, {From} to {To}, {Bytes} bytes")]
    private static partial void LogMade(ILogger logger, string id, string party, string from, string to, long bytes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Report pack {Id} could not be made")]
    private static partial void LogFailed(ILogger logger, Exception exception, string id);
}
