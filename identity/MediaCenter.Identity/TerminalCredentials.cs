using Dapper;
using Npgsql;

namespace MediaCenter.Identity;

/// <summary>How a terminal's MQTT sign-in was judged.</summary>
public enum TerminalAuthResult
{
    /// <summary>Known terminal, right secret, not revoked.</summary>
    Accepted,

    /// <summary>No credential was ever issued for this terminal id.</summary>
    UnknownTerminal,

    /// <summary>The secret does not match.</summary>
    BadSecret,

    /// <summary>The credential was revoked.</summary>
    Revoked,
}

/// <summary>A terminal credential as lists show it (never the secret).</summary>
public sealed record TerminalCredential(string TerminalId, string PartyId, DateTimeOffset IssuedAt, DateTimeOffset? RevokedAt);

/// <summary>Per-terminal MQTT credentials (mc.terminal_credentials): the secret is shown once at issue.</summary>
public sealed class TerminalCredentialStore(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>Prefix of terminal secrets.</summary>
    public const string SecretPrefix = "mct_";

    /// <summary>Issues (or re-issues, replacing the old secret) a credential; returns the secret.</summary>
    public async Task<string> IssueAsync(string terminalId, string partyId, Guid? issuedBy, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(terminalId) || terminalId.Length > 64 || !char.IsAsciiLetterOrDigit(terminalId[0])
            || !terminalId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("identity.terminalIdInvalid"));
        }

        var secret = Secrets.New(SecretPrefix);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var issue = new CommandDefinition("""
            INSERT INTO mc.terminal_credentials (terminal_id, access_party_id, secret_hash, issued_at, issued_by)
            VALUES (@id, @party, @hash, @now, @by)
            ON CONFLICT (terminal_id) DO UPDATE
               SET secret_hash = EXCLUDED.secret_hash, issued_at = EXCLUDED.issued_at, issued_by = EXCLUDED.issued_by, revoked_at = NULL
             WHERE mc.terminal_credentials.access_party_id = EXCLUDED.access_party_id
            """, new { id = terminalId, party = partyId, hash = Secrets.Hash(secret), now = time.GetUtcNow(), by = issuedBy },
            cancellationToken: cancellationToken);
        int rows;
        try
        {
            rows = await connection.ExecuteAsync(issue);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("identity.noSuchParty", ("party", partyId)));
        }

        // The id belongs to another access party: do not reveal it, do not take it over.
        return rows == 1 ? secret : throw new IdentityProblem(ProblemKind.Conflict, Msg.Of("identity.terminalIdTaken", ("terminal", terminalId))
);
    }

    /// <summary>The credential of a terminal, or null.</summary>
    public async Task<TerminalCredential?> GetAsync(string terminalId, CancellationToken cancellationToken = default)
    {
        var list = await QueryAsync("WHERE terminal_id = @id", new { id = terminalId }, cancellationToken);
        return list.Count == 1 ? list[0] : null;
    }

    /// <summary>Credentials, all or of one access party.</summary>
    public Task<IReadOnlyList<TerminalCredential>> ListAsync(string? partyId, CancellationToken cancellationToken = default) =>
        QueryAsync("WHERE @party::text IS NULL OR access_party_id = @party", new { party = partyId }, cancellationToken);

    /// <summary>Revokes a credential; false when it was not active.</summary>
    public async Task<bool> RevokeAsync(string terminalId, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE mc.terminal_credentials SET revoked_at = @now WHERE terminal_id = @id AND revoked_at IS NULL",
            new { id = terminalId, now = time.GetUtcNow() }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Judges an MQTT sign-in.</summary>
    public async Task<TerminalAuthResult> VerifyAsync(string terminalId, string secret, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var stored = await connection.QuerySingleOrDefaultAsync<StoredSecret>(new CommandDefinition(
            "SELECT secret_hash, revoked_at IS NOT NULL AS revoked FROM mc.terminal_credentials WHERE terminal_id = @id", new { id = terminalId },
            cancellationToken: cancellationToken));
        if (stored is null)
        {
            return TerminalAuthResult.UnknownTerminal;
        }

        if (!Secrets.Matches(secret, stored.SecretHash))
        {
            return TerminalAuthResult.BadSecret;
        }

        return stored.Revoked ? TerminalAuthResult.Revoked : TerminalAuthResult.Accepted;
    }

    private async Task<IReadOnlyList<TerminalCredential>> QueryAsync(string where, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var credentials = await connection.QueryAsync<TerminalCredential>(new CommandDefinition(
            $"SELECT terminal_id, access_party_id AS party_id, issued_at, revoked_at FROM mc.terminal_credentials {where} ORDER BY terminal_id",
            parameters, cancellationToken: cancellationToken));
        return credentials.AsList();
    }

    private sealed record StoredSecret
    {
        public required string SecretHash { get; init; }

        public required bool Revoked { get; init; }
    }
}
