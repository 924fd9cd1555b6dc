namespace MediaCenter.Identity;

/// <summary>Masked forms of personal data for lists, exports and logs (GB/T 35273).</summary>
public static class Masking
{
    /// <summary>138****1234: the first three and last four digits stay.</summary>
    public static string Phone(string phone)
    {
        var digits = phone.Trim();
        return digits.Length <= 7 ? new string('*', digits.Length) : digits[..3] + new string('*', digits.Length - 7) + digits[^4..];
    }

    /// <summary>z***@example.com: the first character of the local part and the domain stay.</summary>
    public static string Email(string email)
    {
        var at = email.IndexOf('@');
        return at <= 0 ? "***" : email[0] + "***" + email[at..];
    }

    /// <summary>110101********1234: region code and the last four stay.</summary>
    public static string NationalId(string id)
    {
        var value = id.Trim();
        return value.Length <= 10 ? new string('*', value.Length) : value[..6] + new string('*', value.Length - 10) + value[^4..];
    }
}
