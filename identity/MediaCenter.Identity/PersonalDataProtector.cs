using Microsoft.AspNetCore.DataProtection;

namespace MediaCenter.Identity;

/// <summary>Encrypts personal fields at rest with ASP.NET Core Data Protection (keys in PostgreSQL, sealed with a key file kept outside it: <see cref="KeyRingSeal"/>).</summary>
public sealed class PersonalDataProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("MediaCenter.PersonalData.v1");

    /// <summary>Encrypts a value for storage.</summary>
    public string Protect(string value) => _protector.Protect(value);

    /// <summary>Decrypts a stored value.</summary>
    public string Unprotect(string stored) => _protector.Unprotect(stored);

    /// <summary>Encrypts a document's bytes for storage (a certificate scan).</summary>
    public byte[] Protect(byte[] value) => _protector.Protect(value);

    /// <summary>Decrypts a stored document.</summary>
    public byte[] Unprotect(byte[] stored) => _protector.Unprotect(stored);
}
