using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MediaCenter.Grains.Tickets;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace MediaCenter.Web.Tickets;

/// <summary>
/// A captcha-free challenge for the public form: the server hands out a sealed challenge (expiry and randomness, protected
/// with the shared key ring, so any web instance can check it without storing it), the browser searches a nonce whose
/// SHA-256 over <c>challenge:nonce</c> starts with the configured number of zero bits (16 bits: about 65,000 hashes, a
/// second or two on a phone), and each challenge is accepted once per web instance. It makes bulk filing cost CPU on the
/// sender's side; the rate limit per address stays the hard bound.
/// </summary>
public sealed class ProofOfWork(IDataProtectionProvider keys, TimeProvider time, IOptions<TicketOptions> options)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private readonly IDataProtector _protector = keys.CreateProtector("MediaCenter.Tickets.ProofOfWork.v1");
    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);

    /// <summary>Leading zero bits asked for; 0 when the challenge is switched off.</summary>
    public int Bits => options.Value.ProofOfWorkBits;

    /// <summary>A new challenge.</summary>
    public string Issue()
    {
        var expires = time.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds();
        return _protector.Protect(string.Create(CultureInfo.InvariantCulture, $"{expires}:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}"));
    }

    /// <summary>True when the nonce solves an unexpired challenge of ours not used before (and marks it used).</summary>
    public bool Accept(string? challenge, string? nonce)
    {
        if (Bits == 0)
        {
            return true;
        }

        if (string.IsNullOrEmpty(challenge) || string.IsNullOrEmpty(nonce) || challenge.Length > 1000 || nonce.Length > 64)
        {
            return false;
        }

        string sealedText;
        try
        {
            sealedText = _protector.Unprotect(challenge);
        }
        catch (CryptographicException)
        {
            return false;
        }

        var now = time.GetUtcNow();
        if (!long.TryParse(sealedText.Split(':')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || DateTimeOffset.FromUnixTimeSeconds(expires) < now || !Solves(challenge, nonce, Bits))
        {
            return false;
        }

        foreach (var (old, until) in _used)
        {
            if (until < now)
            {
                _used.TryRemove(old, out _);
            }
        }

        return _used.TryAdd(challenge, DateTimeOffset.FromUnixTimeSeconds(expires));
    }

    /// <summary>True when SHA-256 of <c>challenge:nonce</c> starts with <paramref name="bits"/> zero bits.</summary>
    public static bool Solves(string challenge, string nonce, int bits)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(challenge + ":" + nonce));
        for (var i = 0; i < bits; i++)
        {
            if ((hash[i / 8] & (0x80 >> (i % 8))) != 0)
            {
                return false;
            }
        }

        return true;
    }
}
