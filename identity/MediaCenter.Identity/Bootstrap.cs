namespace MediaCenter.Identity;

/// <summary>An account created by <see cref="Bootstrap"/>, with the password to show once.</summary>
public sealed record SeededAccount(string Username, string Role, string? Password);

/// <summary>First-run administrator and demonstration accounts. There is never a default password.</summary>
public static class Bootstrap
{
    /// <summary>The bootstrap administrator's user name.</summary>
    public const string AdminUsername = "admin";

    /// <summary>
    /// Creates the platform administrator when no account exists. The password is the given one, or a
    /// generated one that must be changed at first sign-in. Returns null when accounts already exist.
    /// </summary>
    public static async Task<SeededAccount?> EnsureAdminAsync(UserStore users, string? password, CancellationToken cancellationToken = default)
    {
        if (await users.CountAsync(cancellationToken) > 0)
        {
            return null;
        }

        var generated = string.IsNullOrEmpty(password);
        var actual = generated ? Passwords.Generate() : password!;
        await users.CreateAsync(new NewUser(AdminUsername, "平台管理员", actual, PlatformRoles: [PlatformRoles.Admin], MustChangePassword: generated),
            cancellationToken);
        return new SeededAccount(AdminUsername, PlatformRoles.Admin, generated ? actual : null);
    }

    /// <summary>
    /// The account the demonstration simulator signs in with: created on first use, and given a new
    /// generated password every time (never shown; the launcher hands it to the simulator directly).
    /// </summary>
    public static async Task<(string Username, string Password)> SimulatorAccountAsync(UserStore users, string party, CancellationToken cancellationToken = default)
    {
        const string username = "demo-simulator";
        var password = Passwords.Generate();
        if (await users.FindForSignInAsync(username, cancellationToken) is { } existing)
        {
            await users.ResetPasswordAsync(existing.Id, password, cancellationToken);
        }
        else
        {
            await users.CreateAsync(new NewUser(username, "终端模拟器", password, party, PartyRoles.Admin), cancellationToken);
        }

        return (username, password);
    }

    /// <summary>The demonstration party's newsroom channels (the first is created with the party).</summary>
    public static IReadOnlyList<(string Code, string Name)> NewsroomChannels { get; } =
        [("demo-news-home", "演示融媒体中心·首页"), ("demo-news-gov", "演示融媒体中心·政务"), ("demo-news-life", "演示融媒体中心·民生")];

    /// <summary>
    /// Demonstration data: two access parties with a channel each, and one account per role, all with
    /// one generated password. Accounts that exist already are left alone. Returns what was created.
    /// </summary>
    public static async Task<(IReadOnlyList<SeededAccount> Accounts, string Password)> SeedDemoAsync(
        UserStore users, PartyDirectory directory, CancellationToken cancellationToken = default)
    {
        var password = Passwords.Generate();
        var parties = await directory.PartiesAsync(null, cancellationToken);
        foreach (var (id, name) in new[] { ("demo-news", "演示融媒体中心"), ("demo-culture", "演示文化馆") })
        {
            if (parties.All(p => p.Id != id))
            {
                await directory.CreatePartyAsync(id, name, cancellationToken);
                await directory.CreateChannelAsync(id + "-home", name + "·首页", id, cancellationToken: cancellationToken);
            }
        }

        var channels = await directory.ChannelsAsync("demo-news", cancellationToken);
        foreach (var (code, name) in NewsroomChannels.Skip(1))
        {
            if (channels.All(c => c.Code != code))
            {
                await directory.CreateChannelAsync(code, name, "demo-news", cancellationToken: cancellationToken);
            }
        }

        var plan = new (string User, string Display, string Role, string? Party, string? PartyRole, string[] Platform, (string Channel, string Role, int? Level)? Channel)[]
        {
            ("demo-operator", "运营值班员", PlatformRoles.Operator, null, null, [PlatformRoles.Operator], null),
            ("demo-management", "管理方联络人", PlatformRoles.Management, null, null, [PlatformRoles.Management], null),
            ("demo-auditor", "审计员", PlatformRoles.Auditor, null, null, [PlatformRoles.Auditor], null),
            ("demo-party-admin", "接入方管理员", PartyRoles.Admin, "demo-news", PartyRoles.Admin, [], null),
            ("demo-chief", "频道负责人", ChannelRoles.Chief, "demo-news", PartyRoles.Member, [], ("demo-news-home", ChannelRoles.Chief, null)),
            ("demo-editor", "编辑", ChannelRoles.Editor, "demo-news", PartyRoles.Member, [], ("demo-news-home", ChannelRoles.Editor, null)),
            ("demo-reviewer1", "初审", ChannelRoles.Reviewer + " 1", "demo-news", PartyRoles.Member, [], ("demo-news-home", ChannelRoles.Reviewer, 1)),
            ("demo-reviewer2", "复审", ChannelRoles.Reviewer + " 2", "demo-news", PartyRoles.Member, [], ("demo-news-home", ChannelRoles.Reviewer, 2)),
            ("demo-reviewer3", "终审", ChannelRoles.Reviewer + " 3", "demo-news", PartyRoles.Member, [], ("demo-news-home", ChannelRoles.Reviewer, 3)),
            ("demo-other-admin", "另一接入方管理员", PartyRoles.Admin, "demo-culture", PartyRoles.Admin, [], null),
        };

        var created = new List<SeededAccount>();
        foreach (var p in plan)
        {
            if (await users.FindForSignInAsync(p.User, cancellationToken) is not null)
            {
                continue;
            }

            var id = await users.CreateAsync(new NewUser(p.User, p.Display, password, p.Party, p.PartyRole, p.Platform), cancellationToken);
            if (p.Channel is { } c)
            {
                // The newsroom staff hold their role in every demonstration channel of their party.
                foreach (var (code, _) in NewsroomChannels)
                {
                    await users.AddChannelRoleAsync(code, id, c.Role, c.Level, cancellationToken);
                }
            }

            created.Add(new SeededAccount(p.User, p.Role, password));
        }

        return (created, password);
    }
}
