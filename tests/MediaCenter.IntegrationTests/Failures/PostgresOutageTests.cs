using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.IntegrationTests.Newsroom;
using Npgsql;

namespace MediaCenter.IntegrationTests.Failures;

/// <summary>
/// PostgreSQL stops for 10 s under a steady stream of newsroom commands: the API answers 503 problem details quickly
/// (no hanging requests), nothing it acknowledged is lost, and everything recovers by itself.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class PostgresOutageTests
{
    private sealed record Call(DateTimeOffset At, double Ms, HttpStatusCode Status, string? Id, string Phase);

    [Fact]
    public async Task A_ten_second_postgres_outage_answers_503_quickly_loses_nothing_acknowledged_and_recovers_by_itself()
    {
        // Its own server: the outage must not touch the other tests.
        await using var postgres = await TestPostgres.StartAsync();
        await using var deployment = await postgres.NewDeploymentAsync("outage");
        await deployment.StartSiloAsync("outage-silo");
        var web = await deployment.StartWebAsync("outage-web");
        await using var staff = await NewsroomStaff.CreateAsync(deployment, web.Http, "pgo");

        var calls = new ConcurrentQueue<Call>();
        var phase = "before";
        using var stop = new CancellationTokenSource();
        var load = Task.WhenAll(Enumerable.Range(0, 4).Select(async worker =>
        {
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                var clock = Stopwatch.StartNew();
                var at = DateTimeOffset.UtcNow;
                var current = phase;
                HttpStatusCode status;
                string? id = null;
                try
                {
                    using var response = await staff.Editor.SendAsync(HttpMethod.Post, $"/api/v1/channels/{staff.Channel}/pitches",
                        new { title = $"停库测试 {worker}-{n++}" }, $"pgo-{worker}-{n}");
                    status = response.StatusCode;
                    if (status == HttpStatusCode.Created)
                    {
                        id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
                    }
                    else if (status == HttpStatusCode.ServiceUnavailable)
                    {
                        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    }
                }
                catch (HttpRequestException)
                {
                    status = 0;
                }

                calls.Enqueue(new Call(at, clock.Elapsed.TotalMilliseconds, status, id, current));
                await Task.Delay(50);
            }
        }));

        await Task.Delay(TimeSpan.FromSeconds(4));
        phase = "outage";
        var down = DateTimeOffset.UtcNow;
        await postgres.PauseAsync();
        await Task.Delay(TimeSpan.FromSeconds(10));
        await postgres.ResumeAsync();
        var up = DateTimeOffset.UtcNow;
        phase = "after";
        var recovered = await Eventually.WaitAsync(() => Task.FromResult(calls.Where(c => c.At > up && c.Status == HttpStatusCode.Created).ToList()),
            c => c.Count >= 5, TimeSpan.FromSeconds(60), "successful commands after PostgreSQL is back");
        await stop.CancelAsync();
        await load;

        var all = calls.ToList();
        var during = all.Where(c => c.Phase == "outage").ToList();
        Assert.NotEmpty(during);
        // No hanging requests: every answer during the outage came within 5 s, and the refusals are 503 problem details.
        Assert.All(during, c => Assert.True(c.Ms < 5_000, $"a request took {c.Ms:0} ms during the outage"));
        Assert.All(during.Where(c => c.Status != HttpStatusCode.Created), c => Assert.Equal(HttpStatusCode.ServiceUnavailable, c.Status));
        Assert.Contains(during, c => c.Status == HttpStatusCode.ServiceUnavailable);

        // Nothing acknowledged is lost: every story the API created is there, in its grain and in the read model.
        var acknowledged = all.Where(c => c.Id is not null).Select(c => c.Id!).ToList();
        foreach (var id in acknowledged)
        {
            var story = await staff.Editor.GetFromJsonAsync<JsonElement>($"/api/v1/articles/{id}");
            Assert.Equal("Pitched", story.GetProperty("card").GetProperty("stage").GetString());
        }

        await Eventually.WaitAsync(async () =>
            {
                await using var connection = new NpgsqlConnection(deployment.ConnectionString);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT count(*) FROM mc.articles WHERE id = ANY (@ids)", connection);
                command.Parameters.AddWithValue("ids", acknowledged.ToArray());
                return (long)(await command.ExecuteScalarAsync())!;
            }, n => n == acknowledged.Count, TimeSpan.FromSeconds(60), "every acknowledged story in the read model");

        var firstSuccess = recovered.Min(c => c.At);
        Console.WriteLine($"outage: {during.Count} calls during 10 s down (max {during.Max(c => c.Ms):0} ms), " +
            $"{acknowledged.Count} acknowledged in all, first success {(firstSuccess - up).TotalSeconds:0.0} s after PostgreSQL was back, 0 lost");
        Assert.True(firstSuccess - up < TimeSpan.FromSeconds(30), $"recovered only {(firstSuccess - up).TotalSeconds:0} s after PostgreSQL was back");
        _ = down;
    }
}
