using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using MediaCenter.IntegrationTests.Identity;
using MediaCenter.IntegrationTests.Operations;
using Npgsql;

namespace MediaCenter.IntegrationTests.Indicators;

/// <summary>
/// Report packs made on request, on real processes and PostgreSQL: asked for, made in the background while its steps are pushed
/// live to the person who asked, kept in PostgreSQL and streamed from there, to that person only.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class ReportExportTests(IntegrationFixture fixture)
{
    private static string Name(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_requested_pack_is_made_in_the_background_its_steps_are_pushed_live_and_only_its_requester_downloads_it()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await deployment.StartSiloAsync("rx-1");
        var web = await deployment.StartWebAsync();
        await using var people = await OpsPeople.CreateAsync(deployment, web.Http, "rxp");
        var now = DateTimeOffset.UtcNow;
        var last = new DateOnly(now.Year, now.Month, 1).AddMonths(-1);
        var first = last.AddMonths(-1);
        await using var hub = await LiveHubClient.ConnectAsync(web.Http, LiveHubClient.TokenOf(people.PartyAdmin));
        var pushed = hub.Record("reportExportChanged");

        // A range that runs backwards is refused before anything is made.
        await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/reports/exports", new { from = Name(last), to = Name(first) }, HttpStatusCode.UnprocessableEntity);

        // A party's admin asks for the other party's pack and gets their own party's; a retry with the same key is the same request.
        var key = Guid.NewGuid().ToString("N");
        var body = new { from = Name(first), to = Name(last), partyId = people.PartyB };
        using var response = await people.PartyAdmin.CallAsync(HttpMethod.Post, "/api/v1/reports/exports", body, key);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var started = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        var id = started.Str("id");
        Assert.Equal($"/api/v1/reports/exports/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal((people.PartyA, Name(first), Name(last)), (started.Str("partyId"), started.Str("from"), started.Str("to")));
        var retried = await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/reports/exports", body, HttpStatusCode.Accepted, key);
        Assert.Equal(id, retried.Str("id"));

        var made = await Eventually.WaitAsync(
            () => people.PartyAdmin.MustAsync(HttpMethod.Get, $"/api/v1/reports/exports/{id}", null, HttpStatusCode.OK),
            s => s.Str("state") != "Running", TimeSpan.FromSeconds(60), "the pack made");
        Assert.Equal("Done", made.Str("state"));
        Assert.Equal((12, 12), (made.GetProperty("stepsDone").GetInt32(), made.GetProperty("stepsTotal").GetInt32()));
        Assert.Equal($"/api/v1/reports/exports/{id}/pack.xlsx", made.Str("download"));

        // Each step reached the person who asked as it was done (live pushes may overtake each other: the page keeps the furthest).
        static List<int> Running(IEnumerable<System.Text.Json.JsonElement> pushed, string id) =>
            [.. pushed.Where(e => e.Str("id") == id && e.Str("state") == "Running").Select(e => e.GetProperty("stepsDone").GetInt32()).Distinct().Order()];
        var steps = await Eventually.WaitAsync(() => Task.FromResult(pushed.ToList()),
            p => p.Exists(e => e.Str("id") == id && e.Str("state") == "Done") && Running(p, id).Count == 13, TimeSpan.FromSeconds(10), "the pushed steps");
        Assert.Equal(Enumerable.Range(0, 13), Running(steps, id));
        Assert.Contains(steps, e => e.Str("id") == id && e.Str("step") == "Measures");

        // The file streams from PostgreSQL as it was kept: the size and hash it was made with, two months of the party's measures.
        using var file = await people.PartyAdmin.GetAsync(made.Str("download"));
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal(made.GetProperty("bytes").GetInt64(), file.Content.Headers.ContentLength);
        var bytes = await file.Content.ReadAsByteArrayAsync();
        Assert.Equal(made.Str("sha256"), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        using var xlsx = new MemoryStream(bytes);
        Assert.Equal(["Measures", "Indicators", "Trends", "Rectifications", "Channels", "Incidents", "RootCauses", "Terminals", "Inspections", "Staff", "HotEvents"],
            MiniExcelLibs.MiniExcel.GetSheetNames(xlsx));
        var measures = MiniExcelLibs.MiniExcel.Query(xlsx, useHeaderRow: true, sheetName: "Measures").Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal([people.PartyA, people.PartyA], measures.Select(r => (string)r["Party"]!));
        Assert.Equal(bytes.LongLength, await KeptBytesAsync(deployment.ConnectionString, id));

        // The same section as a page reads it: the columns in order, then each row's values; an unknown section is refused.
        var section = await people.PartyAdmin.MustAsync(HttpMethod.Get, $"/api/v1/reports/sections/measures?from={Name(first)}&to={Name(last)}", null, HttpStatusCode.OK);
        Assert.Equal("Measures", section.Str("section"));
        var columns = section.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal([.. measures[0].Keys], columns);
        Assert.Equal(2, section.GetProperty("rows").GetArrayLength());
        Assert.All(section.GetProperty("rows").EnumerateArray(), r => Assert.Equal(people.PartyA, r[1].GetString()));
        await people.PartyAdmin.MustAsync(HttpMethod.Get, "/api/v1/reports/sections/nonsense", null, HttpStatusCode.UnprocessableEntity);

        // Nobody else sees it, not even management.
        Assert.Equal(HttpStatusCode.NotFound, await people.Management.StatusAsync(HttpMethod.Get, $"/api/v1/reports/exports/{id}"));
        Assert.Equal(HttpStatusCode.NotFound, await people.Member.StatusAsync(HttpMethod.Get, $"/api/v1/reports/exports/{id}/pack.xlsx"));
        Assert.Equal(HttpStatusCode.NotFound, await people.PartyAdmin.StatusAsync(HttpMethod.Get, $"/api/v1/reports/exports/{Guid.NewGuid():N}"));
    }

    private static async Task<long> KeptBytesAsync(string connectionString, string id)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT octet_length(content) FROM mc.report_exports WHERE id = @id AND state = 'Done'", connection);
        command.Parameters.AddWithValue("id", id);
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
