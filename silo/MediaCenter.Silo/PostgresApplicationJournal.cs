using Dapper;
using MediaCenter.Grains.Applications;
using MediaCenter.Grains.Events;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>
/// The applications' read table (mc.applications, version-guarded) and their history in mc.event_log (<see cref="ApplicationChanged"/>
/// through <see cref="PostgresEventLog"/>, in the same transaction, published after it commits); and the registry's answer to which
/// channels and terminals belong to an application.
/// </summary>
internal sealed class PostgresApplicationJournal(NpgsqlDataSource db, PostgresEventLog events) : IApplicationJournal
{
    public async Task RecordAsync(ApplicationView a, ApplicationHistoryEntry? entry, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var appended = entry is null ? null : await events.AppendAsync(new ApplicationChanged
        {
            EntityId = a.Id,
            Version = entry.Version,
            At = entry.At,
            ActorId = entry.ActorId,
            ActorName = entry.Actor,
            Command = entry.Command.ToString(),
            From = entry.From?.ToString(),
            To = entry.To.ToString(),
            PartyId = a.PartyId,
            Code = a.Code,
            Comment = entry.Comment,
        }, connection, transaction, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.applications (party_id, code, name, kind, owner, description, state, suspended_reason, suspended_at, version, created_at, updated_at)
            VALUES (@party, @code, @name, @kind, @owner, @description, @state, @reason, @suspendedAt, @version, @createdAt, @updatedAt)
            ON CONFLICT (party_id, code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, owner = EXCLUDED.owner,
                description = EXCLUDED.description, state = EXCLUDED.state, suspended_reason = EXCLUDED.suspended_reason,
                suspended_at = EXCLUDED.suspended_at, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
            WHERE mc.applications.version < EXCLUDED.version
            """, new
        {
            party = a.PartyId,
            code = a.Code,
            name = a.Name,
            kind = a.Kind.ToString(),
            owner = a.Owner,
            description = a.Description,
            state = a.State.ToString(),
            reason = a.SuspendedReason,
            suspendedAt = a.SuspendedAt?.ToUniversalTime(),
            version = a.Version,
            createdAt = a.CreatedAt.ToUniversalTime(),
            updatedAt = a.UpdatedAt.ToUniversalTime(),
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        if (appended is not null)
        {
            await events.PublishAsync(appended);
        }
    }

    public async Task<ApplicationView?> FindAsync(string partyId, string code, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition("""
            SELECT party_id, code, name, kind, owner, description, state, suspended_reason, suspended_at, version, created_at, updated_at
              FROM mc.applications WHERE party_id = @partyId AND code = @code
            """, new { partyId, code }, cancellationToken: cancellationToken));
        return row is null
            ? null
            : new ApplicationView(ApplicationIds.Of(row.PartyId, row.Code), row.PartyId, row.Code, row.Name, Enum.Parse<ApplicationKind>(row.Kind),
                row.Owner, row.Description, Enum.Parse<ApplicationState>(row.State), row.SuspendedReason, row.SuspendedAt, row.Version, row.CreatedAt,
                row.UpdatedAt);
    }

    public async Task<IReadOnlyList<string>> ChannelsAsync(string partyId, string code, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var channels = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT code FROM mc.channels WHERE access_party_id = @partyId AND application_code = @code ORDER BY code",
            new { partyId, code }, cancellationToken: cancellationToken));
        return channels.AsList();
    }

    public async Task<int> TerminalCountAsync(string partyId, string code, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT count(*)::int FROM mc.terminals WHERE party_id = @partyId AND application_code = @code",
            new { partyId, code }, cancellationToken: cancellationToken));
    }

    private sealed class Row
    {
        public required string PartyId { get; init; }
        public required string Code { get; init; }
        public required string Name { get; init; }
        public required string Kind { get; init; }
        public string? Owner { get; init; }
        public string? Description { get; init; }
        public required string State { get; init; }
        public string? SuspendedReason { get; init; }
        public DateTimeOffset? SuspendedAt { get; init; }
        public long Version { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
    }
}
