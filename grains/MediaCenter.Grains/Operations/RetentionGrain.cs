using MediaCenter.Grains.Platform;
using MediaCenter.Grains.Tickets;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace MediaCenter.Grains.Operations;

/// <summary>Stored state of the retention job. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.RetentionState")]
public sealed class RetentionState
{
    [Id(0)] public DateTimeOffset? LastRunAt { get; set; }
    [Id(1)] public long LastRunId { get; set; }

    /// <summary>The latest on-demand requests (operation id → the run they started), oldest first.</summary>
    [Id(2)] public List<RetentionRequest> Requests { get; set; } = [];
}

/// <summary>An on-demand run's operation id and the run it started. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Immutable, Alias("mc.RetentionRequest")]
public sealed record RetentionRequest([property: Id(0)] string OperationId, [property: Id(1)] RetentionRun Run);

internal sealed partial class RetentionGrain(
    [PersistentState("retention", StorageNames.Main)] IPersistentState<RetentionState> state,
    IDataGovernanceStore store,
    TimeProvider time,
    ILogger<RetentionGrain> logger) : Grain, IRetentionGrain, IRemindable
{
    internal const string ReminderName = "daily-retention";
    private const int KeepRequests = 50;

    public async Task<RetentionRun> RunOnDemandAsync(string operationId, string requestedBy)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(operationId);
        if (state.State.Requests.FirstOrDefault(r => r.OperationId == operationId) is { } done)
        {
            return done.Run;
        }

        // RunAsync writes the state with the run; the request is remembered in a second write. Should that one fail, a retry
        // runs the job again, which deletes nothing more (the job is idempotent) and records a second run.
        var run = await RunAsync("on-demand:" + requestedBy);
        state.State.Requests.Add(new RetentionRequest(operationId, run));
        if (state.State.Requests.Count > KeepRequests)
        {
            state.State.Requests.RemoveRange(0, state.State.Requests.Count - KeepRequests);
        }

        await state.WriteStateAsync();
        return run;
    }

    public async Task ScheduleAsync()
    {
        if (await this.GetReminder(ReminderName) is null)
        {
            await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(5), TimeSpan.FromDays(1));
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Reminders may fire twice; the job is idempotent anyway, so this only spares a second pass within the day.
        if (reminderName == ReminderName && (state.State.LastRunAt is not { } last || time.GetUtcNow() - last > TimeSpan.FromHours(12)))
        {
            await RunAsync("scheduled");
        }
    }

    public async Task<RetentionRun> RunAsync(string trigger)
    {
        var started = time.GetUtcNow();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var counts = await store.DeleteExpiredAsync(started, timeout.Token);

        // A ticket's contact lives in its grain's state: the grain deletes it, as on request, and keeps the anonymous ticket.
        // Its own check decides and carries the operation id, so a second run (or the ticket's own reminder) changes nothing.
        long anonymised = 0, left = 0;
        foreach (var id in await store.ExpiredConsentTicketsAsync(started, timeout.Token))
        {
            try
            {
                var ticket = await GrainFactory.GetGrain<ITicketGrain>(id).CheckDeadlinesAsync();
                if (ticket?.PersonalDataErasedAt is not null)
                {
                    anonymised++;
                }
                else
                {
                    left++;
                }
            }
            catch (Exception ex)
            {
                left++;
                LogTicketFailed(logger, id, ex.Message);
            }
        }

        counts["tickets.anonymised"] = anonymised;
        counts["tickets.left"] = left;
        var run = new RetentionRun(0, started, time.GetUtcNow(), trigger, counts);
        run = run with { Id = await store.RecordRunAsync(run, CancellationToken.None) };
        LogRun(logger, run.Id, trigger, string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}")));
        state.State.LastRunAt = started;
        state.State.LastRunId = run.Id;
        await state.WriteStateAsync();
        return run;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention run {Id} ({Trigger}): {Counts}")]
    private static partial void LogRun(ILogger logger, long id, string trigger, string counts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention could not anonymise ticket {Ticket}: {Reason}")]
    private static partial void LogTicketFailed(ILogger logger, string ticket, string reason);
}
