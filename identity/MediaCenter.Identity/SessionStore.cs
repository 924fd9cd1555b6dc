using Dapper;
using Npgsql;

namespace MediaCenter.Identity;

/// <summary>An issued session or API token; the token itself is shown once and only its hash is kept.</summary>
public sealed record IssuedSession(Guid Id, string Token, DateTimeOffset ExpiresAt);

/// <summary>A valid session presented by a caller.</summary>
public sealed record ActiveSession(Guid Id, Guid UserId, string Name, DateTimeOffset ExpiresAt);

/// <summary>A valid session and the account behind it.</summary>
public sealed record SignedIn(ActiveSession Session, CurrentUser User);

/// <summary>
/// Browser sessions and API/mobile bearer tokens alike (mc.api_tokens): expiring, revocable, checked
/// against the database on every request so a revocation applies at once. Each session keeps the account's security stamp
/// from when it was issued: a password change, reset, disablement or role change gives the account a new stamp, and from
/// then on only sessions carried over explicitly (the one that changed its own password) are accepted.
/// </summary>
public sealed class SessionStore(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>Prefix of every token, so leaked tokens are recognisable.</summary>
    public const string TokenPrefix = "mcs_";

    /// <summary>Issues a session for a user.</summary>
    public async Task<IssuedSession> IssueAsync(Guid userId, string name, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        var token = Secrets.New(TokenPrefix);
        var id = Guid.CreateVersion7();
        var expires = time.GetUtcNow() + lifetime;
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.api_tokens (id, user_id, token_hash, name, created_at, expires_at, security_stamp)
            SELECT @id, @user, @hash, @name, @now, @expires, security_stamp FROM mc.users WHERE id = @user
            """, new { id, user = userId, hash = Secrets.Hash(token), name, now = time.GetUtcNow(), expires }, cancellationToken: cancellationToken));
        return new IssuedSession(id, token, expires);
    }

    /// <summary>
    /// The session a token stands for and its account as the request sees it (roles read fresh), or null when the token is
    /// unknown, expired or revoked, its stamp is no longer the account's, or the account is disabled. One statement: every
    /// signed-in request runs it.
    /// </summary>
    public async Task<SignedIn?> AuthenticateAsync(string token, CancellationToken cancellationToken = default)
    {
        if (!token.StartsWith(TokenPrefix, StringComparison.Ordinal) || token.Length > 100)
        {
            return null;
        }

        // last_used_at is written at most once a minute per session, not on every request. Channel roles come as three
        // parallel arrays in (channel, role) order; a role without a review level has level 0 there.
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<SignedInRow>(new CommandDefinition("""
            WITH found AS (
                SELECT t.id, t.user_id, t.name, t.expires_at, t.last_used_at FROM mc.api_tokens t JOIN mc.users u ON u.id = t.user_id
                 WHERE t.token_hash = @hash AND t.revoked_at IS NULL AND t.expires_at > @now
                   AND t.security_stamp = u.security_stamp AND NOT u.disabled),
            touched AS (
                UPDATE mc.api_tokens t SET last_used_at = @now FROM found f
                 WHERE t.id = f.id AND (f.last_used_at IS NULL OR f.last_used_at < @now - interval '1 minute'))
            SELECT f.id, f.user_id, f.name, f.expires_at, u.username, u.display_name, u.access_party_id, u.party_role, u.platform_roles,
                   u.must_change_password, m.channels, m.roles, m.levels
              FROM found f JOIN mc.users u ON u.id = f.user_id
             CROSS JOIN LATERAL (
                SELECT coalesce(array_agg(c.channel_code ORDER BY c.channel_code, c.role), '{}') AS channels,
                       coalesce(array_agg(c.role ORDER BY c.channel_code, c.role), '{}') AS roles,
                       coalesce(array_agg(coalesce(c.review_level, 0) ORDER BY c.channel_code, c.role), '{}') AS levels
                  FROM mc.channel_members c WHERE c.user_id = f.user_id) m
            """, new { hash = Secrets.Hash(token), now = time.GetUtcNow() }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        var channels = row.Channels.Select((channel, i) => new ChannelMembership(channel, row.Roles[i], row.Levels[i] == 0 ? null : row.Levels[i])).ToList();
        return new SignedIn(new ActiveSession(row.Id, row.UserId, row.Name, row.ExpiresAt),
            new CurrentUser(row.UserId, row.Username, row.DisplayName, row.AccessPartyId, row.PartyRole, row.PlatformRoles, channels, row.MustChangePassword));
    }

    /// <summary>Of the given sessions, those still accepted (not revoked, not expired, stamp current, account enabled).</summary>
    public async Task<IReadOnlySet<Guid>> StillValidAsync(IReadOnlyCollection<Guid> sessionIds, CancellationToken cancellationToken = default)
    {
        var valid = new HashSet<Guid>();
        if (sessionIds.Count == 0)
        {
            return valid;
        }

        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        valid.UnionWith(await connection.QueryAsync<Guid>(new CommandDefinition("""
            SELECT t.id FROM mc.api_tokens t JOIN mc.users u ON u.id = t.user_id
             WHERE t.id = ANY (@ids) AND t.revoked_at IS NULL AND t.expires_at > @now AND t.security_stamp = u.security_stamp AND NOT u.disabled
            """, new { ids = sessionIds.ToArray(), now = time.GetUtcNow() }, cancellationToken: cancellationToken)));
        return valid;
    }

    /// <summary>Revokes one session; false when it was not active.</summary>
    public async Task<bool> RevokeAsync(Guid sessionId, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("UPDATE mc.api_tokens SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL",
            new { id = sessionId, now = time.GetUtcNow() }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Revokes every active session of a user (password reset, account disabled); returns how many.</summary>
    public async Task<int> RevokeAllAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("UPDATE mc.api_tokens SET revoked_at = @now WHERE user_id = @id AND revoked_at IS NULL",
            new { id = userId, now = time.GetUtcNow() }, cancellationToken: cancellationToken));
    }

    private sealed record SignedInRow
    {
        public required Guid Id { get; init; }

        public required Guid UserId { get; init; }

        public required string Name { get; init; }

        public required DateTimeOffset ExpiresAt { get; init; }

        public required string Username { get; init; }

        public required string DisplayName { get; init; }

        public string? AccessPartyId { get; init; }

        public string? PartyRole { get; init; }

        public required string[] PlatformRoles { get; init; }

        public required bool MustChangePassword { get; init; }

        public required string[] Channels { get; init; }

        public required string[] Roles { get; init; }

        public required int[] Levels { get; init; }
    }
}
