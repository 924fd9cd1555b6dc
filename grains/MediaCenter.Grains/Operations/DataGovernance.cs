namespace MediaCenter.Grains.Operations;

/// <summary>What data governance reads and deletes in PostgreSQL (the read tables and the data dictionary's retentions).</summary>
public interface IDataGovernanceStore
{
    /// <summary>Data-quality figures: <c>orphans</c>, <c>impossibleDates</c>, <c>expiredConsentsHeld</c>, <c>pastRetention</c>, and one per case.</summary>
    Task<Dictionary<string, long>> CountAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Tickets whose consented retention has passed while their contact is still held.</summary>
    Task<IReadOnlyList<string>> ExpiredConsentTicketsAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes the expired rows of every table whose retention says delete; the count per table.</summary>
    Task<Dictionary<string, long>> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Keeps a run's counts; its id.</summary>
    Task<long> RecordRunAsync(RetentionRun run, CancellationToken cancellationToken);
}

/// <summary>The patrol's data-quality check: any orphan, impossible date, expired consent or row past retention is a warning.</summary>
public static class DataQualityCheck
{
    /// <summary>The check from the figures.</summary>
    public static PatrolCheck Of(Dictionary<string, long> figures)
    {
        long F(string name) => figures.TryGetValue(name, out var v) ? v : 0;
        var found = F("orphans") + F("impossibleDates") + F("expiredConsentsHeld") + F("pastRetention");
        return new PatrolCheck("dataQuality", found > 0 ? PatrolStatus.Warning : PatrolStatus.Ok,
            Msg.Of("ops.patrol.detail.dataQuality", ("orphans", F("orphans")), ("dates", F("impossibleDates")),
                ("consents", F("expiredConsentsHeld")), ("retention", F("pastRetention"))),
            found > 0 ? "patrol.dataQuality.found" : "patrol.dataQuality.ok", figures);
    }
}
