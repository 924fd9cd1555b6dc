using Microsoft.Extensions.Options;

namespace MediaCenter.Web.Live;

/// <summary>Cadence of live pushes. Bound from the <c>Live</c> section.</summary>
public sealed class LiveSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Live";

    /// <summary>How often the system status is read and, when changed, pushed to boards.</summary>
    public TimeSpan SystemStatusInterval { get; set; } = TimeSpan.FromSeconds(2);
}

internal sealed class LiveSettingsValidator : IValidateOptions<LiveSettings>
{
    public ValidateOptionsResult Validate(string? name, LiveSettings options) =>
        options.SystemStatusInterval >= TimeSpan.FromMilliseconds(100)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{LiveSettings.Section}:SystemStatusInterval must be at least 00:00:00.1 (was {options.SystemStatusInterval}).");
}
