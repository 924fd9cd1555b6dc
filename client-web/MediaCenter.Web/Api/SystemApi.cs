using System.Reflection;
using MediaCenter.Identity;
using MediaCenter.Web.Live;
using MediaCenter.Web.Security;

namespace MediaCenter.Web.Api;

/// <summary>The API root and the system status resource.</summary>
internal static class SystemApi
{
    public static IEndpointRouteBuilder MapSystemApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api").WithTags("system");

        api.MapGet("/", () => Results.Ok(new ApiRoot(
            "MediaCenter",
            typeof(SystemApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "dev",
            new Dictionary<string, string>
            {
                ["self"] = "/api",
                ["systemStatus"] = "/api/system/status",
                ["signIn"] = "/api/auth/sign-in",
                ["tokens"] = "/api/auth/tokens",
                ["me"] = "/api/auth/me",
                ["users"] = "/api/users",
                ["parties"] = "/api/parties",
                ["channels"] = "/api/channels",
                ["terminalCredentials"] = "/api/terminal-credentials",
                ["audit"] = "/api/audit/operations",
                ["openApi"] = "/openapi/v1.json",
                ["liveHub"] = LiveHub.Path,
                ["health"] = "/health/ready",
                ["metrics"] = "/metrics",
            })))
            .AllowAnonymous()
            .WithName("GetApiRoot")
            .WithSummary("Entry point of the REST API with links to its resources.");

        api.MapGet("/system/status", async (HttpContext http, SystemStatusReader reader, CancellationToken cancellationToken) =>
            {
                var status = await reader.ReadAsync(cancellationToken);
                return Results.Ok(http.CurrentUserOrNull()?.Is(PlatformRoles.Admin) == true ? status : status.WithoutAddresses());
            })
            .RequireAuthorization(Security.Policies.SignedIn)
            .WithName("GetSystemStatus")
            .WithSummary("Active silos and the cluster pulse: the snapshot that the live system status updates (silo addresses for platform administrators only).");

        return endpoints;
    }
}

/// <summary>The API root document.</summary>
public sealed record ApiRoot(string Name, string Version, IReadOnlyDictionary<string, string> Links);
