using MediaCenter.Testing;
using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>
/// Debian's Chromium driven headless by Playwright (no browser download), plus PostgreSQL, one silo and
/// one client-web process for the pages under test.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private TestPostgres? _postgres;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The PostgreSQL server (a test that needs a deployment of its own makes a database on it).</summary>
    public TestPostgres Postgres => _postgres ?? throw new InvalidOperationException("The fixture has not started.");
    public Deployment Deployment { get; private set; } = null!;
    public TestProcess Web { get; private set; } = null!;

    /// <summary>The devices gateway (embedded broker) for simulated terminals.</summary>
    public TestProcess Gateway { get; private set; } = null!;

    /// <summary>The newsroom channel (of the access party <c>nr-party</c>) and its people: chief, editor, reviewers of levels 1–3.</summary>
    public const string NewsChannel = "nr-party-home";

    /// <summary>User ids of the newsroom people by user name (nr-chief, nr-editor, nr-reviewer1 … nr-reviewer3).</summary>
    public Dictionary<string, Guid> NewsPeople { get; } = [];

    /// <summary>Where screenshots go (tests/TestResults/screenshots), for a person to look at.</summary>
    public static string Screenshots { get; } = Path.Combine(Repo.Root, "tests", "TestResults", "screenshots");

    /// <summary>The host name of the fixture news site (intake tests), pinned to 127.0.0.1 for the outbound guard of both processes.</summary>
    public const string NewsHost = "news.browser.test";

    /// <summary>
    /// The outbound guard's test allow-list, as the intake integration tests set it: plain http and 127.0.0.1 only, and the fixture
    /// site's name pinned there. Nothing is fetched from anywhere else.
    /// </summary>
    internal static Dictionary<string, string> LoopbackAllowed() => new()
    {
        ["Outbound__AllowHttp"] = "true",
        ["Outbound__AllowedNetworks__0"] = "127.0.0.1/32",
        [$"Outbound__Hosts__{NewsHost}"] = "127.0.0.1",
    };

    public async Task InitializeAsync()
    {
        _postgres = await TestPostgres.StartAsync();
        Deployment = await _postgres.NewDeploymentAsync("ui");
        // Webhooks registered on the pages and the intake fixtures are on loopback: both processes allow it, nothing else.
        await Deployment.StartSiloAsync("silo-a", LoopbackAllowed());
        // Many people sign in from one address here (the newsroom tests alone sign in a dozen times); the limit
        // itself is tested in the integration tests.
        Web = await Deployment.StartWebAsync(settings: new Dictionary<string, string>(LoopbackAllowed())
        {
            ["Live__SystemStatusInterval"] = "00:00:00.5",
            ["Identity__SignInRatePerMinute"] = "1000",
        });
        await Deployment.Identity.PlatformUserAsync("operator1", "operator");
        await Deployment.Identity.PlatformUserAsync("auditor1", "auditor");
        await Deployment.Identity.PartyAsync("ui-party");
        await Deployment.Identity.PartyUserAsync("fleet-admin", "ui-party", "party-admin");
        await SeedNewsroomAsync();
        Gateway = await Deployment.StartGatewayAsync();

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("MEDIACENTER_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
            ],
        });
        Directory.CreateDirectory(Screenshots);
    }

    private async Task SeedNewsroomAsync()
    {
        var identity = Deployment.Identity;
        await identity.Directory.CreatePartyAsync("nr-party", "融媒体中心");
        await identity.Directory.CreateChannelAsync(NewsChannel, "融媒体中心·首页", "nr-party");
        foreach (var (name, role, level) in new (string, string, int?)[]
                 {
                     ("nr-chief", "chief", null), ("nr-editor", "editor", null),
                     ("nr-reviewer1", "reviewer", 1), ("nr-reviewer2", "reviewer", 2), ("nr-reviewer3", "reviewer", 3),
                 })
        {
            var id = await identity.PartyUserAsync(name, "nr-party", "party-member");
            await identity.Users.AddChannelRoleAsync(NewsChannel, id, role, level);
            NewsPeople[name] = id;
        }
    }

    /// <summary>Opens the shell and signs in (as the operator unless told), on the home page (the cockpit for platform staff).</summary>
    public async Task<IPage> SignedInPageAsync(IBrowserContext context, string username = "operator1")
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(Web.Http.ToString());
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", TestIdentity.Password);
        await page.ClickAsync("#sign-in-form button[type=submit]");
        await Assertions.Expect(page.Locator("#tabs")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 15_000 });
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (Deployment is not null)
        {
            await Deployment.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
