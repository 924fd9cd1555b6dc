using MediaCenter.Grains.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace MediaCenter.Grains.Indicators;

/// <summary>When the monthly packs are made. Bound from the <c>Reports</c> section.</summary>
public sealed class ReportArchiveOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "Reports";

    /// <summary>Whether the reminder keeps monthly packs at all (on by default).</summary>
    public bool KeepMonthlyPacks { get; set; } = true;

    /// <summary>When the first look is due after the reminder is registered.</summary>
    public TimeSpan FirstCheckAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The reminder's period: a month's packs are made at most this long after it ended.</summary>
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a pack made on request is kept for download after it was asked for.</summary>
    public TimeSpan KeepExportsFor { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>Stored state of the archive. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.ReportArchiveState")]
public sealed class ReportArchiveState
{
    /// <summary>The latest month whose packs are all kept (its first day).</summary>
    [Id(0)] public DateOnly? LastArchived { get; set; }
}

/// <summary>
/// Keeps a report pack per party and month, and one for all parties: a durable reminder looks every hour whether the previous
/// month's packs are kept, and makes what is missing from the month after the last archived (at most twelve back), after closing
/// the month's indicators so the pack holds the closed figures. A pack once kept is not made again, so a reminder delivered twice,
/// a restart in the middle or a second request makes nothing more.
/// </summary>
internal sealed partial class ReportArchiveGrain(
    [PersistentState("report-archive", StorageNames.Main)] IPersistentState<ReportArchiveState> state,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    IReportArchive archive,
    IOptions<ReportArchiveOptions> options,
    ILogger<ReportArchiveGrain> logger) : Grain, IReportArchiveGrain, IRemindable
{
    internal const string ReminderName = "monthly-packs";
    private const int MaxCatchUpMonths = 12;

    private (DateOnly Month, int Done, int Total)? _making;

    public async Task ScheduleAsync()
    {
        if (options.Value.KeepMonthlyPacks && await this.GetReminder(ReminderName) is null)
        {
            await this.RegisterOrUpdateReminder(ReminderName, options.Value.FirstCheckAfter, options.Value.CheckEvery);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReminderName || !options.Value.KeepMonthlyPacks)
        {
            return;
        }

        var previous = IndicatorMonths.MonthOf(time.GetUtcNow()).AddMonths(-1);
        var next = state.State.LastArchived is { } last ? last.AddMonths(1) : previous;
        if (next < previous.AddMonths(-MaxCatchUpMonths))
        {
            next = previous.AddMonths(-MaxCatchUpMonths);
        }

        for (var month = next; month <= previous; month = month.AddMonths(1))
        {
            await ArchiveAsync(month);
        }
    }

    public async Task<List<ArchivedPack>> ArchiveAsync(DateOnly month)
    {
        month = new DateOnly(month.Year, month.Month, 1);
        if (month >= IndicatorMonths.MonthOf(time.GetUtcNow()))
        {
            throw new ArgumentException(Msg.Of("indicator.monthNotEnded", ("month", IndicatorMonths.Name(month))));
        }

        await GrainFactory.GetGrain<IIndicatorMonthGrain>(IIndicatorMonthGrain.DefaultKey).CloseAsync(month);
        var kept = (await archive.ListAsync(month)).Select(p => p.PartyId).ToHashSet(StringComparer.Ordinal);
        // Every party's own pack, then the one of all parties (the empty id).
        var wanted = (await archive.PartiesAsync()).Append("").ToList();
        var missing = wanted.Where(p => !kept.Contains(p)).ToList();
        try
        {
            for (var i = 0; i < missing.Count; i++)
            {
                _making = (month, wanted.Count - missing.Count + i, wanted.Count);
                await archive.MakeAsync(month, missing[i]);
            }
        }
        finally
        {
            _making = null;
        }

        if (state.State.LastArchived is not { } last || last < month)
        {
            state.State.LastArchived = month;
            await state.WriteStateAsync();
        }

        LogArchived(logger, IndicatorMonths.Name(month), missing.Count, wanted.Count);
        return [.. await archive.ListAsync(month)];
    }

    public Task<ReportArchiveProgress> GetProgressAsync() => Task.FromResult(_making is { } m
        ? new ReportArchiveProgress(state.State.LastArchived, m.Month, m.Done, m.Total)
        : new ReportArchiveProgress(state.State.LastArchived, null, 0, 0));

    [LoggerMessage(Level = LogLevel.Information, Message = "Report packs of {Month}: {Made} made, {Wanted} kept in all")]
    private static partial void LogArchived(ILogger logger, string month, int made, int wanted);
}
