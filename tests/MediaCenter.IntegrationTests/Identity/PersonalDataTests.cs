using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Identity;
using Npgsql;

namespace MediaCenter.IntegrationTests.Identity;

/// <summary>Personal information (GB/T 35273): encrypted at rest, masked in lists and logs, full view audited, erasable.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class PersonalDataTests(IntegrationFixture fixture)
{
    private const string Phone = "13812345678";
    private const string Email = "zhang.wei@example.com";
    private const string NationalId = "110101199003071234";

    [Fact]
    public async Task Personal_data_is_masked_in_api_responses_and_the_full_view_is_audited()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PartyAsync("pd-party");
        await shared.Deployment.Identity.PlatformUserAsync("pd-admin", PlatformRoles.Admin);
        using var admin = await shared.SignInAsync("pd-admin");

        var created = await admin.PostAsJsonAsync("/api/users", new
        {
            username = "pd-person",
            displayName = "张伟",
            password = TestIdentity.Password,
            partyId = "pd-party",
            partyRole = "party-member",
            phone = Phone,
            email = Email,
            nationalId = NationalId,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var createdBody = await created.Content.ReadAsStringAsync();
        var id = JsonDocument.Parse(createdBody).RootElement.GetProperty("id").GetGuid();

        var list = await admin.GetStringAsync("/api/users?party=pd-party");
        foreach (var body in new[] { createdBody, list, await admin.GetStringAsync($"/api/users/{id}") })
        {
            Assert.Contains("138****5678", body);
            Assert.Contains("z***@example.com", body);
            Assert.Contains("110101********1234", body);
            Assert.DoesNotContain(Phone, body);
            Assert.DoesNotContain(Email, body);
            Assert.DoesNotContain(NationalId, body);
        }

        var full = await admin.GetFromJsonAsync<JsonElement>($"/api/users/{id}/personal-data");
        Assert.Equal(Phone, full.GetProperty("phone").GetString());
        Assert.Equal(NationalId, full.GetProperty("nationalId").GetString());
        var views = await SearchAsync(shared, $"VIEW /api/users/{id}/personal-data");
        Assert.Equal(1, views);

        // The operation log of the creation holds no personal data in clear either.
        var log = await admin.GetStringAsync("/api/audit/operations?actor=pd-admin");
        Assert.DoesNotContain(Phone, log);
        Assert.DoesNotContain(NationalId, log);

        // Nor do the web process's logs.
        var webLog = shared.Web.Process.Tail(100_000);
        Assert.DoesNotContain(Phone, webLog);
        Assert.DoesNotContain(NationalId, webLog);
    }

    [Fact]
    public async Task Encrypted_columns_are_unreadable_in_the_database()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PartyAsync("pd-db");
        var id = await shared.Deployment.Identity.PartyUserAsync("pd-stored", "pd-db", PartyRoles.Member, new PersonalData(Phone, Email, NationalId));

        await using var connection = new NpgsqlConnection(shared.Deployment.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT row_to_json(u)::text FROM mc.users u WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        var row = (string)(await command.ExecuteScalarAsync())!;

        Assert.DoesNotContain(Phone, row);
        Assert.DoesNotContain(Email, row);
        Assert.DoesNotContain(NationalId, row);
        Assert.DoesNotContain("12345678", row);
        Assert.Contains("138****5678", row);
    }

    [Fact]
    public async Task Deletion_on_request_erases_the_personal_data_and_is_audited()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PartyAsync("pd-erase");
        await shared.Deployment.Identity.PartyUserAsync("pd-erase-admin", "pd-erase", PartyRoles.Admin);
        var id = await shared.Deployment.Identity.PartyUserAsync("pd-erased", "pd-erase", PartyRoles.Member, new PersonalData(Phone, Email, NationalId));
        using var partyAdmin = await shared.SignInAsync("pd-erase-admin");

        Assert.Equal(HttpStatusCode.NoContent, (await partyAdmin.DeleteAsync($"/api/users/{id}/personal-data")).StatusCode);

        var full = await partyAdmin.GetFromJsonAsync<JsonElement>($"/api/users/{id}/personal-data");
        Assert.Equal(JsonValueKind.Null, full.GetProperty("phone").ValueKind);
        Assert.Equal(JsonValueKind.Null, full.GetProperty("nationalId").ValueKind);
        var summary = await partyAdmin.GetFromJsonAsync<JsonElement>($"/api/users/{id}");
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("phone").ValueKind);
        Assert.Equal(1, await SearchAsync(shared, $"DELETE /api/users/{{id:guid}}/personal-data", $"user:{id}"));
    }

    private static async Task<long> SearchAsync(SharedDeployment shared, string action, string? target = null)
    {
        await using var connection = new NpgsqlConnection(shared.Deployment.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM mc.audit_log WHERE action = @a AND (@t::text IS NULL OR target = @t)", connection);
        command.Parameters.AddWithValue("a", action);
        command.Parameters.Add(new NpgsqlParameter("t", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)target ?? DBNull.Value });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
