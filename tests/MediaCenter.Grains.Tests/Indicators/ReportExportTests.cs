using MediaCenter.Grains.Indicators;
using MediaCenter.Messages;

namespace MediaCenter.Grains.Tests.Indicators;

/// <summary>Report packs made on request, with an in-memory maker that reports three steps.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ReportExportTests(ClusterFixture fixture)
{
    private static RecordingReportExports Exports => ClusterFixture.ReportExports;

    private static readonly ReportExportRequest Request = new(Guid.NewGuid(), "rx-p1", new DateOnly(2026, 1, 1), new DateOnly(2026, 6, 1), "zh-CN");

    private static string NewId() => Guid.NewGuid().ToString("N");

    private IReportExportGrain Grain(string id) => fixture.Grains.GetGrain<IReportExportGrain>(id);

    private async Task<ReportExportStatus> SettledAsync(string id)
    {
        for (var i = 0; i < 200; i++)
        {
            var status = await Grain(id).GetStatusAsync();
            if (status is { State: not ReportExportState.Running })
            {
                return status;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException("the pack did not settle");
    }

    [Fact]
    public async Task A_requested_pack_is_made_step_by_step_and_a_retry_answers_the_same_pack()
    {
        var id = NewId();
        var started = await Grain(id).StartAsync(Request);
        Assert.Equal((ReportExportState.Running, Request), (started.State, started.Request));

        var made = await SettledAsync(id);
        Assert.Equal((ReportExportState.Done, 3, 3, 17L, 4096L, "hash-" + id), (made.State, made.StepsDone, made.StepsTotal, made.Rows, made.Bytes, made.Sha256));
        Assert.NotNull(made.FinishedAt);
        // Every step was kept as it was done, so any web instance could follow it.
        Assert.Equal([(0, null), (1, "Measures"), (2, "Channels"), (3, "File"), (3, null)],
            Exports.Saved(id).Select(s => (s.StepsDone, s.Step)));

        var again = await Grain(id).StartAsync(Request with { From = new DateOnly(2025, 1, 1) });
        Assert.Equal(made, again);
        Assert.Equal(1, Exports.Makes(id));
    }

    [Fact]
    public async Task Progress_is_answered_while_the_pack_is_being_made()
    {
        var id = NewId();
        var gate = Exports.Gates[id] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            // Asking does not wait for the pack.
            var started = await Grain(id).StartAsync(Request).WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(ReportExportState.Running, started.State);
            await Exports.AtGate.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(TimeSpan.FromSeconds(10));

            var midway = await Grain(id).GetStatusAsync().WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal((ReportExportState.Running, 1, 3, "Measures", 12L), (midway!.State, midway.StepsDone, midway.StepsTotal, midway.Step, midway.Rows));

            gate.SetResult();
            Assert.Equal(ReportExportState.Done, (await SettledAsync(id)).State);
        }
        finally
        {
            gate.TrySetResult();
        }
    }

    [Fact]
    public async Task A_pack_that_fails_says_so_and_asking_again_starts_it_over()
    {
        var id = NewId();
        Exports.Failing[id] = true;
        await Grain(id).StartAsync(Request);

        var failed = await SettledAsync(id);
        Assert.Equal(ReportExportState.Failed, failed.State);
        Assert.Equal(Msg.Of("indicator.exportFailed"), failed.Error);
        Assert.Null(failed.Bytes);

        Exports.Failing.TryRemove(id, out _);
        var restarted = await Grain(id).StartAsync(Request);
        Assert.Equal((ReportExportState.Running, null), (restarted.State, restarted.Error));
        Assert.Equal(ReportExportState.Done, (await SettledAsync(id)).State);
        Assert.Equal(2, Exports.Makes(id));
    }

    [Fact]
    public async Task A_pack_whose_making_was_lost_with_its_silo_is_started_over_when_asked_about()
    {
        var id = NewId();
        // Kept at its second step by a silo that is gone: no grain is making it.
        Exports.Keep(new ReportExportStatus(id, Request, ReportExportState.Running, 2, 3, "Channels", 17, null, null, null,
            DateTimeOffset.UtcNow.AddMinutes(-3), null));

        var made = await SettledAsync(id);
        Assert.Equal((ReportExportState.Done, 17L), (made.State, made.Rows));
        Assert.Equal(1, Exports.Makes(id));
        Assert.Equal((0, 0L), (Exports.Saved(id)[0].StepsDone, Exports.Saved(id)[0].Rows));
    }

    [Fact]
    public async Task A_request_nobody_made_is_not_found()
    {
        Assert.Null(await Grain(NewId()).GetStatusAsync());
    }

    [Fact]
    public void A_made_pack_never_moves_again_and_only_a_failed_one_starts_over()
    {
        Assert.Empty(ReportExportGrain.Moves[ReportExportState.Done]);
        Assert.Equal([ReportExportState.Running], ReportExportGrain.Moves[ReportExportState.Failed]);
    }
}
