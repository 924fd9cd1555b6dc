namespace MediaCenter.Grains.Indicators;

/// <summary>How often the month close looks whether a month has ended. Bound from the <c>Indicators</c> section.</summary>
public sealed class IndicatorOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "Indicators";

    /// <summary>When the first look is due after the reminder is registered.</summary>
    public TimeSpan FirstCheckAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The reminder's period: a month ends at most this long before it is closed.</summary>
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromHours(1);
}
