using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.IntegrationTests.Newsroom;

namespace MediaCenter.IntegrationTests.Failures;

/// <summary>
/// One of two silos is killed (SIGKILL) under a steady stream of newsroom commands: every command the API acknowledged is
/// there afterwards (compared with the client's own log of acknowledged ids), the stories reactivate on the survivor, and the
/// gap in service is measured.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class SiloLossTests(IntegrationFixture fixture)
{
    private sealed record Call(DateTimeOffset At, double Ms, HttpStatusCode Status, string? Id, string? Story);

    [Fact]
    public async Task Killing_one_of_two_silos_under_load_loses_no_acknowledged_command_and_service_resumes_on_the_survivor()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        var silos = new[] { await deployment.StartSiloAsync("loss-1"), await deployment.StartSiloAsync("loss-2") };
        var web = await deployment.StartWebAsync("loss-web");
        await using var staff = await NewsroomStaff.CreateAsync(deployment, web.Http, "sil");

        // Stories spread over both silos, each moved along by its own worker: file, then confirm, then return/refile … forever.
        var calls = new ConcurrentQueue<Call>();
        using var stop = new CancellationTokenSource();
        var load = Task.WhenAll(Enumerable.Range(0, 6).Select(async worker =>
        {
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                var clock = Stopwatch.StartNew();
                var at = DateTimeOffset.UtcNow;
                HttpStatusCode status = 0;
                string? id = null;
                try
                {
                    using var response = await staff.Editor.SendAsync(HttpMethod.Post, $"/api/v1/channels/{staff.Channel}/pitches",
                        new { title = $"宕机测试 {worker}-{n}" }, $"sil-{worker}-{n++}");
                    status = response.StatusCode;
                    if (status == HttpStatusCode.Created)
                    {
                        id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
                    }
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException) when (!stop.IsCancellationRequested)
                {
                }

                calls.Enqueue(new Call(at, clock.Elapsed.TotalMilliseconds, status, id, id));
                await Task.Delay(20);
            }
        }));

        await Eventually.WaitAsync(() => Task.FromResult(calls.Count(c => c.Id is not null)), n => n >= 30, TimeSpan.FromSeconds(30), "stories filed before the kill");
        var killedAt = DateTimeOffset.UtcNow;
        silos[0].Kill();
        var after = await Eventually.WaitAsync(() => Task.FromResult(calls.Where(c => c.At > killedAt && c.Status == HttpStatusCode.Created).ToList()),
            c => c.Count >= 30, TimeSpan.FromSeconds(90), "stories filed on the survivor");
        await stop.CancelAsync();
        await load;

        var all = calls.OrderBy(c => c.At).ToList();
        var acknowledged = all.Where(c => c.Id is not null).Select(c => c.Id!).ToList();
        var refused = all.Count(c => c.Status != HttpStatusCode.Created);
        Assert.All(all.Where(c => c.Status is not (HttpStatusCode.Created or 0)), c => Assert.Equal(HttpStatusCode.ServiceUnavailable, c.Status));

        // The client's log of acknowledged commands against what is stored: every story is there, on the survivor.
        foreach (var id in acknowledged)
        {
            var story = await staff.Editor.GetFromJsonAsync<JsonElement>($"/api/v1/articles/{id}");
            Assert.Equal("Pitched", story.GetProperty("card").GetProperty("stage").GetString());
        }

        var lastBefore = all.Where(c => c.At <= killedAt && c.Id is not null).Max(c => c.At + TimeSpan.FromMilliseconds(c.Ms));
        var firstAfter = after.Min(c => c.At + TimeSpan.FromMilliseconds(c.Ms));
        var gap = firstAfter - lastBefore;
        Console.WriteLine($"silo loss: {acknowledged.Count} acknowledged, 0 lost, {refused} refused or failed (all 503 or dropped connections), " +
            $"longest answer {all.Max(c => c.Ms):0} ms, gap between the last success before the kill and the first after it {gap.TotalSeconds:0.0} s");
        Assert.True(gap < TimeSpan.FromSeconds(60), $"service came back only after {gap.TotalSeconds:0} s");
    }
}
