namespace MediaCenter.Identity;

/// <summary>Sign-in, lockout, session and early-warning rules. Bound from the <c>Identity</c> section.</summary>
public sealed class IdentitySettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Identity";

    /// <summary>Consecutive failed sign-ins that lock an account.</summary>
    public int LockoutThreshold { get; set; } = 5;

    /// <summary>How long a locked account stays locked.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Lifetime of a browser session (sliding is not used: a session ends at this time).</summary>
    public TimeSpan BrowserSessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Default lifetime of an API/mobile token.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Longest lifetime a caller may ask for.</summary>
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Failed sign-ins (for one account, or from one address) within the window that raise an alert.</summary>
    public int FailedSignInAlertThreshold { get; set; } = 5;

    /// <summary>Deletions by one actor within the window that raise an alert.</summary>
    public int BulkDeletionAlertThreshold { get; set; } = 10;

    /// <summary>The window for the two alert counts.</summary>
    public TimeSpan AlertWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The wait before answering the second failed sign-in of a user name within <see cref="AlertWindow"/>; it doubles with each
    /// further failure up to <see cref="SignInDelayMax"/> (zero turns the progressive delay off).
    /// </summary>
    public TimeSpan SignInDelayBase { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait before answering a failed sign-in.</summary>
    public TimeSpan SignInDelayMax { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>The wait before answering the <paramref name="failures"/>-th failed sign-in of a user name within the window.</summary>
    public TimeSpan SignInDelay(long failures) => failures < 2 || SignInDelayBase <= TimeSpan.Zero
        ? TimeSpan.Zero
        : TimeSpan.FromTicks(Math.Min(SignInDelayMax.Ticks, SignInDelayBase.Ticks << (int)Math.Min(failures - 2, 20)));

    /// <summary>Sign-in attempts per client address per minute before 429.</summary>
    public int SignInRatePerMinute { get; set; } = 20;

    /// <summary>
    /// How often each web instance checks that the sessions of its live (SignalR) connections are still valid, closing those that
    /// are not. A session ended on the same instance closes its connections at once; this bounds the delay for the others.
    /// </summary>
    public TimeSpan LiveSessionCheck { get; set; } = TimeSpan.FromSeconds(5);
}
