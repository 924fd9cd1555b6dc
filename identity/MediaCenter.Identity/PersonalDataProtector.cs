using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace MediaCenter.Identity;

/// <summary>Encrypts personal fields at rest with ASP.NET Core Data Protection (keys in PostgreSQL).</summary>
public sealed class PersonalDataProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("MediaCenter.PersonalData.v1");

    /// <summary>Encrypts a value for storage.</summary>
    public string Protect(string value) => _protector.Protect(value);

    /// <summary>Decrypts a stored value.</summary>
    public string Unprotect(string stored) => _protector.Unprotect(stored);
}

/// <summary>Keeps the Data Protection key ring in mc.data_protection_keys, shared by every web instance.</summary>
public sealed class PostgresXmlRepository(NpgsqlDataSource db) : IXmlRepository
{
    /// <inheritdoc />
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = db.OpenConnection();
        return connection.Query<string>("SELECT xml FROM mc.data_protection_keys ORDER BY created_at").Select(xml => XElement.Parse(xml)).ToList();
    }

    /// <inheritdoc />
    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = db.OpenConnection();
        connection.Execute("""
            INSERT INTO mc.data_protection_keys (friendly_name, xml) VALUES (@name, @xml)
            ON CONFLICT (friendly_name) DO NOTHING
            """, new { name = friendlyName, xml = element.ToString(SaveOptions.DisableFormatting) });
    }
}
