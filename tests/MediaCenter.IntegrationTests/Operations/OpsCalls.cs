using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Identity;

namespace MediaCenter.IntegrationTests.Operations;

/// <summary>Calls of the plans, drills, campaigns and hot-events APIs.</summary>
public static class OpsCalls
{
    /// <summary>Sends a JSON body with an Idempotency-Key (a fresh one unless given; none when <paramref name="key"/> is empty).</summary>
    public static async Task<HttpResponseMessage> CallAsync(this HttpClient client, HttpMethod method, string path, object? body = null, string? key = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (key != "")
        {
            request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString("N"));
        }

        return await client.SendAsync(request);
    }

    /// <summary>Sends and expects a status; returns the JSON body.</summary>
    public static async Task<JsonElement> MustAsync(this HttpClient client, HttpMethod method, string path, object? body, HttpStatusCode expected,
        string? key = null)
    {
        using var response = await client.CallAsync(method, path, body, key);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The status of a call (the response is thrown away).</summary>
    public static async Task<HttpStatusCode> StatusAsync(this HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var response = await client.CallAsync(method, path, body);
        return response.StatusCode;
    }

    /// <summary>A string member.</summary>
    public static string Str(this JsonElement element, string name) => element.GetProperty(name).GetString()!;
}

/// <summary>Two access parties ({prefix}-a with a member and an admin, {prefix}-b with an admin) and platform staff, signed in.</summary>
public sealed class OpsPeople : IAsyncDisposable
{
    private readonly List<HttpClient> _clients = [];

    private OpsPeople(string prefix) => Prefix = prefix;

    public string Prefix { get; }

    public string PartyA => Prefix + "-a";

    public string PartyB => Prefix + "-b";

    public HttpClient Member { get; private set; } = null!;

    public HttpClient PartyAdmin { get; private set; } = null!;

    public HttpClient OtherParty { get; private set; } = null!;

    public HttpClient Management { get; private set; } = null!;

    public HttpClient Operator { get; private set; } = null!;

    public HttpClient Auditor { get; private set; } = null!;

    public static async Task<OpsPeople> CreateAsync(Deployment deployment, Uri web, string prefix)
    {
        var people = new OpsPeople(prefix);
        var identity = deployment.Identity;
        await identity.PartyAsync(people.PartyA);
        await identity.PartyAsync(people.PartyB);
        await identity.PartyUserAsync(prefix + "-member", people.PartyA, PartyRoles.Member);
        await identity.PartyUserAsync(prefix + "-padmin", people.PartyA, PartyRoles.Admin);
        await identity.PartyUserAsync(prefix + "-other", people.PartyB, PartyRoles.Admin);
        await identity.PlatformUserAsync(prefix + "-mgmt", PlatformRoles.Management);
        await identity.PlatformUserAsync(prefix + "-op", PlatformRoles.Operator);
        await identity.PlatformUserAsync(prefix + "-aud", PlatformRoles.Auditor);
        people.Member = await people.SignInAsync(web, "member");
        people.PartyAdmin = await people.SignInAsync(web, "padmin");
        people.OtherParty = await people.SignInAsync(web, "other");
        people.Management = await people.SignInAsync(web, "mgmt");
        people.Operator = await people.SignInAsync(web, "op");
        people.Auditor = await people.SignInAsync(web, "aud");
        return people;
    }

    private async Task<HttpClient> SignInAsync(Uri web, string who)
    {
        var client = await TestIdentity.SignInAsync(web, $"{Prefix}-{who}");
        _clients.Add(client);
        return client;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
