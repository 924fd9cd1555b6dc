using MediaCenter.Simulator;
using MediaCenter.Testing;
using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>The ops board follows a simulated terminal over real MQTT, live, without a reload.</summary>
[Collection(BrowserCollection.Name)]
public sealed class OpsBoardTests(BrowserFixture fixture)
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Soon = new() { Timeout = 20_000 };

    [Fact]
    public async Task The_ops_board_shows_a_simulated_terminal_go_offline_and_come_back()
    {
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "zh-CN" });
        var page = await fixture.SignedInPageAsync(context);
        var plan = new SimulationPlan(1, TimeSpan.FromSeconds(1), "ui-party", "ui-sim", "西区", 0, TimeSpan.Zero, 0, 0, 0, null);

        using var run = new CancellationTokenSource();
        var fleet = StartFleet(plan, run.Token);
        await page.ClickAsync(".tab[data-view=fleet]");
        var row = page.Locator("#fleet-rows tr[data-terminal='ui-sim-0001']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-health", "Online", Soon);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "fleet-online.png"), FullPage = true });

        // The terminal goes away: the same page shows it offline (no reload).
        await run.CancelAsync();
        await fleet;
        await Assertions.Expect(row).ToHaveAttributeAsync("data-health", "Offline", Soon);
        // The count follows the rows (other tests of this deployment leave their own terminals offline).
        await Assertions.Expect(page.Locator("#count-Offline")).ToHaveTextAsync(
            (await page.Locator("#fleet-rows tr[data-health=Offline]").CountAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Why, in the page's language: the server sends a reason code (missed-heartbeats, disconnected), never shown as such.
        await Assertions.Expect(page.Locator("#fleet-alerts li[data-terminal='ui-sim-0001']").First).ToContainTextAsync(
            new System.Text.RegularExpressions.Regex(@"离线 \((心跳超时|连接断开)\)"), new LocatorAssertionsToContainTextOptions { Timeout = 10_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "fleet-offline.png"), FullPage = true });

        // And comes back.
        using var again = new CancellationTokenSource();
        var back = StartFleet(plan, again.Token);
        await Assertions.Expect(row).ToHaveAttributeAsync("data-health", "Online", Soon);
        await Assertions.Expect(page.Locator("#fleet-alerts li.recovered[data-terminal='ui-sim-0001']").First).ToContainTextAsync("恢复 (收到心跳)",
            new LocatorAssertionsToContainTextOptions { Timeout = 10_000 });
        await row.ClickAsync();
        await Assertions.Expect(page.Locator("#terminal-detail")).ToContainTextAsync("ui-sim-0001");
        // Telemetry history is drawn as a chart (ECharts renders into a canvas).
        await Assertions.Expect(page.Locator("#telemetry-chart canvas")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 15_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "terminal-detail.png"), FullPage = true });
        await again.CancelAsync();
        await back;
    }

    /// <summary>
    /// A terminal comes back while the board reloads its snapshot: the snapshot was read before the change and arrives after
    /// it. The board keeps the newer health instead of going back to the snapshot's (it used to stay "Offline" until the next change).
    /// </summary>
    [Fact]
    public async Task A_change_pushed_while_the_snapshot_loads_is_not_undone_by_the_older_snapshot()
    {
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "zh-CN" });
        var page = await fixture.SignedInPageAsync(context);
        var plan = new SimulationPlan(1, TimeSpan.FromSeconds(1), "ui-party", "ui-race", "北区", 0, TimeSpan.Zero, 0, 0, 0, null);
        var row = page.Locator("#fleet-rows tr[data-terminal='ui-race-0001']");

        using var run = new CancellationTokenSource();
        var fleet = StartFleet(plan, run.Token);
        await page.ClickAsync(".tab[data-view=fleet]");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-health", "Online", Soon);
        await run.CancelAsync();
        await fleet;
        await Assertions.Expect(row).ToHaveAttributeAsync("data-health", "Offline", Soon);

        // The next snapshot is read now (the terminal offline) and held until the terminal's return has been pushed.
        var read = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/api/terminals", async route =>
        {
            var response = await route.FetchAsync();
            read.TrySetResult();
            await release.Task;
            await route.FulfillAsync(new RouteFulfillOptions { Response = response });
        });
        using var again = new CancellationTokenSource();
        Task? back = null;
        try
        {
            await page.ClickAsync(".tab[data-view=incidents]");
            await page.ClickAsync(".tab[data-view=fleet]");
            await read.Task.WaitAsync(TimeSpan.FromSeconds(20));
            var snapshots = await page.Locator("#fleet-rows").GetAttributeAsync("data-snapshots") ?? "";

            back = StartFleet(plan, again.Token);
            await Assertions.Expect(row).ToHaveAttributeAsync("data-health", "Online", Soon);
            release.SetResult();
            await Assertions.Expect(page.Locator("#fleet-rows")).Not.ToHaveAttributeAsync("data-snapshots", snapshots, Soon);
            Assert.Equal("Online", await row.GetAttributeAsync("data-health"));
        }
        finally
        {
            release.TrySetResult();
            await again.CancelAsync();
            if (back is not null)
            {
                await back;
            }

            await page.UnrouteAllAsync();
        }
    }

    [Fact]
    public async Task An_operator_runs_the_daily_patrol_from_the_system_page()
    {
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "zh-CN" });
        var page = await fixture.SignedInPageAsync(context);

        await page.ClickAsync(".tab[data-view=system]");
        await page.ClickAsync("#patrol-run");

        await Assertions.Expect(page.Locator("#patrol-checks li[data-check=database]")).ToHaveClassAsync("ok",
            new LocatorAssertionsToHaveClassOptions { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("#patrol-checks li[data-check=silos]")).ToContainTextAsync("正常");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.Screenshots, "patrol-zh.png"), FullPage = true });
    }

    private Task StartFleet(SimulationPlan plan, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        using var http = new HttpClient { BaseAddress = fixture.Web.Http };
        var simulator = new TerminalSimulator(http, "127.0.0.1", int.Parse(fixture.Gateway["Mqtt__Port"]), TextWriter.Null);
        await simulator.SignInAsync("fleet-admin", TestIdentity.Password, CancellationToken.None);
        await simulator.RunAsync(plan, cancellationToken);
    });
}
