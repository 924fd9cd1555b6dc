using Orleans.Runtime;

namespace MediaCenter.Grains.Incidents;

/// <summary>Stored state of a fault's desk. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.IncidentDeskState")]
public sealed class IncidentDeskState
{
    [Id(0)] public string? OpenIncidentId { get; set; }
    [Id(1)] public List<KeyValuePair<string, string>> Applied { get; set; } = [];
}

/// <summary>One per dedup key: one open incident per fault; repeats are counted on it.</summary>
internal sealed class IncidentDeskGrain(
    [PersistentState("incident-desk", StorageNames.Main)] IPersistentState<IncidentDeskState> state,
    [Microsoft.Extensions.DependencyInjection.FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time) : Grain, IIncidentDeskGrain
{
    private const int RememberedOperations = 100;

    public async Task<string> ReportAsync(IncidentReport report, IncidentActor actor, string operationId)
    {
        foreach (var (op, id) in state.State.Applied)
        {
            if (op == operationId)
            {
                // The id is remembered before the incident is made: when that call failed (its silo lost, its state not
                // written), the retry makes it now, under the same operation, instead of answering with an incident that is not there.
                if (await GrainFactory.GetGrain<IIncidentGrain>(id).GetAsync() is null)
                {
                    await OpenAsync(id, report, actor, operationId);
                }

                return id;
            }
        }

        if (state.State.OpenIncidentId is { } open && await GrainFactory.GetGrain<IIncidentGrain>(open).RecurAsync(report))
        {
            // Remembered so that a retry of this report is not counted twice.
            Remember(operationId, open);
            await state.WriteStateAsync();
            return open;
        }

        var incidentId = $"inc-{time.GetUtcNow():yyyyMMdd}-{Guid.NewGuid().ToString("N")[..8]}";
        state.State.OpenIncidentId = incidentId;
        Remember(operationId, incidentId);
        await state.WriteStateAsync();
        await OpenAsync(incidentId, report, actor, operationId);
        return incidentId;
    }

    /// <summary>Makes the incident the desk allocated; a refused report is forgotten and its reason thrown.</summary>
    private async Task OpenAsync(string incidentId, IncidentReport report, IncidentActor actor, string operationId)
    {
        var result = await GrainFactory.GetGrain<IIncidentGrain>(incidentId).ExecuteAsync(
            new IncidentCommand.Report { Fault = report with { DedupKey = this.GetPrimaryKeyString() } }, actor, operationId);
        if (!result.Ok)
        {
            if (state.State.OpenIncidentId == incidentId)
            {
                state.State.OpenIncidentId = null;
            }

            state.State.Applied.RemoveAll(a => a.Value == incidentId);
            await state.WriteStateAsync();
            throw new ArgumentException(result.Message);
        }
    }

    private void Remember(string operationId, string incidentId)
    {
        state.State.Applied.Add(new(operationId, incidentId));
        if (state.State.Applied.Count > RememberedOperations)
        {
            state.State.Applied.RemoveAt(0);
        }
    }

    public async Task ClaimAsync(string incidentId)
    {
        if (state.State.OpenIncidentId is null)
        {
            state.State.OpenIncidentId = incidentId;
            await state.WriteStateAsync();
        }
    }

    public async Task ReleaseAsync(string incidentId)
    {
        if (state.State.OpenIncidentId == incidentId)
        {
            state.State.OpenIncidentId = null;
            await state.WriteStateAsync();
        }
    }

    public Task<string?> OpenIncidentAsync() => Task.FromResult(state.State.OpenIncidentId);
}
