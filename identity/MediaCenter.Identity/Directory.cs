using Dapper;
using Npgsql;

namespace MediaCenter.Identity;

/// <summary>An access party (接入方).</summary>
public sealed record AccessParty(string Id, string Name, DateTimeOffset CreatedAt);

/// <summary>A registered channel and its owning access party.</summary>
public sealed record ChannelInfo(string Code, string Name, string PartyId, DateTimeOffset CreatedAt);

/// <summary>A member of a channel.</summary>
public sealed record ChannelMember(Guid UserId, string Username, string DisplayName, string Role, int? ReviewLevel);

/// <summary>Access parties and the channel registry (mc.access_parties, mc.channels).</summary>
public sealed class PartyDirectory(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>Registers an access party.</summary>
    public async Task CreatePartyAsync(string id, string name, CancellationToken cancellationToken = default)
    {
        ValidateCode(id, Msg.Of("identity.partyId"));
        RequireName(name);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition("INSERT INTO mc.access_parties (id, name, created_at) VALUES (@id, @name, @now)",
                new { id, name = name.Trim(), now = time.GetUtcNow() }, cancellationToken: cancellationToken));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new IdentityProblem(ProblemKind.Conflict, Msg.Of("identity.partyExists", ("party", id)));
        }
    }

    /// <summary>Access parties, all or one.</summary>
    public async Task<IReadOnlyList<AccessParty>> PartiesAsync(string? only, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var parties = await connection.QueryAsync<AccessParty>(new CommandDefinition(
            "SELECT id, name, created_at FROM mc.access_parties WHERE @only::text IS NULL OR id = @only ORDER BY id", new { only },
            cancellationToken: cancellationToken));
        return parties.AsList();
    }

    /// <summary>Registers a channel owned by an access party.</summary>
    public async Task CreateChannelAsync(string code, string name, string partyId, CancellationToken cancellationToken = default)
    {
        ValidateCode(code, Msg.Of("identity.channelCode"));
        RequireName(name);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO mc.channels (code, name, access_party_id, created_at) VALUES (@code, @name, @party, @now)",
                new { code, name = name.Trim(), party = partyId, now = time.GetUtcNow() }, cancellationToken: cancellationToken));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new IdentityProblem(ProblemKind.Conflict, Msg.Of("identity.channelExists", ("channel", code)));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("identity.noSuchParty", ("party", partyId)));
        }
    }

    /// <summary>Channels, all or of one access party.</summary>
    public async Task<IReadOnlyList<ChannelInfo>> ChannelsAsync(string? partyId, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var channels = await connection.QueryAsync<ChannelInfo>(new CommandDefinition("""
            SELECT code, name, access_party_id AS party_id, created_at FROM mc.channels
             WHERE @party::text IS NULL OR access_party_id = @party ORDER BY code
            """, new { party = partyId }, cancellationToken: cancellationToken));
        return channels.AsList();
    }

    // Channels never change once registered (no rename, no move to another party, no removal), so a found one is
    // kept: the newsroom and the public feeds look a channel up on every request.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ChannelInfo> _channels = new(StringComparer.Ordinal);

    /// <summary>One channel, or null.</summary>
    public async Task<ChannelInfo?> ChannelAsync(string code, CancellationToken cancellationToken = default)
    {
        if (_channels.TryGetValue(code, out var known))
        {
            return known;
        }

        var found = await ReadChannelAsync(code, cancellationToken);
        if (found is not null && _channels.Count < 100_000)
        {
            _channels[code] = found;
        }

        return found;
    }

    private async Task<ChannelInfo?> ReadChannelAsync(string code, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ChannelInfo>(new CommandDefinition(
            "SELECT code, name, access_party_id AS party_id, created_at FROM mc.channels WHERE code = @code", new { code },
            cancellationToken: cancellationToken));
    }

    /// <summary>The members of a channel with their roles.</summary>
    public async Task<IReadOnlyList<ChannelMember>> MembersAsync(string code, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var members = await connection.QueryAsync<ChannelMember>(new CommandDefinition("""
            SELECT u.id AS user_id, u.username, u.display_name, m.role, m.review_level
              FROM mc.channel_members m JOIN mc.users u ON u.id = m.user_id
             WHERE m.channel_code = @code ORDER BY u.username, m.role
            """, new { code }, cancellationToken: cancellationToken));
        return members.AsList();
    }

    private static void ValidateCode(string code, string what)
    {
        if (string.IsNullOrEmpty(code) || code.Length is < 2 or > 63 || !code.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-') || code[0] == '-')
        {
            throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("identity.codeInvalid", ("what", what)));
        }
    }

    private static void RequireName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
        {
            throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("identity.nameRequired", ("max", 200))
);
        }
    }
}
