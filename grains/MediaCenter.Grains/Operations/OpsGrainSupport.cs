using System.Text.Json;
using System.Text.Json.Serialization;
using MediaCenter.Grains.Platform;
using MediaCenter.Grains.Workflow;

namespace MediaCenter.Grains.Operations;

/// <summary>What the plan, drill and campaign grains share: how a pipeline refusal reads, text checks, and their live messages.</summary>
internal static class OpsGrainSupport
{
    // Live payloads are read by the browser as the API's JSON (camelCase, enums by name).
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>The outcome of a refusal made by the command pipeline.</summary>
    public static OpsOutcome Outcome(WorkflowRefusal refusal) => refusal switch
    {
        WorkflowRefusal.NotFound => OpsOutcome.NotFound,
        WorkflowRefusal.IllegalMove => OpsOutcome.IllegalMove,
        WorkflowRefusal.Forbidden => OpsOutcome.Forbidden,
        _ => OpsOutcome.Invalid,
    };

    /// <summary>The trimmed text, or null when it is missing, blank or longer than <paramref name="max"/>.</summary>
    public static string? Required(string? value, int max) =>
        string.IsNullOrWhiteSpace(value) || value.Trim().Length > max ? null : value.Trim();

    /// <summary>True when an optional text is acceptable (absent, or at most <paramref name="max"/> characters trimmed).</summary>
    public static bool FitsOptional(string? value, int max) => value is null || value.Trim().Length <= max;

    /// <summary>The trimmed optional text, null when blank.</summary>
    public static string? Optional(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>
    /// Tells the boards that something of an access party changed: platform staff, management and the party's own
    /// users. Best effort (one-way); a board reloads its lists when its connection comes back.
    /// </summary>
    public static async Task PublishAsync(IGrainFactory grains, string partyId, string method, object payload)
    {
        var json = JsonSerializer.Serialize(payload, Json);
        var feed = grains.GetGrain<ILiveFeedGrain>(0);
        foreach (var group in new[] { "ops", "management", "party:" + partyId })
        {
            await feed.PublishAsync(new LiveMessage(group, method, json));
        }
    }
}
