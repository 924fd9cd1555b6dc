using MediaCenter.Grains.Workflow;

namespace MediaCenter.Grains.Operations;

/// <summary>What the plan, drill and campaign grains share: how a pipeline refusal reads, and text checks.</summary>
internal static class OpsGrainSupport
{
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
}
