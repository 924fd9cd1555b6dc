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
    public Deployment Deployment { get; private set; } = null!;
    public TestProcess Web { get; private set; } = null!;

    /// <summary>The devices gateway (embedded broker) for simulated terminals.</summary>
    public TestProcess Gateway { get; private set; } = null!;

    /// <summary>Where screenshots go (tests/TestResults/screenshots), for a person to look at.</summary>
    public static string Screenshots { get; } = Path.Combine(Repo.Root, "tests", "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        _postgres = await TestPostgres.StartAsync();
        Deployment = new Deployment(await _postgres.CreateMigratedDatabaseAsync("ui"));
        await Deployment.StartSiloAsync("silo-a");
        Web = await Deployment.StartWebAsync(settings: new Dictionary<string, string> { ["Live__SystemStatusInterval"] = "00:00:00.5" });
        await Deployment.Identity.PlatformUserAsync("operator1", "operator");
        await Deployment.Identity.PlatformUserAsync("auditor1", "auditor");
        await Deployment.Identity.PartyAsync("ui-party");
        await Deployment.Identity.PartyUserAsync("fleet-admin", "ui-party", "party-admin");
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

    /// <summary>Opens the shell and signs in as the operator.</summary>
    public async Task<IPage> SignedInPageAsync(IBrowserContext context, string username = "operator1")
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(Web.Http.ToString());
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", TestIdentity.Password);
        await page.ClickAsync("#sign-in-form button[type=submit]");
        await Assertions.Expect(page.Locator("#system")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 15_000 });
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
