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
internal sealed class AlertGroupGrain(
    [PersistentState("alert-group", StorageNames.Main)] IPersistentState<AlertGroupState> state) : Grain, IAlertGroupGrain
{
    private const int RememberedOperations = 100;

    private AlertGroupState S => state.State;

    public async Task<string> JoinAsync(IncidentMember member, IncidentReport report, string operationId)
    {
        foreach (var (op, id) in S.Applied)
        {
            if (op == operationId)
            {
                return id;
            }
        }

        if (S.IncidentId is { } open)
        {
            var joined = await GrainFactory.GetGrain<IIncidentGrain>(open).ExecuteAsync(new IncidentCommand.JoinGroup { Member = member }, IncidentActor.System, operationId);
            if (joined.Ok)
            {
                // The incident remembers the operation id; this grain writes only when it opens a group (a storm costs one write per member, not two).
                return open;
            }
        }

        // Outside the window, or the collecting incident is resolved or closed: the alert is reported as a single one would be.
        var key = this.GetPrimaryKeyString();
        var incidentId = await GrainFactory.GetGrain<IIncidentDeskGrain>(report.DedupKey)
            .ReportAsync(report with { Member = member, GroupKey = key }, IncidentActor.System, operationId);
        var incident = GrainFactory.GetGrain<IIncidentGrain>(incidentId);
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

    public async Task RecoverAsync(string memberId, string dedupKey, string reason, string operationId)
    {
        var own = await GrainFactory.GetGrain<IIncidentDeskGrain>(dedupKey).OpenIncidentAsync();
        foreach (var candidate in new[] { S.IncidentId, own }.OfType<string>().Distinct())
        {
            var result = await GrainFactory.GetGrain<IIncidentGrain>(candidate).ExecuteAsync(
                new IncidentCommand.MemberRecovered { MemberId = memberId, Text = reason }, IncidentActor.System, operationId);
            if (result.Ok)
            {
                return;
            }
        }

        // An incident opened before grouping existed lists no members: the recovery is noted on its timeline as it always was.
        if (own is not null && await GrainFactory.GetGrain<IIncidentGrain>(own).GetAsync() is { Group: null })
        {
            await GrainFactory.GetGrain<IIncidentGrain>(own).ExecuteAsync(new IncidentCommand.Comment { Text = reason }, IncidentActor.System, operationId);
        }
    }

    public async Task OutAgainAsync(IncidentMember member, string operationId)
    {
        if (S.IncidentId is { } open)
        {
            // Refused when the incident no longer takes members: the damped alert stays damped.
            await GrainFactory.GetGrain<IIncidentGrain>(open).ExecuteAsync(new IncidentCommand.JoinGroup { Member = member }, IncidentActor.System, operationId);
        }
    }

    public Task<string?> CurrentIncidentAsync() => Task.FromResult(S.IncidentId);

    private async Task RememberAsync(string operationId, string incidentId)
    {
        S.Applied.Add(new(operationId, incidentId));
        if (S.Applied.Count > RememberedOperations)
        {
            S.Applied.RemoveAt(0);
        }

        await state.WriteStateAsync();
    }
}
