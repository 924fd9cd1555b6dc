using System.Net.Http.Headers;
using System.Net.Http.Json;
using MediaCenter.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MediaCenter.Testing;

/// <summary>Arranges accounts, parties and channels directly in a deployment's database, and signs in over HTTP.</summary>
public sealed class TestIdentity(string connectionString) : IAsyncDisposable
{
    /// <summary>The password of every account this class creates.</summary>
    public const string Password = "Test-Passw0rd!";

    private readonly ServiceProvider _services = IdentityServices.CreateStandalone(connectionString);

    /// <summary>The account store.</summary>
    public UserStore Users => _services.GetRequiredService<UserStore>();

    /// <summary>Parties and channels.</summary>
    public PartyDirectory Directory => _services.GetRequiredService<PartyDirectory>();

    /// <summary>Terminal credentials.</summary>
    public TerminalCredentialStore Terminals => _services.GetRequiredService<TerminalCredentialStore>();

    /// <summary>Creates a platform account with the given roles.</summary>
    public Task<Guid> PlatformUserAsync(string username, params string[] roles) =>
        Users.CreateAsync(new NewUser(username, username, Password, PlatformRoles: roles));

    /// <summary>Creates an access-party account.</summary>
    public Task<Guid> PartyUserAsync(string username, string party, string partyRole, PersonalData? personal = null) =>
        Users.CreateAsync(new NewUser(username, username, Password, party, partyRole, Personal: personal));

    /// <summary>Creates an access party with one channel named <c>{party}-home</c>.</summary>
    public async Task PartyAsync(string party)
    {
        await Directory.CreatePartyAsync(party, party + " 名称");
        await Directory.CreateChannelAsync(party + "-home", party + " 首页", party);
    }

    /// <summary>An HTTP client signed in with a bearer token.</summary>
    public static async Task<HttpClient> SignInAsync(Uri baseAddress, string username, string password = Password)
    {
        var http = new HttpClient { BaseAddress = baseAddress };
        var response = await http.PostAsJsonAsync("/api/auth/tokens", new { username, password });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<TokenResponse>())!.Token;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private sealed record TokenResponse(string Token);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
