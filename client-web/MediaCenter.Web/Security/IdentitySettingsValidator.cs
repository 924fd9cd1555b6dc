using MediaCenter.Identity;
using Microsoft.Extensions.Options;

namespace MediaCenter.Web.Security;

internal sealed class IdentitySettingsValidator : IValidateOptions<IdentitySettings>
{
    public ValidateOptionsResult Validate(string? name, IdentitySettings o)
    {
        var failures = new List<string>();
        void Positive(string key, TimeSpan value)
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"{IdentitySettings.Section}:{key} must be a positive time span (was {value}).");
            }
        }

        void AtLeastOne(string key, int value)
        {
            if (value < 1)
            {
                failures.Add($"{IdentitySettings.Section}:{key} must be at least 1 (was {value}).");
            }
        }

        AtLeastOne(nameof(o.LockoutThreshold), o.LockoutThreshold);
        AtLeastOne(nameof(o.FailedSignInAlertThreshold), o.FailedSignInAlertThreshold);
        AtLeastOne(nameof(o.BulkDeletionAlertThreshold), o.BulkDeletionAlertThreshold);
        AtLeastOne(nameof(o.SignInRatePerMinute), o.SignInRatePerMinute);
        Positive(nameof(o.LockoutDuration), o.LockoutDuration);
        Positive(nameof(o.BrowserSessionLifetime), o.BrowserSessionLifetime);
        Positive(nameof(o.TokenLifetime), o.TokenLifetime);
        Positive(nameof(o.AlertWindow), o.AlertWindow);
        Positive(nameof(o.LiveSessionCheck), o.LiveSessionCheck);
        if (o.TokenLifetime > o.MaxTokenLifetime)
        {
            failures.Add($"{IdentitySettings.Section}:TokenLifetime ({o.TokenLifetime}) must not exceed {IdentitySettings.Section}:MaxTokenLifetime ({o.MaxTokenLifetime}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
