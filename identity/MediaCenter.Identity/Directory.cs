using Dapper;
using Npgsql;

namespace MediaCenter.Identity;

/// <summary>An access party (接入方).</summary>
public sealed record AccessParty(string Id, string Name, DateTimeOffset CreatedAt);

/// <summary>
/// A registered channel, its owning access party, the party's application (接入应用) it belongs to, and the language its feeds
/// are written in.
/// </summary>
public sealed record ChannelInfo(string Code, string Name, string PartyId, DateTimeOffset CreatedAt, string ApplicationCode, string FeedLanguage);

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
            // Every party has its default application from the start: channels and terminals named with no application belong to it.
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition("INSERT INTO mc.access_parties (id, name, created_at) VALUES (@id, @name, @now)",
                new { id, name = name.Trim(), now = time.GetUtcNow() }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO mc.applications (party_id, code, name, kind, state, version, created_at, updated_at)
                VALUES (@id, @code, @name, 'Web', 'Active', 0, @now, @now)
                """, new { id, code = DefaultApplication, name = name.Trim(), now = time.GetUtcNow() }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
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

    /// <summary>The code of every party's default application (see the applications' grain abstractions).</summary>
    public const string DefaultApplication = "default";

    /// <summary>
    /// Registers a channel owned by an access party, in one of its applications (its default one when none is named). The caller has
    /// asked the application whether it takes the channel; the foreign key refuses another party's application all the same.
    /// </summary>
    public async Task CreateChannelAsync(string code, string name, string partyId, string? applicationCode = null, CancellationToken cancellationToken = default,
        string? feedLanguage = null)
    {
        ValidateCode(code, Msg.Of("identity.channelCode"));
        RequireName(name);
        var language = FeedLanguage(feedLanguage);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO mc.channels (code, name, access_party_id, created_at, application_code, feed_language)
                VALUES (@code, @name, @party, @now, @application, @language)
                """,
                new { code, name = name.Trim(), party = partyId, now = time.GetUtcNow(), application = applicationCode ?? DefaultApplication, language },
                cancellationToken: cancellationToken));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new IdentityProblem(ProblemKind.Conflict, Msg.Of("identity.channelExists", ("channel", code)));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new IdentityProblem(ProblemKind.Invalid, ex.ConstraintName == "channels_application"
                ? Msg.Of("identity.noSuchApplication", ("application", applicationCode))
                : Msg.Of("identity.noSuchParty", ("party", partyId)));
        }
    }

    /// <summary>Channels, all or of one access party (and of one of its applications).</summary>
    public async Task<IReadOnlyList<ChannelInfo>> ChannelsAsync(string? partyId, CancellationToken cancellationToken = default, string? applicationCode = null)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var channels = await connection.QueryAsync<ChannelInfo>(new CommandDefinition("""
            SELECT code, name, access_party_id AS party_id, created_at, application_code, feed_language FROM mc.channels
             WHERE (@application::text IS NULL OR application_code = @application) AND (@party::text IS NULL OR access_party_id = @party) ORDER BY code
            """, new { party = partyId, application = applicationCode }, cancellationToken: cancellationToken));
        return channels.AsList();
    }

    // A channel's party never changes once registered (no move to another party, no removal), so a found one is kept for
    // the party checks: the newsroom and the public feeds look a channel up on every request. Its application can change:
    // ChannelFreshAsync reads it.
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

    /// <summary>One channel as stored now (its application included), or null.</summary>
    public Task<ChannelInfo?> ChannelFreshAsync(string code, CancellationToken cancellationToken = default) => ReadChannelAsync(code, cancellationToken);

    /// <summary>
    /// Moves a channel to another application of its own party (the caller has asked the application whether it takes it; the foreign
    /// key refuses another party's all the same). Answers false when there is no such channel.
    /// </summary>
    public async Task<bool> MoveChannelAsync(string code, string applicationCode, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        try
        {
            return await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE mc.channels SET application_code = @applicationCode WHERE code = @code", new { code, applicationCode },
                cancellationToken: cancellationToken)) == 1;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("identity.noSuchApplication", ("application", applicationCode)));
        }
    }

    /// <summary>Sets the language a channel's feeds are written in. Answers false when there is no such channel.</summary>
    public async Task<bool> SetFeedLanguageAsync(string code, string? language, CancellationToken cancellationToken = default)
    {
        var checkedLanguage = FeedLanguage(language);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE mc.channels SET feed_language = @language WHERE code = @code", new { code, language = checkedLanguage },
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>A feed language of <see cref="Languages.All"/> (none: Chinese), or a refusal naming the ones there are.</summary>
    private static string FeedLanguage(string? language)
    {
        var chosen = string.IsNullOrWhiteSpace(language) ? Languages.Chinese : language.Trim();
        return Languages.All.Contains(chosen, StringComparer.Ordinal) ? chosen
            : throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("identity.feedLanguage", ("language", chosen), ("allowed", Msg.List(Languages.All))));
    }

    private async Task<ChannelInfo?> ReadChannelAsync(string code, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ChannelInfo>(new CommandDefinition(
            "SELECT code, name, access_party_id AS party_id, created_at, application_code, feed_language FROM mc.channels WHERE code = @code", new { code },
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
