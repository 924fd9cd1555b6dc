namespace MediaCenter.Grains.Operations;

/// <summary>
/// Where plans, drills and campaigns leave the grains: the read tables behind lists and the history in the event
/// log. Implemented on PostgreSQL by the silo. Every write is idempotent and version-guarded, so a retry or a replay
/// after activation is harmless. The loads read what the tables hold, so a grain whose state is empty starts from a
/// row written before the grains owned these domains.
/// </summary>
public interface IOperationsJournal
{
    /// <summary>The plan as the read tables hold it, or null.</summary>
    Task<PlanRecord?> LoadPlanAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Brings the read tables up to the plan's revision and appends the history entry (entity type <c>plan</c>).</summary>
    Task RecordPlanAsync(PlanRecord plan, PlanHistoryEntry? entry, CancellationToken cancellationToken = default);

    /// <summary>The drill as the read table holds it, or null.</summary>
    Task<DrillView?> LoadDrillAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Brings the read table up to the drill's version and appends the history entry (entity type <c>drill</c>).</summary>
    Task RecordDrillAsync(DrillView drill, DrillHistoryEntry? entry, CancellationToken cancellationToken = default);

    /// <summary>The campaign as the read table holds it, or null.</summary>
    Task<CampaignView?> LoadCampaignAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Brings the read table up to the campaign's version and appends the history entry (entity type <c>campaign</c>).</summary>
    Task RecordCampaignAsync(CampaignView campaign, CampaignHistoryEntry? entry, CancellationToken cancellationToken = default);
}
