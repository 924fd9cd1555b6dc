using System.Net;
using System.Net.Http.Json;
using MediaCenter.Identity;

namespace MediaCenter.IntegrationTests.Identity;

/// <summary>
/// Who may administer whom (issue 15, findings 6 and 7): accounts that see unmasked personal data — party administrators — are
/// created, reset and disabled by platform administrators only, and nobody gives themselves a role.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class AccountAdministrationTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task Only_platform_administrators_create_reset_or_disable_a_party_administrator()
    {
        var shared = await fixture.SharedAsync();
        var identity = shared.Deployment.Identity;
        await identity.PartyAsync("aa-party");
        await identity.PlatformUserAsync("aa-admin", PlatformRoles.Admin);
        await identity.PlatformUserAsync("aa-operator", PlatformRoles.Operator);
        await identity.PartyUserAsync("aa-party-admin", "aa-party", PartyRoles.Admin);
        var fellow = await identity.PartyUserAsync("aa-fellow-admin", "aa-party", PartyRoles.Admin);
        var member = await identity.PartyUserAsync("aa-member", "aa-party", PartyRoles.Member);
        using var admin = await shared.SignInAsync("aa-admin");
        using var @operator = await shared.SignInAsync("aa-operator");
        using var partyAdmin = await shared.SignInAsync("aa-party-admin");

        object NewAdmin(string name) => new { username = name, displayName = name, password = TestIdentity.Password, partyId = "aa-party", partyRole = PartyRoles.Admin };
        Assert.Equal(HttpStatusCode.Forbidden, (await @operator.PostAsJsonAsync("/api/users", NewAdmin("aa-by-operator"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await partyAdmin.PostAsJsonAsync("/api/users", NewAdmin("aa-by-party-admin"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/users", NewAdmin("aa-by-admin"))).StatusCode);

        // A reset hands out the password: whoever receives it can act as the account.
        Assert.Equal(HttpStatusCode.Forbidden, (await @operator.PostAsJsonAsync($"/api/users/{fellow}/password-reset", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await partyAdmin.PostAsJsonAsync($"/api/users/{fellow}/password-reset", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await @operator.PutAsJsonAsync($"/api/users/{fellow}/disabled", new { disabled = true })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await partyAdmin.PutAsJsonAsync($"/api/users/{fellow}/disabled", new { disabled = true })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/users/{fellow}/password-reset", new { })).StatusCode);

        // Ordinary members stay the party's (and the operators') to look after.
        Assert.Equal(HttpStatusCode.Created, (await partyAdmin.PostAsJsonAsync("/api/users",
            new { username = "aa-new-member", displayName = "成员", password = TestIdentity.Password, partyId = "aa-party", partyRole = PartyRoles.Member })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await @operator.PostAsJsonAsync($"/api/users/{member}/password-reset", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await partyAdmin.PutAsJsonAsync($"/api/users/{member}/disabled", new { disabled = true })).StatusCode);
    }

    [Fact]
    public async Task Nobody_gives_themselves_a_channel_role()
    {
        var shared = await fixture.SharedAsync();
        var identity = shared.Deployment.Identity;
        await identity.PartyAsync("aa-self");
        var self = await identity.PartyUserAsync("aa-self-admin", "aa-self", PartyRoles.Admin);
        var colleague = await identity.PartyUserAsync("aa-self-editor", "aa-self", PartyRoles.Member);
        using var partyAdmin = await shared.SignInAsync("aa-self-admin");

        foreach (var (role, body) in new (string, object)[] { ("editor", new { }), ("chief", new { }), ("reviewer", new { reviewLevel = 1 }) })
        {
            var response = await partyAdmin.PutAsJsonAsync($"/api/channels/aa-self-home/members/{self}/{role}", body);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{role}: {(int)response.StatusCode}");
        }

        Assert.Empty(await SignInTests.ScalarListAsync(shared, $"SELECT role FROM mc.channel_members WHERE user_id = '{self}'"));
        await People.TrainedStaff.RecordAsync(partyAdmin, "party:aa-self", colleague);
        Assert.Equal(HttpStatusCode.NoContent, (await partyAdmin.PutAsJsonAsync($"/api/channels/aa-self-home/members/{colleague}/editor", new { })).StatusCode);
    }
}
