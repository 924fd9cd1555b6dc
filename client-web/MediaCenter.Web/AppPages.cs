namespace MediaCenter.Web;

/// <summary>
/// The browser app's addresses. Every page and object has a real URL (history API in js/app.js); the server answers
/// index.html for those paths only, so /api, /hubs, /metrics, /health, static files and unknown paths keep their own
/// answers (404 and problem details included).
/// </summary>
public static class AppPages
{
    /// <summary>First path segments that belong to the app (a new page adds its segment here and to app.js's views).</summary>
    public static IReadOnlyList<string> Segments { get; } = ["cockpit", "system", "terminals", "audit", "newsroom", "incidents", "ops", "people", "me", "indicators", "tickets", "supervision", "evaluations", "applications"];

    /// <summary>The app's address of an incident, or null for none.</summary>
    public static string? Incident(string? incidentId) =>
        string.IsNullOrEmpty(incidentId) ? null : "/incidents/" + Uri.EscapeDataString(incidentId);

    /// <summary>Answers the app's shell for its pages and everything under them; anonymous, since signing in happens in the page.</summary>
    public static WebApplication MapAppPages(this WebApplication app)
    {
        foreach (var segment in Segments)
        {
            app.MapFallbackToFile("/" + segment + "/{**rest}", "index.html").AllowAnonymous().ExcludeFromDescription();
        }

        return app;
    }
}
