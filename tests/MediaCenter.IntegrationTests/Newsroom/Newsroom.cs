using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Identity;

namespace MediaCenter.IntegrationTests.Newsroom;

/// <summary>A channel with its newsroom staff, signed in, on a running deployment.</summary>
public sealed class NewsroomStaff : IAsyncDisposable
{
    private NewsroomStaff(string channel, Dictionary<string, (Guid Id, HttpClient Client)> people)
    {
        Channel = channel;
        People = people;
    }

    public string Channel { get; }

    private Dictionary<string, (Guid Id, HttpClient Client)> People { get; }

    public HttpClient Chief => People["chief"].Client;
    public HttpClient Editor => People["editor"].Client;
    public HttpClient Editor2 => People["editor2"].Client;
    public HttpClient Reviewer(int level) => People["rev" + level].Client;
    public HttpClient Outsider => People["outsider"].Client;
    public HttpClient Operator => People["operator"].Client;
    public HttpClient Stranger => People["stranger"].Client;

    public Guid IdOf(string who) => People[who].Id;

    /// <summary>Party {prefix}, channel {prefix}-home; a chief, two editors, reviewers of levels 1–3, a party member without channel roles,
    /// an operator, and an editor of another party's channel.</summary>
    public static async Task<NewsroomStaff> CreateAsync(Deployment deployment, Uri web, string prefix)
    {
        var identity = deployment.Identity;
        await identity.PartyAsync(prefix);
        await identity.PartyAsync(prefix + "-x");
        var channel = prefix + "-home";
        var people = new Dictionary<string, (Guid, HttpClient)>();
        async Task AddAsync(string who, string party, string? role, int? level, string? platformRole = null)
        {
            var username = $"{prefix}-{who}";
            var id = platformRole is null ? await identity.PartyUserAsync(username, party, PartyRoles.Member) : await identity.PlatformUserAsync(username, platformRole);
            if (role is not null)
            {
                await identity.Users.AddChannelRoleAsync(party + "-home", id, role, level);
            }

            people[who] = (id, await TestIdentity.SignInAsync(web, username));
        }

        await AddAsync("chief", prefix, ChannelRoles.Chief, null);
        await AddAsync("editor", prefix, ChannelRoles.Editor, null);
        await AddAsync("editor2", prefix, ChannelRoles.Editor, null);
        for (var level = 1; level <= 3; level++)
        {
            await AddAsync("rev" + level, prefix, ChannelRoles.Reviewer, level);
        }

        await AddAsync("outsider", prefix, null, null);
        await AddAsync("operator", prefix, null, null, PlatformRoles.Operator);
        await AddAsync("stranger", prefix + "-x", ChannelRoles.Editor, null);
        return new NewsroomStaff(channel, people);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var (_, client) in People.Values)
        {
            client.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>Calls of the newsroom API.</summary>
public static class NewsroomCalls
{
    public static async Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string path, object? body, string? key)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return await client.SendAsync(request);
    }

    /// <summary>Files a pitch; returns the story id.</summary>
    public static async Task<string> FileAsync(this HttpClient editor, string channel, string title, object? extra = null)
    {
        var response = await editor.SendAsync(HttpMethod.Post, $"/api/v1/channels/{channel}/pitches",
            extra ?? new { title, angle = "从基层视角看政策落地", materials = new object[] { new { kind = "Note", text = "采访提纲" } } }, Guid.NewGuid().ToString());
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>Sends a story command and returns the response.</summary>
    public static Task<HttpResponseMessage> CommandAsync(this HttpClient client, string id, string command, object? body = null, string? key = null) =>
        client.SendAsync(HttpMethod.Post, $"/api/v1/articles/{id}/{command}", body ?? new { }, key ?? Guid.NewGuid().ToString());

    /// <summary>Sends a story command that must be applied; returns the card.</summary>
    public static async Task<JsonElement> OkAsync(this HttpClient client, string id, string command, object? body = null)
    {
        var response = await client.CommandAsync(id, command, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{command} on {id}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    public static string Stage(this JsonElement card) => card.GetProperty("stage").GetString()!;
}
