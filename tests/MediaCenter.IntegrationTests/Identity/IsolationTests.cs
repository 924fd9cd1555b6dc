using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Identity;

namespace MediaCenter.IntegrationTests.Identity;

/// <summary>Two access parties side by side: each sees and changes only its own data.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class IsolationTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task An_access_party_sees_and_changes_only_its_own_channels_users_and_terminals()
    {
        var shared = await fixture.SharedAsync();
        var identity = shared.Deployment.Identity;
        await identity.PartyAsync("iso-a");
        await identity.PartyAsync("iso-b");
        await identity.PartyUserAsync("iso-a-admin", "iso-a", PartyRoles.Admin);
        await identity.PartyUserAsync("iso-b-admin", "iso-b", PartyRoles.Admin);
        var bUser = await identity.PartyUserAsync("iso-b-member", "iso-b", PartyRoles.Member, new PersonalData("13900001111", "b@example.com", null));
        await identity.Terminals.IssueAsync("iso-b-t1", "iso-b", null);
        using var a = await shared.SignInAsync("iso-a-admin");

        // Lists hold only the caller's party, even when another party is asked for.
        var channels = await a.GetFromJsonAsync<JsonElement>("/api/channels?party=iso-b");
        Assert.Equal(["iso-a-home"], channels.EnumerateArray().Select(c => c.GetProperty("code").GetString()));
        var users = await a.GetFromJsonAsync<JsonElement>("/api/users");
        Assert.All(users.EnumerateArray(), u => Assert.Equal("iso-a", u.GetProperty("partyId").GetString()));
        var parties = await a.GetFromJsonAsync<JsonElement>("/api/parties");
        Assert.Equal(["iso-a"], parties.EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        var terminals = await a.GetFromJsonAsync<JsonElement>("/api/terminal-credentials");
        Assert.DoesNotContain(terminals.EnumerateArray(), t => t.GetProperty("terminalId").GetString() == "iso-b-t1");

        // The other party's things look absent, and cannot be changed.
        Assert.Equal(HttpStatusCode.NotFound, (await a.GetAsync("/api/channels/iso-b-home")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.GetAsync("/api/channels/iso-b-home/members")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.GetAsync($"/api/users/{bUser}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.GetAsync($"/api/users/{bUser}/personal-data")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.PostAsJsonAsync($"/api/users/{bUser}/password-reset", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.DeleteAsync($"/api/users/{bUser}/personal-data")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.PutAsJsonAsync($"/api/channels/iso-b-home/members/{bUser}/editor", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.DeleteAsync("/api/terminal-credentials/iso-b-t1")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await a.PostAsJsonAsync("/api/terminal-credentials/iso-b-t1", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.PostAsJsonAsync("/api/channels", new { code = "iso-a-sneaky", name = "x", partyId = "iso-b" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.PostAsJsonAsync("/api/users",
            new { username = "iso-sneak", displayName = "x", password = TestIdentity.Password, partyId = "iso-b", partyRole = "party-member" })).StatusCode);

        // Its own party it manages: a user (on a trained person's staff record, so a post's role may be given), a channel role, a
        // terminal credential.
        var staffId = await People.TrainedStaff.RecordAsync(a, "party:iso-a", null, "编辑甲");
        var created = await a.PostAsJsonAsync("/api/users",
            new { username = "iso-a-editor", displayName = "编辑甲", password = TestIdentity.Password, partyId = "iso-a", partyRole = "party-member", staffId });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var editorId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await a.PutAsJsonAsync($"/api/channels/iso-a-home/members/{editorId}/editor", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsJsonAsync("/api/terminal-credentials/iso-a-kiosk-1", new { })).StatusCode);

        // Nothing of party B changed.
        using var b = await shared.SignInAsync("iso-b-admin");
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync("/api/channels/iso-b-home")).StatusCode);
        var bTerminals = await b.GetFromJsonAsync<JsonElement>("/api/terminal-credentials");
        Assert.Contains(bTerminals.EnumerateArray(), t => t.GetProperty("terminalId").GetString() == "iso-b-t1" && t.GetProperty("revokedAt").ValueKind == JsonValueKind.Null);
        var bMembers = await b.GetFromJsonAsync<JsonElement>("/api/channels/iso-b-home/members");
        Assert.Equal(0, bMembers.GetArrayLength());
    }

    [Fact]
    public async Task Only_platform_administrators_create_platform_accounts()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("iso-operator", PlatformRoles.Operator);
        using var operatorClient = await shared.SignInAsync("iso-operator");

        var response = await operatorClient.PostAsJsonAsync("/api/users",
            new { username = "iso-new-admin", displayName = "x", password = TestIdentity.Password, platformRoles = new[] { "admin" } });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
