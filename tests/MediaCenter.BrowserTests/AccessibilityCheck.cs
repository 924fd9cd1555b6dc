using MediaCenter.Testing;
using Microsoft.Playwright;

namespace MediaCenter.BrowserTests;

/// <summary>axe-core (from npm, client-web/MediaCenter.Web/package.json) run on a page for WCAG 2.1 A/AA.</summary>
internal static class AccessibilityCheck
{
    private static readonly string Axe = Path.Combine(Repo.Root, "client-web", "MediaCenter.Web", "node_modules", "axe-core", "axe.min.js");

    private const string RunAxe = """
        async () => {
          const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
          return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' + v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(' | '));
        }
        """;

    /// <summary>
    /// The serious and critical violations on the page as it is now. The page's policy allows its own scripts only, so the
    /// page must come from a context made with <c>BypassCSP</c> (the checker is the test's, added from outside).
    /// </summary>
    public static async Task<string[]> SeriousViolationsAsync(IPage page)
    {
        Assert.True(File.Exists(Axe), "axe-core comes from npm (client-web/MediaCenter.Web/package.json); the web's build installs it");
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = Axe });
        return await page.EvaluateAsync<string[]>(RunAxe);
    }
}
