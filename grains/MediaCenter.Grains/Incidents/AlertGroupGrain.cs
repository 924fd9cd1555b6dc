using System.Security.Cryptography;
using System.Text;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace MediaCenter.Grains.Incidents;

/// <summary>Stored state of an alert group. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.AlertGroupState")]
public sealed class AlertGroupState
{
    /// <summary>The incident collecting the group's members (it decides who may still join: window and stage).</summary>
    [Id(0)] public string? IncidentId { get; set; }

    [Id(1)] public List<KeyValuePair<string, string>> Applied { get; set; } = [];
}

/// <summary>
/// One per alert kind, access party and region. The first member's alert opens its incident exactly as a single alert
/// always has (through the fault's desk, so a terminal's repeat still counts on, or reopens, its own incident); later
/// members join that incident while it takes them. The incident keeps the member list, counts, window and priority; this
/// grain only remembers which incident is collecting.
/// </summary>
/// <remarks>
/// A storm sends hundreds of members at once. Calls are taken as they come (reentrant) and queued; one worker hands the
/// queue to the incident in batches — every member waiting while the previous batch was written goes in the next command —
/// so the incident writes its state once per batch instead of once per member. Callers are answered when their batch is
/// written. Order is kept between kinds of work (a member's join is handed over before its recovery).
/// </remarks>
[Reentrant]
internal sealed class AlertGroupGrain(
    [PersistentState("alert-group", StorageNames.Main)] IPersistentState<AlertGroupState> state) : Grain, IAlertGroupGrain
{
    private const int RememberedOperations = 100;

    /// <summary>The most members in one command (bounds the command and the state write).</summary>
    internal const int MaxBatch = 500;

    private readonly List<Work> _queue = [];
    private Task? _worker;

    private AlertGroupState S => state.State;

    public async Task<string> JoinAsync(IncidentMember member, IncidentReport report, string operationId) =>
        await EnqueueAsync(new Join(member, report, operationId)) ?? throw new InvalidOperationException("A join always names its incident.");

    public Task RecoverAsync(string memberId, string dedupKey, string reason, string operationId) =>
        EnqueueAsync(new Recovery(memberId, dedupKey, reason, operationId));

    public Task OutAgainAsync(IncidentMember member, string operationId) => EnqueueAsync(new OutAgain(member, operationId));

    public Task<string?> CurrentIncidentAsync() => Task.FromResult(S.IncidentId);

    private Task<string?> EnqueueAsync(Work work)
    {
        _queue.Add(work);
        _worker ??= DrainAsync();
        return work.Done.Task;
    }

    private async Task DrainAsync()
    {
        // Runs on the activation's scheduler: calls interleave only at its awaits, and only to enqueue.
        while (_queue.Count > 0)
        {
            var kind = _queue[0].GetType();
            var batch = _queue.TakeWhile(w => w.GetType() == kind).Take(MaxBatch).ToList();
            _queue.RemoveRange(0, batch.Count);
            try
            {
                var left = batch[0] switch
                {
                    Join => await JoinBatchAsync([.. batch.Cast<Join>()]),
                    Recovery => await RecoverBatchAsync([.. batch.Cast<Recovery>()]),
                    _ => await OutAgainBatchAsync([.. batch.Cast<OutAgain>()]),
                };
                _queue.InsertRange(0, left);
            }
            catch (Exception ex)
            {
                // The callers see the failure (a terminal retries a timed-out report with the same operation id).
                foreach (var work in batch.Where(w => !w.Done.Task.IsCompleted))
                {
                    work.Done.TrySetException(ex);
                }
            }
        }

        _worker = null;
    }

    /// <summary>Joins the batch to the collecting incident; else opens (or joins) for the first alone. Returns the work left.</summary>
    private async Task<IReadOnlyList<Work>> JoinBatchAsync(List<Join> batch)
    {
        var fresh = new List<Join>();
        foreach (var join in batch)
        {
            if (Applied(join.OperationId) is { } done)
            {
                join.Done.TrySetResult(done);
            }
            else
            {
                fresh.Add(join);
            }
        }

        if (fresh.Count == 0)
        {
            return [];
        }

        // Earliest first: if the batch is refused, the member handled alone is the one the window started from.
        fresh.Sort((a, b) => a.Member.Since.CompareTo(b.Member.Since));

        if (S.IncidentId is { } open && fresh.Count > 1)
        {
            var joined = await Incident(open).ExecuteAsync(
                new IncidentCommand.JoinGroup { Members = [.. fresh.Select(j => j.Member)] }, IncidentActor.System, BatchId("join", fresh));
            if (joined.Ok)
            {
                fresh.ForEach(j => j.Done.TrySetResult(open));
                return [];
            }
        }

        // One member alone (the group's first, a member outside the window, or a collecting incident that is resolved or
        // closed): it is reported as a single alert would be, and the rest try again as a batch behind it.
        var first = fresh[0];
        first.Done.TrySetResult(await JoinOneAsync(first));
        return fresh.Skip(1).ToList();
    }

    private async Task<string> JoinOneAsync(Join join)
    {
        var (member, report, operationId) = (join.Member, join.Report, join.OperationId);
        if (S.IncidentId is { } open)
        {
            var joined = await Incident(open).ExecuteAsync(new IncidentCommand.JoinGroup { Member = member }, IncidentActor.System, operationId);
            if (joined.Ok)
            {
                // The incident remembers the operation id; this grain writes only when it opens a group (a storm costs one write per batch).
                return open;
            }
        }

        // Outside the window, or the collecting incident is resolved or closed: the alert is reported as a single one would be.
        var key = this.GetPrimaryKeyString();
        var incidentId = await GrainFactory.GetGrain<IIncidentDeskGrain>(report.DedupKey)
            .ReportAsync(report with { Member = member, GroupKey = key }, IncidentActor.System, operationId);
        var incident = Incident(incidentId);
        var snapshot = await incident.GetAsync();
        if (snapshot?.Group is { } group && !group.Members.Any(m => m.Id == member.Id && !m.Recovered))
        {
            // The desk counted a repeat on the terminal's own open incident: the member is out again there.
            await incident.ExecuteAsync(new IncidentCommand.JoinGroup { Member = member }, IncidentActor.System, operationId + ":join");
        }

        S.IncidentId = incidentId;
        await RememberAsync(operationId, incidentId);
        return incidentId;
    }

    private async Task<IReadOnlyList<Work>> RecoverBatchAsync(List<Recovery> batch)
    {
        if (S.IncidentId is { } open && batch.Count > 1)
        {
            var result = await Incident(open).ExecuteAsync(
                new IncidentCommand.MemberRecovered { MemberIds = [.. batch.Select(r => r.MemberId)], Text = batch[0].Reason },
                IncidentActor.System, BatchId("recover", batch));
            if (result.Ok)
            {
                batch.ForEach(r => r.Done.TrySetResult(open));
                return [];
            }
        }

        // A member the collecting incident does not list (it is on an older incident): each is marked where it is listed.
        foreach (var recovery in batch)
        {
            await RecoverOneAsync(recovery);
            recovery.Done.TrySetResult(null);
        }

        return [];
    }

    private async Task RecoverOneAsync(Recovery recovery)
    {
        var own = await GrainFactory.GetGrain<IIncidentDeskGrain>(recovery.DedupKey).OpenIncidentAsync();
        foreach (var candidate in new[] { S.IncidentId, own }.OfType<string>().Distinct())
        {
            var result = await Incident(candidate).ExecuteAsync(
                new IncidentCommand.MemberRecovered { MemberId = recovery.MemberId, Text = recovery.Reason }, IncidentActor.System, recovery.OperationId);
            if (result.Ok)
            {
                return;
            }
        }

        // An incident opened before grouping existed lists no members: the recovery is noted on its timeline as it always was.
        if (own is not null && await Incident(own).GetAsync() is { Group: null })
        {
            await Incident(own).ExecuteAsync(new IncidentCommand.Comment { Text = recovery.Reason }, IncidentActor.System, recovery.OperationId);
        }
    }

    private async Task<IReadOnlyList<Work>> OutAgainBatchAsync(List<OutAgain> batch)
    {
        if (S.IncidentId is { } open)
        {
            // Refused when the incident no longer takes members: the damped alerts stay damped.
            var command = batch.Count == 1
                ? new IncidentCommand.JoinGroup { Member = batch[0].Member }
                : new IncidentCommand.JoinGroup { Members = [.. batch.Select(o => o.Member)] };
            var result = await Incident(open).ExecuteAsync(command, IncidentActor.System, batch.Count == 1 ? batch[0].OperationId : BatchId("out", batch));
            if (!result.Ok && batch.Count > 1)
            {
                // One of them outside the window refused the batch: the others may still be taken one by one.
                foreach (var one in batch)
                {
                    await Incident(open).ExecuteAsync(new IncidentCommand.JoinGroup { Member = one.Member }, IncidentActor.System, one.OperationId);
                }
            }
        }

        batch.ForEach(o => o.Done.TrySetResult(null));
        return [];
    }

    private IIncidentGrain Incident(string id) => GrainFactory.GetGrain<IIncidentGrain>(id);

    private string? Applied(string operationId)
    {
        foreach (var (op, id) in S.Applied)
        {
            if (op == operationId)
            {
                return id;
            }
        }

        return null;
    }

    /// <summary>The same members' operations give the same id, so a batch handed over again after a lost answer counts once.</summary>
    private static string BatchId(string kind, IEnumerable<Work> batch)
    {
        var ids = string.Join('\n', batch.Select(w => w.OperationId).Order(StringComparer.Ordinal));
        return $"{kind}-batch:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ids)))[..32]}";
    }

    private async Task RememberAsync(string operationId, string incidentId)
    {
        S.Applied.Add(new(operationId, incidentId));
        if (S.Applied.Count > RememberedOperations)
        {
            S.Applied.RemoveAt(0);
        }

        await state.WriteStateAsync();
    }

    private abstract record Work(string OperationId)
    {
        public TaskCompletionSource<string?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record Join(IncidentMember Member, IncidentReport Report, string OperationId) : Work(OperationId);

    private sealed record Recovery(string MemberId, string DedupKey, string Reason, string OperationId) : Work(OperationId);

    private sealed record OutAgain(IncidentMember Member, string OperationId) : Work(OperationId);
}
