using Orleans.Runtime;

namespace MediaCenter.Grains.Workflow;

/// <summary>When the announcement of an acknowledged change runs.</summary>
public enum AnnounceTiming
{
    /// <summary>Before the command answers (the caller sees projections that succeeded at once).</summary>
    BeforeAnswer,

    /// <summary>Right after the command answered, in a turn of its own (the caller does not wait for projections).</summary>
    AfterAnswer,
}

/// <summary>
/// The step after an acknowledged write: the grain's projections (event log, read model, boards, notifications)
/// follow the written state. The state is already safe, so a failure is never the caller's: the announcement is
/// retried on a grain timer until it succeeds. The grain's announce routine must be idempotent (it derives
/// everything from the state and its own "behind" marks) and throw when anything is still behind.
/// </summary>
public sealed class Announcer
{
    private readonly IWorkflowHost _host;
    private readonly Func<CancellationToken, Task> _announce;
    private readonly Action<Exception>? _failed;
    private IGrainTimer? _timer;

    /// <summary>An announcer for one activation.</summary>
    public Announcer(IWorkflowHost host, Func<CancellationToken, Task> announce, Action<Exception>? failed, TimeSpan retryEvery)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retryEvery, TimeSpan.Zero);
        _host = host;
        _announce = announce;
        _failed = failed;
        RetryEvery = retryEvery;
    }

    /// <summary>How long after a failure the announcement is tried again.</summary>
    public TimeSpan RetryEvery { get; }

    /// <summary>True while a retry is armed (the last attempt failed or one is due right after this call).</summary>
    public bool Behind { get; private set; }

    /// <summary>Announces now; on failure arms the catch-up timer. True when everything was announced.</summary>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _announce(cancellationToken);
            Behind = false;
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _failed?.Invoke(ex);
            Behind = true;
            Timer().Change(RetryEvery, RetryEvery);
            return false;
        }
    }

    /// <summary>Announces right after the current call has answered (a grain timer does not interleave with it).</summary>
    public void RunSoon()
    {
        Behind = true;
        Timer().Change(TimeSpan.Zero, RetryEvery);
    }

    private IGrainTimer Timer() => _timer ??= _host.RegisterTimer(async ct => await RunAsync(ct),
        new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
}
