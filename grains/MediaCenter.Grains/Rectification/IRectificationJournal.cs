namespace MediaCenter.Grains.Rectification;

/// <summary>The rectifications' read table (lists for the party, management and operators); implemented on PostgreSQL by the silo.</summary>
public interface IRectificationJournal
{
    /// <summary>Upserts a rectification (an older version changes nothing).</summary>
    Task RecordAsync(RectificationView rectification, CancellationToken cancellationToken = default);
}
