using System.Security.Cryptography;
using System.Text;

namespace MediaCenter.Identity;

/// <summary>High-entropy secrets (session tokens, terminal credentials) and their stored form.</summary>
public static class Secrets
{
    /// <summary>A new random secret with a readable prefix, 256 bits of entropy.</summary>
    public static string New(string prefix) => prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>The stored form: SHA-256, hex. A random 256-bit secret needs no slow KDF.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Compares a presented secret with a stored hash in constant time.</summary>
    public static bool Matches(string secret, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(storedHash));

    /// <summary>The CSRF token bound to a browser session: derived from it, unreadable to other origins.</summary>
    public static string CsrfFor(string sessionToken) =>
        Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes("mc.csrf:" + sessionToken)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
