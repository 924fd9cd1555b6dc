namespace MediaCenter.Grains.Indicators;

/// <summary>Where monthly report packs are made and kept (PostgreSQL on real silos).</summary>
public interface IReportArchive
{
    /// <summary>Every access party, by id.</summary>
    Task<IReadOnlyList<string>> PartiesAsync(CancellationToken cancellationToken = default);

    /// <summary>The packs kept for a month.</summary>
    Task<IReadOnlyList<ArchivedPack>> ListAsync(DateOnly month, CancellationToken cancellationToken = default);

    /// <summary>Makes a month's pack for a party (empty: all parties) and keeps it; a pack already kept stays as it is.</summary>
    Task<ArchivedPack> MakeAsync(DateOnly month, string partyId, CancellationToken cancellationToken = default);
}
