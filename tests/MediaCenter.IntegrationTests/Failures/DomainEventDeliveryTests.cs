using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MediaCenter.IntegrationTests.Incidents;
using MediaCenter.IntegrationTests.Newsroom;
using Npgsql;

namespace MediaCenter.IntegrationTests.Failures;

/// <summary>
/// Domain events flow from newsroom and incident commands (through the web API) to the editor grains while one of two
/// silos is killed (SIGKILL). Whatever the streams lost with the silo, every person's counters afterwards equal what
/// <c>mc.event_log</c> holds for them, day by day.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class DomainEventDeliveryTests(IntegrationFixture fixture)
{
    private static readonly string[] People = ["chief", "editor", "editor2", "rev1", "rev2", "rev3", "operator"];

    private sealed record Counters(int Filed, int Selected, int Drafts, int Reviews, int Timed, int Submitted, int OnTime, int Acknowledged, int Resolved);

    [Fact]
    public async Task After_a_silo_is_killed_while_events_flow_every_editor_counts_exactly_what_the_event_log_holds()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        var silos = new[] { await deployment.StartSiloAsync("events-1"), await deployment.StartSiloAsync("events-2") };
        var web = await deployment.StartWebAsync("events-web");
        await using var staff = await NewsroomStaff.CreateAsync(deployment, web.Http, "evd");

        using var stop = new CancellationTokenSource();
        var stories = 0;
        var incidents = 0;
        var refused = new ConcurrentBag<string>();
        var workers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                await StoryAsync(staff, $"{w}-{n}", refused);
                Interlocked.Increment(ref stories);
            }
        })).Append(Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                await IncidentAsync(staff, n, refused);
                Interlocked.Increment(ref incidents);
            }
        })).ToList();

        await Eventually.WaitAsync(() => Task.FromResult(stories), s => s >= 6, TimeSpan.FromSeconds(60), "stories through review before the kill");
        var before = stories;
        silos[0].Kill();
        await Eventually.WaitAsync(() => Task.FromResult(stories), s => s >= before + 6, TimeSpan.FromSeconds(120), "stories through review after the kill");
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).DateTime);
        var (from, to) = (today.AddDays(-1), today.AddDays(1));
        long live = 0, fromLog = 0;
        foreach (var who in People)
        {
            var id = staff.IdOf(who);
            var expected = await LoggedAsync(deployment.ConnectionString, id);
            var activity = await Eventually.WaitAsync(() => staff.Operator.GetFromJsonAsync<JsonElement>($"/api/v1/editors/{id}/activity?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}"),
                a => Counted(a).SequenceEqual(expected), TimeSpan.FromSeconds(60), $"{who}'s counters equal to the event log ({Show(expected)})");
            live += activity.GetProperty("delivery").GetProperty("live").GetInt64();
            fromLog += activity.GetProperty("delivery").GetProperty("fromLog").GetInt64();
        }

        Assert.True(live > 0, "the streams delivered nothing live");
        var logged = await CountAsync(deployment.ConnectionString);
        Console.WriteLine($"domain events across a silo kill: {stories} stories and {incidents} incidents, {logged} events in the log; the editor grains " +
            $"applied {live} deliveries live and {fromLog} from the log; {refused.Count} calls refused or dropped while the silo was lost, all retried");
    }

    /// <summary>One story from pitch to the third approval, each step retried under its Idempotency-Key until applied.</summary>
    private static async Task StoryAsync(NewsroomStaff staff, string tag, ConcurrentBag<string> refused)
    {
        var filed = await RetryAsync(() => staff.Editor.SendAsync(HttpMethod.Post, $"/api/v1/channels/{staff.Channel}/pitches",
            new { title = "事件流测试 " + tag }, "file-" + tag), refused);
        var id = filed.GetProperty("id").GetString()!;
        Task<JsonElement> Step(HttpClient who, string command, object body, string key) =>
            RetryAsync(() => who.CommandAsync(id, command, body, key + "-" + tag), refused);

        await Step(staff.Chief, "confirm", new { }, "confirm");
        await Step(staff.Chief, "assign", new { assignees = new[] { staff.IdOf("editor"), staff.IdOf("editor2") }, dueAt = DateTimeOffset.UtcNow.AddHours(4) }, "assign");
        await Step(staff.Editor, "save-draft", new { baseVersion = 0, draft = new { kind = "ImageText", title = "事件流测试 " + tag, summary = "摘要", bodyHtml = "<p>正文</p>" } }, "draft");
        await Step(staff.Editor2, "submit", new { }, "submit");
        for (var level = 1; level <= 3; level++)
        {
            await Step(staff.Reviewer(level), "approve", new { comment = "同意" }, "approve" + level);
        }
    }

    /// <summary>One incident reported, acknowledged and resolved by the operator on duty.</summary>
    private static async Task IncidentAsync(NewsroomStaff staff, int n, ConcurrentBag<string> refused)
    {
        var reported = await RetryAsync(() => staff.Operator.SendAsync(HttpMethod.Post, "/api/v1/incidents",
            new { title = "事件流故障 " + n, detail = "测试", severity = "P3", partyId = "evd", dedupKey = "evd-incident-" + n }, "report-" + n), refused);
        var id = reported.GetProperty("id").GetString()!;
        await RetryAsync(() => staff.Operator.IncidentAsync(id, "acknowledge", new { }, "ack-" + n), refused);
        await RetryAsync(() => staff.Operator.IncidentAsync(id, "resolve", new { text = "已恢复" }, "resolve-" + n), refused);
    }

    /// <summary>Sends until the command is applied: 503 and dropped connections while the silo is lost, then the same key again.</summary>
    private static async Task<JsonElement> RetryAsync(Func<Task<HttpResponseMessage>> send, ConcurrentBag<string> refused)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            try
            {
                using var response = await send();
                var text = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode)
                {
                    return JsonDocument.Parse(text).RootElement.Clone();
                }

                Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode} {text}");
                refused.Add(text);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                refused.Add(ex.Message);
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, "a command was not applied within 90 s of the silo loss");
            await Task.Delay(200);
        }
    }

    /// <summary>The counters by day as the editor grain answers them.</summary>
    private static List<(DateOnly Day, Counters Counters)> Counted(JsonElement activity) =>
        [.. activity.GetProperty("days").EnumerateArray().Select(d =>
        {
            var c = d.GetProperty("counters");
            int N(string name) => c.GetProperty(name).GetInt32();
            return (DateOnly.Parse(d.GetProperty("day").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
                new Counters(N("pitchesFiled"), N("pitchesSelected"), N("draftsSaved"), N("reviewsDone"), N("reviewsTimed"), N("assignmentsSubmitted"),
                    N("submittedOnTime"), N("incidentsAcknowledged"), N("incidentsResolved")));
        })];

    /// <summary>The same counters computed from mc.event_log directly, by calendar day in Asia/Shanghai.</summary>
    private static async Task<List<(DateOnly Day, Counters Counters)>> LoggedAsync(string connectionString, Guid person)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand("""
            SELECT (occurred_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
                count(*) FILTER (WHERE entity_type = 'article' AND event_type = 'File' AND payload->>'actorId' = @p)::int,
                count(*) FILTER (WHERE entity_type = 'article' AND event_type = 'Confirm' AND payload->'author'->>'id' = @p)::int,
                count(*) FILTER (WHERE entity_type = 'article' AND event_type = 'SaveDraft' AND payload->>'actorId' = @p)::int,
                count(*) FILTER (WHERE entity_type = 'article' AND event_type IN ('Approve', 'Reject') AND payload->>'actorId' = @p)::int,
                count(*) FILTER (WHERE entity_type = 'article' AND event_type IN ('Approve', 'Reject') AND payload->>'actorId' = @p
                    AND payload->>'reviewRequestedAt' IS NOT NULL)::int,
                count(*) FILTER (WHERE entity_type = 'article' AND event_type = 'Submit' AND payload->'assignees' @> jsonb_build_array(jsonb_build_object('id', @p)))::int,
                count(*) FILTER (WHERE entity_type = 'article' AND event_type = 'Submit' AND payload->'assignees' @> jsonb_build_array(jsonb_build_object('id', @p))
                    AND (payload->>'dueAt' IS NULL OR occurred_at <= (payload->>'dueAt')::timestamptz))::int,
                count(*) FILTER (WHERE entity_type = 'incident' AND event_type = 'incident.Acknowledge' AND payload->>'actorId' = @p)::int,
                count(*) FILTER (WHERE entity_type = 'incident' AND event_type = 'incident.Resolve' AND payload->>'actorId' = @p)::int
            FROM mc.event_log
            WHERE @person = ANY (people) AND entity_type IN ('article', 'incident')
            GROUP BY 1
            ORDER BY 1
            """);
        command.Parameters.AddWithValue("p", person.ToString());
        command.Parameters.AddWithValue("person", person);
        var days = new List<(DateOnly, Counters)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var c = new Counters(reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6),
                reader.GetInt32(7), reader.GetInt32(8), reader.GetInt32(9));
            if (c != new Counters(0, 0, 0, 0, 0, 0, 0, 0, 0))
            {
                days.Add((reader.GetFieldValue<DateOnly>(0), c));
            }
        }

        return days;
    }

    private static async Task<long> CountAsync(string connectionString)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand("SELECT count(*) FROM mc.event_log");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static string Show(List<(DateOnly Day, Counters Counters)> days) => string.Join("; ", days.Select(d => $"{d.Day}: {d.Counters}"));
}
