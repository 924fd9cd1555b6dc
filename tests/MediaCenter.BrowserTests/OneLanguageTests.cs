using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Testing;
using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>
/// One language at a time, on every page: in English no interface text is Chinese, in Chinese no label is the
/// English one, whether the browser wrote it or the server did (refusals, incident titles, notifications). Runs on a
/// deployment of its own whose people's data (party, channel, titles, names) is all Latin, so any Chinese seen in
/// English is interface text; each page is also checked by axe-core (WCAG 2.1 A/AA) for serious violations.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OneLanguageTests(BrowserFixture fixture) : IAsyncLifetime
{
    private const string Party = "riverside";
    private const string Channel = "riverside-home";
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>The pages (by address) an administrator can open; each is read after it has loaded.</summary>
    private static readonly string[] Pages =
    [
        "/cockpit", "/system", "/terminals", "/audit", "/newsroom/" + Channel, "/incidents", "/ops", "/ops/plans", "/ops/campaigns",
        "/people", "/indicators", "/tickets", "/supervision", "/evaluations",
    ];

    private Deployment _deployment = null!;
    private TestProcess _web = null!;
    private string _incident = "";

    public async Task InitializeAsync()
    {
        _deployment = await fixture.Postgres.NewDeploymentAsync("lang");
        await _deployment.StartSiloAsync("lang-silo");
        _web = await _deployment.StartWebAsync("lang-web", new Dictionary<string, string> { ["Identity__SignInRatePerMinute"] = "1000" });
        var identity = _deployment.Identity;
        await identity.PlatformUserAsync("lang-admin", "admin", "operator");
        await identity.Directory.CreatePartyAsync(Party, "Riverside Media");
        await identity.Directory.CreateChannelAsync(Channel, "Riverside Home", Party);
        var editor = await identity.PartyUserAsync("riverside-editor", Party, "party-admin");
        await identity.Users.AddChannelRoleAsync(Channel, editor, "chief", null);
        await identity.Users.AddChannelRoleAsync(Channel, editor, "editor", null);

        // Server texts on the pages: an incident (its notification), a pitch, and a refused move.
        using var http = await TestIdentity.SignInAsync(_web.Http, "riverside-editor");
        _incident = (await PostAsync(http, "/api/v1/incidents", new { title = "Pump room flooded", detail = "Water on the floor", severity = "P2" }))
            .GetProperty("id").GetString()!;
        await PostAsync(http, $"/api/v1/channels/{Channel}/pitches", new { title = "Budget day", angle = "What the budget means" });
    }

    public async Task DisposeAsync() => await _deployment.DisposeAsync();

    [Fact]
    public async Task In_English_no_page_shows_Chinese_and_in_Chinese_no_page_shows_an_English_label()
    {
        var found = new List<string>();
        foreach (var language in new[] { "en", "zh-CN" })
        {
            await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
            {
                Locale = language,
                ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
            });
            await context.AddInitScriptAsync($"localStorage.setItem('mc.lang', '{language}');");
            var page = await context.NewPageAsync();
            await SignInAsync(page);
            foreach (var path in Pages.Append("/incidents/" + _incident))
            {
                await OpenAsync(page, path);
                var texts = await page.EvaluateAsync<string[]>(ReadTexts);
                if (language == "en")
                {
                    found.AddRange(texts.Where(t => t.Any(IsChinese)).Select(t => $"en {path}: {t}"));
                }
                else
                {
                    var english = await EnglishOnlyLabelsAsync(page);
                    found.AddRange(texts.Where(t => english.Contains(t.Split(" ⟨")[0])).Select(t => $"zh {path}: {t}"));
                }
            }
        }

        Assert.True(found.Count == 0, "Interface text in the other language:\n" + string.Join("\n", found.Distinct().Take(80)));
    }

    [Fact]
    public async Task Every_page_passes_the_accessibility_check_without_serious_violations()
    {
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = "zh-CN",
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
            // The page's policy allows its own scripts only; the checker is the test's, added from outside.
            BypassCSP = true,
        });
        var page = await context.NewPageAsync();
        await SignInAsync(page);
        var found = new List<string>();
        foreach (var path in Pages.Append("/incidents/" + _incident))
        {
            await OpenAsync(page, path);
            var violations = await AccessibilityCheck.SeriousViolationsAsync(page);
            found.AddRange(violations.Select(v => path + ": " + v));
        }

        Assert.True(found.Count == 0, "Serious accessibility violations:\n" + string.Join("\n", found));
    }

    private async Task SignInAsync(IPage page)
    {
        await page.GotoAsync(_web.Http.ToString());
        await page.FillAsync("#username", "lang-admin");
        await page.FillAsync("#password", TestIdentity.Password);
        await page.ClickAsync("#sign-in-form button[type=submit]");
        await Assertions.Expect(page.Locator("#tabs")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 20_000 });
    }

    /// <summary>Opens a page by its address and waits until it has read what it shows.</summary>
    private async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(new Uri(_web.Http, path).ToString());
        await Assertions.Expect(page.Locator("#tabs")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 20_000 });
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle, new PageWaitForLoadStateOptions { Timeout = 20_000 });
    }

    /// <summary>The browser's labels whose English differs from their Chinese (what must not appear in Chinese).</summary>
    private static async Task<HashSet<string>> EnglishOnlyLabelsAsync(IPage page)
    {
        var pairs = await page.EvaluateAsync<string[][]>(
            "() => { const zh = mcI18n.entries('zh-CN'), en = mcI18n.entries('en'); return Object.keys(en).filter(k => en[k] !== zh[k]).map(k => [k, en[k]]); }");
        // Short words ("App", "OK", "P1") are also people's data and codes; a label of two words or more is interface text.
        return pairs.Select(p => p[1].Trim()).Where(t => t.Contains(' ', StringComparison.Ordinal) && t.Any(char.IsLetter)).ToHashSet(StringComparer.Ordinal);
    }

    private static bool IsChinese(char c) => c is >= '\u4e00' and <= '\u9fff';

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<JsonElement>(text, Web);
    }

    /// <summary>
    /// Every text of the document, shown or not (other pages' hidden sections and closed dialogs are interface text
    /// too), and the texts of attributes people read (placeholders, titles, labels for screen readers), each with
    /// where it is. The language switch names the other language on purpose, and the logo's glyph is a picture
    /// (aria-hidden); both are left out.
    /// </summary>
    private const string ReadTexts = """
        () => {
          const where = el => { const parts = []; for (let e = el; e && e !== document.body && parts.length < 3; e = e.parentElement) { parts.unshift(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/)[0] : '')); } return parts.join('>'); };
          const skip = el => !el || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(el.tagName) || el.closest('#lang-switch') || el.closest('[aria-hidden=true]');
          const out = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const text = n.textContent.replace(/\s+/g, ' ').trim();
            if (text && !skip(n.parentElement)) { out.push(text + ' ⟨' + where(n.parentElement) + '⟩'); }
          }
          for (const el of document.querySelectorAll('[placeholder], [title], [aria-label], input[type=submit], input[type=button]')) {
            if (skip(el)) { continue; }
            for (const name of ['placeholder', 'title', 'aria-label']) {
              const value = el.getAttribute(name);
              if (value && value.trim()) { out.push(value.trim() + ' ⟨' + where(el) + ' @' + name + '⟩'); }
            }
          }
          out.push(document.title + ' ⟨title⟩');
          return out;
        }
        """;
}
