using System.Diagnostics;
using MediaCenter.Grains.Platform;

namespace MediaCenter.Grains.Tests.Platform;

[Collection(ClusterCollection.Name)]
public sealed class ClusterPulseGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task The_pulse_ticks_on_its_period_and_records_each_tick()
    {
        var pulse = fixture.Grains.GetGrain<IClusterPulseGrain>("pulse-" + Guid.NewGuid());
        await pulse.StartAsync(TimeSpan.FromMilliseconds(300));

        var status = await WaitForTicksAsync(pulse, 2, TimeSpan.FromSeconds(15));

        Assert.True(status.Ticks >= 2, $"expected at least 2 ticks, saw {status.Ticks}");
        Assert.NotNull(status.FirstTickAt);
        Assert.True(status.LastTickAt >= status.FirstTickAt);
        Assert.Equal(TimeSpan.FromMilliseconds(300), status.Period);
        Assert.False(string.IsNullOrEmpty(status.LastSilo));
    }

    [Fact]
    public async Task Starting_twice_with_the_same_period_keeps_one_reminder()
    {
        var pulse = fixture.Grains.GetGrain<IClusterPulseGrain>("pulse-" + Guid.NewGuid());
        await pulse.StartAsync(TimeSpan.FromMinutes(5));
        await pulse.StartAsync(TimeSpan.FromMinutes(5));

        var status = await pulse.GetStatusAsync();
        Assert.Equal(TimeSpan.FromMinutes(5), status.Period);
        Assert.Equal(0, status.Ticks);
    }

    [Fact]
    public async Task A_non_positive_period_is_refused()
    {
        var pulse = fixture.Grains.GetGrain<IClusterPulseGrain>("pulse-" + Guid.NewGuid());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => pulse.StartAsync(TimeSpan.Zero));
    }

    private static async Task<ClusterPulseStatus> WaitForTicksAsync(IClusterPulseGrain pulse, long ticks, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        ClusterPulseStatus status;
        do
        {
            status = await pulse.GetStatusAsync();
            if (status.Ticks >= ticks)
            {
                return status;
            }

            await Task.Delay(100);
        }
        while (clock.Elapsed < timeout);

        return status;
    }
}
