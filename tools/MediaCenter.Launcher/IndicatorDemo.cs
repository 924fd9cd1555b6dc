using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace MediaCenter.Launcher;

/// <summary>
/// `up --demo`: two indicators defined and put in force by the demonstration management account through the real API
/// (stories published per month, on-time rate of assignments, for both demonstration parties), the previous month closed
/// (a month of history; its shortfalls remind the parties and open their rectifications) and the current month computed
/// so far. Runs once, when the demonstration accounts are created.
/// </summary>
internal sealed class IndicatorDemo(Uri web, string password, TimeProvider time)
{
    public async Task<int> SeedAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = web };
        var signIn = await http.PostAsJsonAsync("/api/auth/tokens", new { username = "demo-management", password, name = "demo" }, cancellationToken);
        signIn.EnsureSuccessStatusCode();
        var token = (await signIn.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("token").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var indicators = new (string Key, string Name, string Expression, double Target, string Unit)[]
        {
            ("published", "月发布稿件数", "storiesPublished", 20, "篇"),
            ("on-time", "派稿按时率", "100 * assignmentsOnTime / assignmentsSubmitted", 90, "%"),
        };
        foreach (var (key, name, expression, target, unit) in indicators)
        {
            var defined = await SendAsync(http, HttpMethod.Post, "/api/v1/indicators",
                new { name, expression, comparison = "AtLeast", target, unit, parties = new[] { "demo-news", "demo-culture" } }, "demo-indicator-" + key, cancellationToken);
            var id = defined.GetProperty("id").GetString();
            await SendAsync(http, HttpMethod.Post, $"/api/v1/indicators/{id}/activate", new { }, "demo-indicator-activate-" + key, cancellationToken);
        }

        // The month before this one (Asia/Shanghai) is closed now rather than at the next hourly check.
        var local = TimeZoneInfo.ConvertTime(time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));
        var previous = new DateOnly(local.Year, local.Month, 1).AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        await SendAsync(http, HttpMethod.Post, $"/api/v1/indicators/months/{previous}/close", new { }, "demo-indicator-close", cancellationToken);
        await SendAsync(http, HttpMethod.Post, "/api/v1/indicators/months/current/compute", new { }, "demo-indicator-compute", cancellationToken);
        return indicators.Length;
    }

    private static async Task<JsonElement> SendAsync(HttpClient http, HttpMethod method, string path, object body, string key, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        // The key names the step: a demo started again defines no second copy.
        request.Headers.Add("Idempotency-Key", key);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
    }
}
