using Dapper;
using Npgsql;

namespace MediaCenter.Web.Applications;

/// <summary>An application (接入应用) as lists show it, with how many channels and terminals belong to it.</summary>
public sealed record ApplicationRow(string Id, string PartyId, string Code, string Name, string Kind, string? Owner, string? Description, string State,
    string? SuspendedReason, DateTimeOffset? SuspendedAt, long Version, DateTimeOffset UpdatedAt, int Channels, int Terminals);

/// <summary>A terminal of an application.</summary>
public sealed record ApplicationTerminal(string Id, string Name, string Region, string Health);

/// <summary>Lists of applications from the read table the application grains keep (mc.applications), and their members from the registry.</summary>
public sealed class ApplicationReadModel(NpgsqlDataSource db)
{
    /// <summary>Applications of one party or all, by party and code.</summary>
    public async Task<IReadOnlyList<ApplicationRow>> ListAsync(string? partyId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ApplicationRow>(new CommandDefinition("""
            SELECT a.party_id || '.' || a.code AS id, a.party_id, a.code, a.name, a.kind, a.owner, a.description, a.state, a.suspended_reason,
                   a.suspended_at, a.version, a.updated_at,
                   (SELECT count(*)::int FROM mc.channels c WHERE c.access_party_id = a.party_id AND c.application_code = a.code) AS channels,
                   (SELECT count(*)::int FROM mc.terminals t WHERE t.party_id = a.party_id AND t.application_code = a.code) AS terminals
              FROM mc.applications a
             WHERE @party::text IS NULL OR a.party_id = @party
             ORDER BY a.party_id, a.code = 'default' DESC, a.code
            """, new { party = partyId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>The terminals of an application.</summary>
    public async Task<IReadOnlyList<ApplicationTerminal>> TerminalsAsync(string partyId, string code, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ApplicationTerminal>(new CommandDefinition("""
            SELECT id, name, region, health FROM mc.terminals WHERE party_id = @partyId AND application_code = @code ORDER BY id LIMIT 10000
            """, new { partyId, code }, cancellationToken: cancellationToken));
        return rows.AsList();
    }
}
