using Microsoft.AspNetCore.Identity;

namespace MediaCenter.Identity;

/// <summary>Password hashing (ASP.NET Core Identity's PBKDF2 hasher) and the password policy.</summary>
public static class Passwords
{
    private static readonly PasswordHasher<string> Hasher = new();

    /// <summary>Minimum length of a password.</summary>
    public const int MinimumLength = 10;

    /// <summary>Hashes a password for storage.</summary>
    public static string Hash(string password) => Hasher.HashPassword("", password);

    /// <summary>Checks a password against a stored hash.</summary>
    public static bool Verify(string hash, string password) =>
        Hasher.VerifyHashedPassword("", hash, password) != PasswordVerificationResult.Failed;

    /// <summary>The policy's objections to a password, as messages; empty when it is acceptable.</summary>
    public static IReadOnlyList<string> Check(string password, string username)
    {
        var problems = new List<string>();
        if (password.Length < MinimumLength)
        {
            problems.Add(Msg.Of("identity.passwordTooShort", ("min", MinimumLength)));
        }

        var classes = new[] { password.Any(char.IsLower), password.Any(char.IsUpper), password.Any(char.IsDigit), password.Any(c => !char.IsLetterOrDigit(c)) }.Count(x => x);
        if (classes < 3)
        {
            problems.Add(Msg.Of("identity.passwordClasses"));
        }

        if (!string.IsNullOrEmpty(username) && password.Contains(username, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(Msg.Of("identity.passwordHasUsername")
);
        }

        return problems;
    }

    /// <summary>A random password that satisfies the policy (for bootstrap and demo accounts).</summary>
    public static string Generate()
    {
        const string lower = "abcdefghijkmnopqrstuvwxyz", upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", digits = "23456789", symbols = "-_.!";
        var all = lower + upper + digits + symbols;
        var chars = new char[16];
        chars[0] = lower[System.Security.Cryptography.RandomNumberGenerator.GetInt32(lower.Length)];
        chars[1] = upper[System.Security.Cryptography.RandomNumberGenerator.GetInt32(upper.Length)];
        chars[2] = digits[System.Security.Cryptography.RandomNumberGenerator.GetInt32(digits.Length)];
        chars[3] = symbols[System.Security.Cryptography.RandomNumberGenerator.GetInt32(symbols.Length)];
        for (var i = 4; i < chars.Length; i++)
        {
            chars[i] = all[System.Security.Cryptography.RandomNumberGenerator.GetInt32(all.Length)];
        }

        System.Security.Cryptography.RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }
}
