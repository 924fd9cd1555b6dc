namespace MediaCenter.Grains.Public;

/// <summary>
/// Where the public profiles' history leaves the grains: one <c>mc.event_log</c> entry per version (entity type
/// <c>public-profile</c>, the organisation key). Implemented on PostgreSQL by the silo; idempotent per version.
/// </summary>
public interface IPublicProfileJournal
{
    /// <summary>Appends the change that made <paramref name="change"/>'s version, unless the log holds it already.</summary>
    Task RecordAsync(PublicProfileChange change, CancellationToken cancellationToken = default);
}
