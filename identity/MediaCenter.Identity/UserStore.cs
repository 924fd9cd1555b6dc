using Dapper;
using Npgsql;

namespace MediaCenter.Identity;

/// <summary>A new account.</summary>
public sealed record NewUser(
    string Username,
    string DisplayName,
    string Password,
    string? PartyId = null,
    string? PartyRole = null,
    IReadOnlyList<string>? PlatformRoles = null,
    PersonalData? Personal = null,
    bool MustChangePassword = false);

/// <summary>Personal fields of a person (all optional).</summary>
public sealed record PersonalData(string? Phone, string? Email, string? NationalId);

/// <summary>An account as lists show it: personal data masked.</summary>
public sealed record UserSummary(
    Guid Id,
    string Username,
    string DisplayName,
    string? PartyId,
    string? PartyRole,
    IReadOnlyList<string> PlatformRoles,
    string? Phone,
    string? Email,
    string? NationalId,
    bool Locked,
    bool Disabled,
    DateTimeOffset CreatedAt);

/// <summary>What sign-in needs to know about an account.</summary>
public sealed record SignInRecord(Guid Id, string Username, string PasswordHash, DateTimeOffset? LockedUntil, bool Disabled);

/// <summary>Accounts in PostgreSQL (mc.users, mc.channel_members).</summary>
public sealed class UserStore(NpgsqlDataSource db, PersonalDataProtector personal, TimeProvider time)
{
    private const string SummaryColumns = """
        id, username, display_name, access_party_id, party_role, platform_roles, phone_masked, email_masked,
        national_id_masked, locked_until, disabled, created_at
        """;

    /// <summary>Creates an account; refuses weak passwords, unknown roles and taken user names.</summary>
    public async Task<Guid> CreateAsync(NewUser user, CancellationToken cancellationToken = default)
    {
        ValidateUsername(user.Username);
        if (string.IsNullOrWhiteSpace(user.DisplayName))
        {
            throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("identity.displayNameRequired"));
        }

        var problems = Passwords.Check(user.Password, user.Username);
        if (problems.Count > 0)
        {
            throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("identity.passwordPolicy"), problems);
        }

        var roles = user.PlatformRoles ?? [];
        if (roles.Except(Identity.PlatformRoles.All).FirstOrDefault() is { } unknown)
        {
            throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("identity.unknownPlatformRole", ("role", unknown)));
        }

        if ((user.PartyId is null) != (user.PartyRole is null) || (user.PartyRole is not null && !PartyRoles.All.Contains(user.PartyRole)))
        {
            throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("identity.partyMemberNeedsRole"));
        }

        if (user.PartyId is not null && roles.Count > 0)
        {
            throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("identity.partyUserPlatformRole"));
        }

        var id = Guid.CreateVersion7();
        var phone = Personal(user.Personal?.Phone, Masking.Phone);
        var email = Personal(user.Personal?.Email, Masking.Email);
        var nid = Personal(user.Personal?.NationalId, Masking.NationalId);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var insert = new CommandDefinition("""
            INSERT INTO mc.users (id, username, display_name, password_hash, security_stamp, access_party_id, party_role,
                platform_roles, must_change_password, phone_protected, phone_masked, email_protected, email_masked,
                national_id_protected, national_id_masked, created_at, password_changed_at)
            VALUES (@id, @username, @display, @hash, @stamp, @party, @partyRole, @roles, @mustChange,
                @phone, @phoneMasked, @email, @emailMasked, @nid, @nidMasked, @now, @now)
            """, new
        {
            id,
            username = user.Username.Trim(),
            display = user.DisplayName.Trim(),
            hash = Passwords.Hash(user.Password),
            stamp = Guid.NewGuid().ToString("N"),
            party = user.PartyId,
            partyRole = user.PartyRole,
            roles = roles.ToArray(),
            mustChange = user.MustChangePassword,
            phone = phone.Protected,
            phoneMasked = phone.Masked,
            email = email.Protected,
            emailMasked = email.Masked,
            nid = nid.Protected,
            nidMasked = nid.Masked,
            now = time.GetUtcNow(),
        }, cancellationToken: cancellationToken);
        try
        {
            await connection.ExecuteAsync(insert);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new IdentityProblem(ProblemKind.Conflict, Msg.Of("identity.usernameTaken", ("username", user.Username)));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("identity.noSuchParty", ("party", user.PartyId)));
        }

        return id;
    }

    /// <summary>How many accounts exist.</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM mc.users", cancellationToken: cancellationToken));
    }

    /// <summary>The account a sign-in names, or null.</summary>
    public async Task<SignInRecord?> FindForSignInAsync(string username, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<SignInRow>(new CommandDefinition(
            "SELECT id, username, password_hash, locked_until, disabled FROM mc.users WHERE lower(username) = lower(@u)",
            new { u = username.Trim() }, cancellationToken: cancellationToken));
        return row is null ? null : new SignInRecord(row.Id, row.Username, row.PasswordHash, row.LockedUntil, row.Disabled);
    }

    /// <summary>Counts a failed sign-in; locks the account when the threshold is reached. Returns the lock end, if locked now.</summary>
    public async Task<DateTimeOffset?> RegisterFailureAsync(Guid id, int threshold, TimeSpan lockout, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<DateTimeOffset?>(new CommandDefinition("""
            UPDATE mc.users
               SET locked_until = CASE WHEN failed_sign_ins + 1 >= @threshold THEN @until ELSE locked_until END,
                   failed_sign_ins = CASE WHEN failed_sign_ins + 1 >= @threshold THEN 0 ELSE failed_sign_ins + 1 END
             WHERE id = @id
            RETURNING locked_until
            """, new { id, threshold, until = time.GetUtcNow() + lockout }, cancellationToken: cancellationToken));
    }

    /// <summary>Clears the failure count after a successful sign-in.</summary>
    public async Task RegisterSuccessAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE mc.users SET failed_sign_ins = 0, locked_until = NULL WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>The caller as authorization sees them, or null when the account is gone or disabled.</summary>
    public async Task<CurrentUser?> LoadCurrentAsync(Guid id, CancellationToken cancellationToken = default)
    {
        // One round trip: the account and its channel roles.
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition("""
            SELECT id, username, display_name, access_party_id, party_role, platform_roles, must_change_password
              FROM mc.users WHERE id = @id AND NOT disabled;
            SELECT channel_code, role, review_level FROM mc.channel_members WHERE user_id = @id ORDER BY 1, 2
            """, new { id }, cancellationToken: cancellationToken));
        var user = await results.ReadSingleOrDefaultAsync<CurrentUserRow>();
        if (user is null)
        {
            return null;
        }

        var memberships = (await results.ReadAsync<MembershipRow>()).Select(m => new ChannelMembership(m.ChannelCode, m.Role, m.ReviewLevel)).ToList();
        return new CurrentUser(user.Id, user.Username, user.DisplayName, user.AccessPartyId, user.PartyRole, user.PlatformRoles, memberships,
            user.MustChangePassword);
    }

    /// <summary>
    /// Changes a password after checking the current one. Every other session and token of the account ends; the one that made the
    /// change (<paramref name="keepSession"/>) goes on. Returns how many were ended.
    /// </summary>
    public async Task<int> ChangePasswordAsync(Guid id, string current, string replacement, Guid? keepSession = null, CancellationToken cancellationToken = default)
    {
        // Dapper opens the connection for the read and closes it again: the password change opens its own.
        await using var connection = db.CreateConnection();
        var account = await connection.QuerySingleOrDefaultAsync<PasswordRow>(new CommandDefinition(
            "SELECT username, password_hash FROM mc.users WHERE id = @id", new { id }, cancellationToken: cancellationToken))
            ?? throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("identity.noSuchUser"));
        var (username, hash) = (account.Username, account.PasswordHash);
        if (!Passwords.Verify(hash, current))
        {
            throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("identity.currentPasswordWrong"));
        }

        return await SetPasswordAsync(id, username, replacement, mustChange: false, keepSession, cancellationToken);
    }

    /// <summary>
    /// Sets a new password chosen by an administrator; the user must change it at next sign-in, and every session and token of the
    /// account ends. Returns how many were ended.
    /// </summary>
    public async Task<int> ResetPasswordAsync(Guid id, string replacement, CancellationToken cancellationToken = default)
    {
        await using var connection = db.CreateConnection();
        var username = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT username FROM mc.users WHERE id = @id", new { id }, cancellationToken: cancellationToken))
            ?? throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("identity.noSuchUser"));
        return await SetPasswordAsync(id, username, replacement, mustChange: true, keepSession: null, cancellationToken);
    }

    /// <summary>
    /// Disables or enables an account. Disabling ends every session and token (enabling brings none back). False when there is no such
    /// account; otherwise how many sessions ended.
    /// </summary>
    public async Task<int?> SetDisabledAsync(Guid id, bool disabled, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE mc.users SET disabled = @disabled WHERE id = @id", new { id, disabled }, transaction, cancellationToken: cancellationToken)) == 0)
        {
            return null;
        }

        var revoked = disabled ? await NewStampAsync(connection, transaction, id, keepSession: null, cancellationToken) : 0;
        await transaction.CommitAsync(cancellationToken);
        return revoked;
    }

    /// <summary>Accounts, optionally of one access party, personal data masked.</summary>
    public async Task<IReadOnlyList<UserSummary>> ListAsync(string? partyId, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<SummaryRow>(new CommandDefinition($"""
            SELECT {SummaryColumns} FROM mc.users
             WHERE @party::text IS NULL OR access_party_id = @party
             ORDER BY username
            """, new { party = partyId }, cancellationToken: cancellationToken));
        return rows.Select(Summary).ToList();
    }

    /// <summary>One account, personal data masked, or null.</summary>
    public async Task<UserSummary?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<SummaryRow>(new CommandDefinition(
            $"SELECT {SummaryColumns} FROM mc.users WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return row is null ? null : Summary(row);
    }

    /// <summary>The full personal data of an account (decrypted). Callers audit every use.</summary>
    public async Task<PersonalData?> GetPersonalDataAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ProtectedRow>(new CommandDefinition(
            "SELECT phone_protected, email_protected, national_id_protected FROM mc.users WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        string? Open(string? value) => value is null ? null : personal.Unprotect(value);
        return new PersonalData(Open(row.PhoneProtected), Open(row.EmailProtected), Open(row.NationalIdProtected));
    }

    /// <summary>Irreversibly removes an account's personal data (deletion on request).</summary>
    public async Task<bool> ErasePersonalDataAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE mc.users
               SET phone_protected = NULL, phone_masked = NULL, email_protected = NULL, email_masked = NULL,
                   national_id_protected = NULL, national_id_masked = NULL, personal_data_erased_at = @now
             WHERE id = @id
            """, new { id, now = time.GetUtcNow() }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Gives a user a role in a channel (reviewers with a level 1–3).</summary>
    public async Task AddChannelRoleAsync(string channel, Guid userId, string role, int? reviewLevel, CancellationToken cancellationToken = default)
    {
        if (!ChannelRoles.All.Contains(role))
        {
            throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("identity.unknownChannelRole", ("role", role)));
        }

        if ((role == ChannelRoles.Reviewer) != (reviewLevel is not null) || reviewLevel is < 1 or > 3)
        {
            throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("identity.reviewLevel"));
        }

        // A role given or taken away (or a review level changed) ends the person's sessions: they sign in again with what they now hold.
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var grant = new CommandDefinition("""
            INSERT INTO mc.channel_members (channel_code, user_id, role, review_level) VALUES (@c, @u, @r, @l)
            ON CONFLICT (channel_code, user_id, role) DO UPDATE SET review_level = EXCLUDED.review_level
             WHERE channel_members.review_level IS DISTINCT FROM EXCLUDED.review_level
            """, new { c = channel, u = userId, r = role, l = reviewLevel }, transaction, cancellationToken: cancellationToken);
        try
        {
            if (await connection.ExecuteAsync(grant) > 0)
            {
                await NewStampAsync(connection, transaction, userId, keepSession: null, cancellationToken);
            }
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("identity.noSuchChannelOrUser"));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Removes a user's role in a channel (ending their sessions); false when they did not hold it.</summary>
    public async Task<bool> RemoveChannelRoleAsync(string channel, Guid userId, string role, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM mc.channel_members WHERE channel_code = @c AND user_id = @u AND role = @r", new { c = channel, u = userId, r = role }, transaction,
            cancellationToken: cancellationToken)) == 0)
        {
            return false;
        }

        await NewStampAsync(connection, transaction, userId, keepSession: null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Gives the account a new security stamp inside the caller's transaction: the kept session (if any) is carried over to it, every
    /// other active session and token is revoked. Returns how many were revoked.
    /// </summary>
    private async Task<int> NewStampAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid userId, Guid? keepSession,
        CancellationToken cancellationToken)
    {
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition("""
            WITH stamped AS (UPDATE mc.users SET security_stamp = @stamp WHERE id = @id),
                 kept AS (UPDATE mc.api_tokens SET security_stamp = @stamp WHERE id = @keep AND user_id = @id),
                 revoked AS (UPDATE mc.api_tokens SET revoked_at = @now
                              WHERE user_id = @id AND revoked_at IS NULL AND expires_at > @now AND id IS DISTINCT FROM @keep RETURNING 1)
            SELECT count(*)::int FROM revoked
            """, new { id = userId, stamp = Guid.NewGuid().ToString("N"), keep = keepSession, now = time.GetUtcNow() }, transaction,
            cancellationToken: cancellationToken));
    }

    private async Task<int> SetPasswordAsync(Guid id, string username, string password, bool mustChange, Guid? keepSession, CancellationToken cancellationToken)
    {
        var problems = Passwords.Check(password, username);
        if (problems.Count > 0)
        {
            throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("identity.passwordPolicy"), problems);
        }

        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE mc.users
               SET password_hash = @hash, must_change_password = @mustChange,
                   password_changed_at = @now, failed_sign_ins = 0, locked_until = NULL
             WHERE id = @id
            """, new { id, hash = Passwords.Hash(password), mustChange, now = time.GetUtcNow() }, transaction, cancellationToken: cancellationToken));
        var revoked = await NewStampAsync(connection, transaction, id, keepSession, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return revoked;
    }

    /// <summary>A personal field as stored: encrypted, and masked for lists; both null when it is empty.</summary>
    private (string? Protected, string? Masked) Personal(string? value, Func<string, string> mask) =>
        string.IsNullOrWhiteSpace(value) ? (null, null) : (personal.Protect(value.Trim()), mask(value.Trim()));

    private UserSummary Summary(SummaryRow r) =>
        new(r.Id, r.Username, r.DisplayName, r.AccessPartyId, r.PartyRole, r.PlatformRoles, r.PhoneMasked, r.EmailMasked, r.NationalIdMasked,
            r.LockedUntil > time.GetUtcNow(), r.Disabled, r.CreatedAt);

    private static void ValidateUsername(string username)
    {
        var value = username.Trim();
        if (value.Length is < 3 or > 64 || !value.All(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' or '@'))
        {
            throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("identity.usernameInvalid")
);
        }
    }

    private sealed record SignInRow
    {
        public required Guid Id { get; init; }

        public required string Username { get; init; }

        public required string PasswordHash { get; init; }

        public DateTimeOffset? LockedUntil { get; init; }

        public required bool Disabled { get; init; }
    }

    private sealed record PasswordRow
    {
        public required string Username { get; init; }

        public required string PasswordHash { get; init; }
    }

    /// <summary>The columns every account query reads.</summary>
    private abstract record AccountRow
    {
        public required Guid Id { get; init; }

        public required string Username { get; init; }

        public required string DisplayName { get; init; }

        public string? AccessPartyId { get; init; }

        public string? PartyRole { get; init; }

        public required string[] PlatformRoles { get; init; }
    }

    private sealed record CurrentUserRow : AccountRow
    {
        public required bool MustChangePassword { get; init; }
    }

    private sealed record MembershipRow
    {
        public required string ChannelCode { get; init; }

        public required string Role { get; init; }

        public int? ReviewLevel { get; init; }
    }

    private sealed record SummaryRow : AccountRow
    {
        public string? PhoneMasked { get; init; }

        public string? EmailMasked { get; init; }

        public string? NationalIdMasked { get; init; }

        public DateTimeOffset? LockedUntil { get; init; }

        public required bool Disabled { get; init; }

        public required DateTimeOffset CreatedAt { get; init; }
    }

    private sealed record ProtectedRow
    {
        public string? PhoneProtected { get; init; }

        public string? EmailProtected { get; init; }

        public string? NationalIdProtected { get; init; }
    }
}
