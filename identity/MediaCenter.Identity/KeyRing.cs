using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace MediaCenter.Identity;

/// <summary>Where the key that seals the Data Protection key ring lives. Bound from the <c>Identity</c> section.</summary>
public sealed class KeyRingSettings
{
    /// <summary>
    /// A file outside PostgreSQL holding 32 random bytes (base64) that seal the key ring: a dump or backup of the database then
    /// holds ciphertext and sealed keys, never both in the clear. Empty: the key ring is stored unsealed (tests, development).
    /// </summary>
    public string? KeyRingKeyFile { get; set; }
}

/// <summary>Seals and opens key-ring entries with AES-GCM under the key file's key; the entry's name is bound to it.</summary>
public sealed class KeyRingSeal
{
    /// <summary>The element a sealed entry is stored as.</summary>
    public static readonly XName Sealed = XName.Get("sealed", "urn:mediacenter:keyring:v1");

    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private readonly byte[] _key;

    private KeyRingSeal(byte[] key) => _key = key;

    /// <summary>Reads the key file; a clear error when it is missing or not 32 bytes of base64.</summary>
    public static KeyRingSeal FromFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Identity:KeyRingKeyFile names no file ({path}). Bring this installation's key file (docs/OPERATIONS.md, \"The key-ring key file\").");
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"The key-ring key file {path} is not base64 text.");
        }

        return key.Length == 32 ? new KeyRingSeal(key) : throw new InvalidOperationException($"The key-ring key file {path} must hold 32 bytes (it holds {key.Length}).");
    }

    /// <summary>Writes a new key file (32 random bytes, base64), readable by its owner only; refuses to overwrite one.</summary>
    public static void CreateFile(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var file = new FileStream(path, options);
        file.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n"));
    }

    /// <summary>The sealed form of an entry.</summary>
    public XElement Seal(XElement element, string name)
    {
        var plain = Encoding.UTF8.GetBytes(element.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), Encoding.UTF8.GetBytes(name));
        return new XElement(Sealed, Convert.ToBase64String(sealedBytes));
    }

    /// <summary>Opens a sealed entry; a clear error when the key file is not the one it was sealed with.</summary>
    public XElement Open(XElement sealedElement, string name)
    {
        var bytes = Convert.FromBase64String(sealedElement.Value);
        var plain = new byte[bytes.Length - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(_key, TagBytes);
            aes.Decrypt(bytes.AsSpan(0, NonceBytes), bytes.AsSpan(NonceBytes + TagBytes), bytes.AsSpan(NonceBytes, TagBytes), plain, Encoding.UTF8.GetBytes(name));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new InvalidOperationException($"The key-ring entry '{name}' does not open with the configured key file: it was sealed with another one.");
        }

        return XElement.Parse(Encoding.UTF8.GetString(plain));
    }
}

/// <summary>
/// Keeps the Data Protection key ring in mc.data_protection_keys, shared by every process. With a <see cref="KeyRingSeal"/>,
/// entries are stored sealed, and entries found unsealed (written before a key file was configured) are sealed in place.
/// </summary>
public sealed class PostgresXmlRepository(NpgsqlDataSource db, KeyRingSeal? seal) : IXmlRepository
{
    /// <inheritdoc />
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = db.OpenConnection();
        var rows = connection.Query<(string Name, string Xml)>("SELECT friendly_name, xml FROM mc.data_protection_keys ORDER BY created_at").ToList();
        var elements = new List<XElement>(rows.Count);
        foreach (var (name, xml) in rows)
        {
            var element = XElement.Parse(xml);
            if (element.Name == KeyRingSeal.Sealed)
            {
                elements.Add((seal ?? throw new InvalidOperationException(
                    "The Data Protection key ring in PostgreSQL is sealed and no Identity:KeyRingKeyFile is configured. Bring this installation's key file (docs/OPERATIONS.md, \"The key-ring key file\")."))
                    .Open(element, name));
                continue;
            }

            if (seal is not null)
            {
                connection.Execute("UPDATE mc.data_protection_keys SET xml = @xml WHERE friendly_name = @name AND xml = @old",
                    new { name, old = xml, xml = seal.Seal(element, name).ToString(SaveOptions.DisableFormatting) });
            }

            elements.Add(element);
        }

        return elements;
    }

    /// <inheritdoc />
    public void StoreElement(XElement element, string friendlyName)
    {
        var stored = seal is null ? element : seal.Seal(element, friendlyName);
        using var connection = db.OpenConnection();
        connection.Execute("""
            INSERT INTO mc.data_protection_keys (friendly_name, xml) VALUES (@name, @xml)
            ON CONFLICT (friendly_name) DO NOTHING
            """, new { name = friendlyName, xml = stored.ToString(SaveOptions.DisableFormatting) });
    }
}
