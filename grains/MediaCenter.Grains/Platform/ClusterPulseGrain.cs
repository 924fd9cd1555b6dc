using Orleans.Runtime;

namespace MediaCenter.Grains.Platform;

/// <summary>Stored state of the cluster pulse. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.ClusterPulseState")]
public sealed class ClusterPulseState
{
    [Id(0)] public long Ticks { get; set; }
    [Id(1)] public DateTimeOffset? FirstTickAt { get; set; }
    [Id(2)] public DateTimeOffset? LastTickAt { get; set; }
    [Id(3)] public TimeSpan Period { get; set; }
    [Id(4)] public string? LastSilo { get; set; }
    [Id(5)] public DateTime? LastTickDue { get; set; }
}

internal sealed class ClusterPulseGrain(
    [PersistentState("pulse", StorageNames.Main)] IPersistentState<ClusterPulseState> state,
    ILocalSiloDetails silo,
    TimeProvider time) : Grain, IClusterPulseGrain, IRemindable
{
    internal const string ReminderName = "pulse";

    public async Task StartAsync(TimeSpan period)
    {
        if (period <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "The pulse period must be positive.");
        }

        var existing = await this.GetReminder(ReminderName);
        if (existing is not null && state.State.Period == period)
        {
            return;
        }

        await this.RegisterOrUpdateReminder(ReminderName, period, period);
        state.State.Period = period;
        await state.WriteStateAsync();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReminderName)
        {
            return;
        }

        // Reminders may be delivered twice: a tick already recorded for this due time is not counted again.
        if (state.State.LastTickDue == status.CurrentTickTime)
        {
            return;
        }

        var now = time.GetUtcNow();
        state.State.Ticks++;
        state.State.FirstTickAt ??= now;
        state.State.LastTickAt = now;
        state.State.LastTickDue = status.CurrentTickTime;
        state.State.LastSilo = silo.Name;
        await state.WriteStateAsync();
    }

    public Task<ClusterPulseStatus> GetStatusAsync() => Task.FromResult(new ClusterPulseStatus(
        state.State.Ticks, state.State.FirstTickAt, state.State.LastTickAt, state.State.Period, state.State.LastSilo));
}
