using System.Text;
using MediaCenter.Grains.Incidents;

namespace MediaCenter.Grains.Tests.Incidents;

/// <summary>A seal the tests can see through: "sealed:" and the secret in base64 (the silo's is the Data Protection key ring).</summary>
public sealed class TestWebhookSecrets : IWebhookSecrets
{
    private const string Prefix = "sealed:";

    public string Seal(string secret) => Prefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(secret));

    public string Open(string stored) => IsSealed(stored) ? Encoding.UTF8.GetString(Convert.FromBase64String(stored[Prefix.Length..])) : stored;

    public bool IsSealed(string stored) => stored.StartsWith(Prefix, StringComparison.Ordinal);
}
