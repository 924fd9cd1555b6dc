using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.Identity;
using MediaCenter.IntegrationTests.Identity;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace MediaCenter.IntegrationTests.Web;

/// <summary>
/// Live events in the language of each connection (issue 22, one language system): the same notification reaches a
/// connection that chose English and one that did not, each rendered in its own language, neither with both.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class LiveLanguageTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task A_notification_reaches_each_live_connection_in_the_language_it_chose()
    {
        var shared = await fixture.SharedAsync();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        await shared.Deployment.Identity.PlatformUserAsync("ll-op-" + suffix, PlatformRoles.Operator);
        await shared.Deployment.Identity.PartyAsync("ll-" + suffix);
        await shared.Deployment.Identity.PartyUserAsync("ll-user-" + suffix, "ll-" + suffix, PartyRoles.Member);
        using var operatorApi = await shared.SignInAsync("ll-op-" + suffix);
        using var reporter = await shared.SignInAsync("ll-user-" + suffix);
        var title = "Pump room " + suffix;

        await using var english = await ConnectAsync(shared.Web.Http, "/hubs/live?lang=en", LiveHubClient.TokenOf(operatorApi));
        await using var chinese = await ConnectAsync(shared.Web.Http, "/hubs/live", LiveHubClient.TokenOf(operatorApi));
        var inEnglish = Notification(english, title);
        var inChinese = Notification(chinese, title);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/incidents")
        {
            Content = JsonContent.Create(new { title, detail = "water on the floor", severity = "P3" }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        (await reporter.SendAsync(request)).EnsureSuccessStatusCode();

        var en = (await inEnglish.WaitAsync(TimeSpan.FromSeconds(20))).GetProperty("body").GetString();
        var zh = (await inChinese.WaitAsync(TimeSpan.FromSeconds(20))).GetProperty("body").GetString();
        Assert.Equal($"P3 {title}: water on the floor", en);
        Assert.Equal($"P3 {title}：water on the floor", zh);
        foreach (var text in new[] { en!, zh! })
        {
            Assert.DoesNotContain(text, c => c is >= '\uE000' and <= '\uE003');
        }
    }

    private static Task<JsonElement> Notification(HubConnection hub, string title)
    {
        var received = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<JsonElement>("notification", n =>
        {
            if (n.GetProperty("title").GetString() == title)
            {
                received.TrySetResult(n);
            }
        });
        return received.Task;
    }

    private static async Task<HubConnection> ConnectAsync(Uri web, string path, string token)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(web, path), HttpTransportType.WebSockets, o =>
            {
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        await hub.StartAsync();
        return hub;
    }
}
