using MediaCenter.Grains.Terminals;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace MediaCenter.Grains.Incidents;

/// <summary>Stored state of the inhibition registry. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.InhibitionRegistryState")]
public sealed class InhibitionRegistryState
{
    [Id(0)] public List<InhibitionCause> Active { get; set; } = [];
}

/// <summary>
/// The causes holding now (docs/INCIDENTS.md, "Inhibition"). Every terminal alert asks here before it goes to its alert
/// group, so the question is answered from memory and the calls interleave; a cause's start and end are written before
/// they are acknowledged. Reentrant because a cause's release asks here again (a member may stand under another cause).
/// </summary>
[Reentrant]
internal sealed class InhibitionGrain(
    [PersistentState("inhibition-registry", StorageNames.Main)] IPersistentState<InhibitionRegistryState> state) : Grain, IInhibitionGrain
{
    private List<InhibitionCause> Active => state.State.Active;

    public async Task StartAsync(InhibitionCause cause)
    {
        // The cause holds before anyone hears it started: a member alert after this call is held.
        await GrainFactory.GetGrain<IInhibitionCauseGrain>(cause.Id).StartAsync(cause);
        if (Active.All(c => c.Id != cause.Id))
        {
            Active.Add(cause);
            await state.WriteStateAsync();
        }
    }

    public async Task EndAsync(string causeId)
    {
        // Out of the registry first: alerts from now on go to their groups, and the release joins them there.
        if (Active.RemoveAll(c => c.Id == causeId) > 0)
        {
            await state.WriteStateAsync();
        }

        await GrainFactory.GetGrain<IInhibitionCauseGrain>(causeId).EndAsync();
    }

    public async Task<string?> HoldAsync(HeldAlert alert)
    {
        foreach (var cause in Covering(alert.PartyId, alert.Region))
        {
            if (await GrainFactory.GetGrain<IInhibitionCauseGrain>(cause.Id).HoldAsync(alert))
            {
                return cause.Id;
            }
        }

        return null;
    }

    public async Task<bool> RecoverAsync(string partyId, string region, string memberId, DateTimeOffset at)
    {
        var any = false;
        foreach (var cause in Covering(partyId, region))
        {
            any |= await GrainFactory.GetGrain<IInhibitionCauseGrain>(cause.Id).RecoverAsync(memberId, at);
        }

        return any;
    }

    public async Task<bool> OutAgainAsync(string partyId, string region, string memberId, DateTimeOffset at)
    {
        foreach (var cause in Covering(partyId, region))
        {
            if (await GrainFactory.GetGrain<IInhibitionCauseGrain>(cause.Id).OutAgainAsync(memberId, at))
            {
                return true;
            }
        }

        return false;
    }

    public Task<IReadOnlyList<InhibitionCause>> ActiveAsync() => Task.FromResult<IReadOnlyList<InhibitionCause>>([.. Active]);

    // The oldest cause first: a member stays under the cause it was first held by.
    private List<InhibitionCause> Covering(string partyId, string region) =>
        Active.Count == 0 ? [] : [.. Active.Where(c => c.Covers(partyId, region)).OrderBy(c => c.Since)];
}

/// <summary>Stored state of one cause. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.InhibitionCauseState")]
public sealed class InhibitionCauseState
{
    [Id(0)] public InhibitionCause? Cause { get; set; }
    [Id(1)] public bool Active { get; set; }
    [Id(2)] public DateTimeOffset? EndedAt { get; set; }
    [Id(3)] public List<HeldEntry> Members { get; set; } = [];

    /// <summary>The release of the members still out is done (a restart between the end and the release finishes it).</summary>
    [Id(4)] public bool Released { get; set; }
}

/// <summary>A held member with the alert it would have raised.</summary>
[GenerateSerializer, Alias("mc.HeldEntry")]
public sealed class HeldEntry
{
    [Id(0)] public required HeldMember Member { get; set; }
    [Id(1)] public required HeldAlert Alert { get; set; }
}

/// <summary>
/// One cause and the members held under it. Holding never pages: the alert is recorded here only. When the cause ends,
/// members still out go to their alert groups together (so they become one grouped incident per group, not one each),
/// started at the release; members back by then are closed out in the list.
/// </summary>
/// <remarks>
/// A storm holds hundreds of members at once: calls interleave and their changes share one state write (each caller is
/// answered after the write that holds its change).
/// </remarks>
[Reentrant]
internal sealed partial class InhibitionCauseGrain(
    [PersistentState("inhibition-cause", StorageNames.Main)] IPersistentState<InhibitionCauseState> state,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    ILogger<InhibitionCauseGrain> logger) : Grain, IInhibitionCauseGrain
{
    private Task _writing = Task.CompletedTask;
    private Task? _nextWrite;
    private Task? _releasing;

    private InhibitionCauseState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Cause is not null && !S.Active && !S.Released)
        {
            // Ended, but the release did not finish before the last activation went away.
            ReleaseOnceAsync().Ignore();
        }

        return Task.CompletedTask;
    }

    public async Task StartAsync(InhibitionCause cause)
    {
        if (S.Active)
        {
            return;
        }

        if (_releasing is { IsCompleted: false } releasing)
        {
            await releasing;
        }

        // Started again (a platform alert firing anew): the members of the previous round stay listed as they ended.
        S.Cause = cause;
        S.Active = true;
        S.EndedAt = null;
        S.Released = false;
        await SaveAsync();
        LogCause(logger, cause.Id, "holds");
    }

    public async Task<bool> HoldAsync(HeldAlert alert)
    {
        if (!S.Active)
        {
            return false;
        }

        var known = S.Members.FindIndex(e => e.Member.Id == alert.Member.Id && e.Member.Kind == alert.Kind && e.Member.ReleasedAt is null);
        if (known >= 0)
        {
            // The same member out again (or the same alert delivered twice): still one line, out since its first alert.
            var entry = S.Members[known];
            entry.Member = entry.Member with { RecoveredAt = null };
            entry.Alert = alert;
        }
        else
        {
            S.Members.Add(new HeldEntry
            {
                Member = new HeldMember(alert.Member.Id, alert.Member.Name, alert.Kind, alert.PartyId, alert.Region, alert.Member.Since, null, null, null),
                Alert = alert,
            });
        }

        await SaveAsync();
        return true;
    }

    public async Task<bool> RecoverAsync(string memberId, DateTimeOffset at)
    {
        var changed = false;
        foreach (var entry in S.Members.Where(e => e.Member.Id == memberId && e.Member.Held))
        {
            entry.Member = entry.Member with { RecoveredAt = at };
            changed = true;
        }

        if (changed)
        {
            await SaveAsync();
        }

        return changed;
    }

    public async Task<bool> OutAgainAsync(string memberId, DateTimeOffset at)
    {
        if (!S.Active)
        {
            return false;
        }

        var entry = S.Members.LastOrDefault(e => e.Member.Id == memberId && e.Member.ReleasedAt is null && e.Member.Kind == "terminal.offline");
        if (entry is null)
        {
            return false;
        }

        entry.Member = entry.Member with { RecoveredAt = null };
        await SaveAsync();
        return true;
    }

    public async Task<InhibitionView?> EndAsync()
    {
        if (S.Cause is null)
        {
            return null;
        }

        if (S.Active)
        {
            S.Active = false;
            S.EndedAt = time.GetUtcNow();
            await SaveAsync();
            LogCause(logger, S.Cause.Id, "ended");
        }

        if (!S.Released)
        {
            await ReleaseOnceAsync();
        }

        return View();
    }

    public Task<InhibitionView?> GetAsync() => Task.FromResult(S.Cause is null ? null : View());

    private InhibitionView View()
    {
        var members = S.Members.Select(e => e.Member).OrderBy(m => !m.Held).ThenBy(m => m.Since).ToList();
        return new InhibitionView(S.Cause!, S.Active, S.EndedAt, members, members.Count(m => m.Held),
            members.Count(m => m.RecoveredAt is not null && m.ReleasedAt is null), members.Count(m => m.ReleasedAt is not null),
            [.. members.Select(m => m.IncidentId).OfType<string>().Distinct()]);
    }

    /// <summary>
    /// Hands the members still out to their alert groups, all at once so each group takes them as one batch; the alert
    /// starts at the release (that is when it pages; since when the member was out stays on this list).
    /// </summary>
    private Task ReleaseOnceAsync()
    {
        if (_releasing is not { IsCompleted: false })
        {
            _releasing = ReleaseAsync();
        }

        return _releasing;
    }

    private async Task ReleaseAsync()
    {
        var releaseAt = S.EndedAt ?? time.GetUtcNow();
        var pending = S.Members.Where(e => e.Member.Held).ToList();

        // A degraded terminal that recovers sends no alert: its present health decides whether it is still out.
        var stillOut = await Task.WhenAll(pending.Select(StillOutAsync));
        foreach (var (entry, _) in pending.Zip(stillOut).Where(p => !p.Second))
        {
            entry.Member = entry.Member with { RecoveredAt = releaseAt };
        }

        var registry = GrainFactory.GetGrain<IInhibitionGrain>(Inhibitions.Registry);
        var released = await Task.WhenAll(pending.Zip(stillOut).Where(p => p.Second).Select(async p =>
        {
            var alert = p.First.Alert;
            var again = alert with
            {
                Member = alert.Member with { Since = releaseAt },
                Report = alert.Report with { At = releaseAt },
                OperationId = $"{alert.OperationId}:released:{S.Cause!.Id}:{releaseAt.UtcTicks}",
            };

            // Another cause may still stand above it: then it is held there instead.
            var heldBy = await registry.HoldAsync(again);
            var incident = heldBy is null
                ? await GrainFactory.GetGrain<IAlertGroupGrain>(alert.GroupKey).JoinAsync(again.Member, again.Report, again.OperationId)
                : null;
            return (Entry: p.First, Incident: incident, HeldBy: heldBy);
        }));

        foreach (var (entry, incident, heldBy) in released)
        {
            entry.Member = entry.Member with { ReleasedAt = releaseAt, IncidentId = incident ?? heldBy };
        }

        S.Released = true;
        await SaveAsync();
        LogReleased(logger, S.Cause!.Id, released.Length, pending.Count - released.Length);
    }

    private async Task<bool> StillOutAsync(HeldEntry entry)
    {
        try
        {
            var snapshot = await GrainFactory.GetGrain<ITerminalGrain>(entry.Member.Id).GetAsync();
            return snapshot.Registration is null || entry.Member.Kind switch
            {
                "terminal.offline" => snapshot.Health is TerminalHealth.Offline,
                "terminal.degraded" => snapshot.Health is TerminalHealth.Degraded,
                _ => true,
            };
        }
        catch (Exception ex)
        {
            // Not known to be back: paging once too often beats hiding an outage.
            LogHealthUnknown(logger, entry.Member.Id, ex.Message);
            return true;
        }
    }

    /// <summary>One write for every change made while the previous write was under way; callers wait for the write that holds theirs.</summary>
    private Task SaveAsync() => _nextWrite ??= WriteSoonAsync();

    private async Task WriteSoonAsync()
    {
        await Task.Yield();
        while (!_writing.IsCompleted)
        {
            // The previous write's callers hear of its failure; this write is tried on its own.
            await _writing.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Current);
        }

        _nextWrite = null;
        var write = state.WriteStateAsync();
        _writing = write;
        await write;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Inhibition cause {CauseId} {What}")]
    private static partial void LogCause(ILogger logger, string causeId, string what);

    [LoggerMessage(Level = LogLevel.Information, Message = "Inhibition cause {CauseId} released {Released} members still out, closed out {Back} that were back")]
    private static partial void LogReleased(ILogger logger, string causeId, int released, int back);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inhibition: the health of {TerminalId} is unknown at release ({Error}); released as still out")]
    private static partial void LogHealthUnknown(ILogger logger, string terminalId, string error);
}
