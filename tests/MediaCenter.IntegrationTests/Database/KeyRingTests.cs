using MediaCenter.Identity;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MediaCenter.IntegrationTests.Database;

/// <summary>The Data Protection key ring sealed with a key file kept outside PostgreSQL (security finding 9).</summary>
[Collection(IntegrationCollection.Name)]
public sealed class KeyRingTests(IntegrationFixture fixture) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mc-keyring-").FullName;

    [Fact]
    public async Task With_a_key_file_the_database_holds_only_sealed_keys_and_another_process_with_the_file_reads_the_data()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        var keyFile = NewKeyFile("a.key");

        string stored;
        await using (var first = IdentityServices.CreateStandalone(deployment.ConnectionString, keyFile))
        {
            stored = first.GetRequiredService<PersonalDataProtector>().Protect("13900001111");
        }

        var rows = await KeyRowsAsync(deployment.ConnectionString);
        Assert.NotEmpty(rows);
        Assert.All(rows, xml =>
        {
            Assert.StartsWith("<sealed xmlns=\"urn:mediacenter:keyring:v1\">", xml);
            Assert.DoesNotContain("masterKey", xml);
        });

        await using (var second = IdentityServices.CreateStandalone(deployment.ConnectionString, keyFile))
        {
            Assert.Equal("13900001111", second.GetRequiredService<PersonalDataProtector>().Unprotect(stored));
        }

        // A dump alone (the database without the key file) opens nothing, and says what is missing.
        await using (var withoutFile = IdentityServices.CreateStandalone(deployment.ConnectionString))
        {
            var refused = Assert.ThrowsAny<Exception>(() => withoutFile.GetRequiredService<PersonalDataProtector>().Unprotect(stored));
            Assert.Contains("Identity:KeyRingKeyFile", Messages(refused));
        }

        await using (var otherFile = IdentityServices.CreateStandalone(deployment.ConnectionString, NewKeyFile("b.key")))
        {
            var refused = Assert.ThrowsAny<Exception>(() => otherFile.GetRequiredService<PersonalDataProtector>().Unprotect(stored));
            Assert.Contains("sealed with another one", Messages(refused));
        }
    }

    [Fact]
    public async Task Keys_written_before_a_key_file_was_configured_are_sealed_in_place_and_still_open_the_data()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        string stored;
        await using (var before = IdentityServices.CreateStandalone(deployment.ConnectionString))
        {
            stored = before.GetRequiredService<PersonalDataProtector>().Protect("110101199001011234");
        }

        Assert.All(await KeyRowsAsync(deployment.ConnectionString), xml => Assert.Contains("masterKey", xml));

        var keyFile = NewKeyFile("c.key");
        await using (var after = IdentityServices.CreateStandalone(deployment.ConnectionString, keyFile))
        {
            Assert.Equal("110101199001011234", after.GetRequiredService<PersonalDataProtector>().Unprotect(stored));
        }

        Assert.All(await KeyRowsAsync(deployment.ConnectionString), xml => Assert.DoesNotContain("masterKey", xml));
    }

    [Fact]
    public void A_key_file_is_created_owner_only_and_never_overwritten()
    {
        var path = Path.Combine(_dir, "secrets", "keyring.key");
        KeyRingSeal.CreateFile(path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(32, Convert.FromBase64String(File.ReadAllText(path).Trim()).Length);
        Assert.Throws<IOException>(() => KeyRingSeal.CreateFile(path));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string NewKeyFile(string name)
    {
        var path = Path.Combine(_dir, name);
        KeyRingSeal.CreateFile(path);
        return path;
    }

    private static string Messages(Exception ex)
    {
        var text = "";
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            text += e.Message + "\n";
        }

        return text;
    }

    private static async Task<List<string>> KeyRowsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT xml FROM mc.data_protection_keys", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
