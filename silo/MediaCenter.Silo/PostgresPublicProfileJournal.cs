using MediaCenter.Grains.Events;
using MediaCenter.Grains.Public;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>The public profiles' history in mc.event_log (<see cref="PublicProfileChanged"/> through <see cref="PostgresEventLog"/>); one entry per version.</summary>
internal sealed class PostgresPublicProfileJournal(PostgresEventLog events) : IPublicProfileJournal
{
    public Task RecordAsync(PublicProfileChange change, CancellationToken cancellationToken = default) =>
        events.AppendAsync(new PublicProfileChanged
        {
            EntityId = change.Organisation,
            Version = change.Version,
            At = change.At,
            ActorId = change.ActorId,
            ActorName = change.Actor,
            Command = nameof(PublicProfileCommandType.SetProfile),
            Changed = change.Changed,
        }, cancellationToken);
}
