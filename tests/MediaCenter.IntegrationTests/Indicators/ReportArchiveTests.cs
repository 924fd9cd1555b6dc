using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using MediaCenter.IntegrationTests.Operations;
using Npgsql;

namespace MediaCenter.IntegrationTests.Indicators;

/// <summary>
/// Monthly report packs kept for download, on real processes and PostgreSQL: made on request for an ended month, one per party
/// and one of all parties, served byte for byte to those who may see them; and made by the durable reminder for the previous
/// month once a silo that keeps them starts.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class ReportArchiveTests(IntegrationFixture fixture)
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static DateOnly FirstOfMonth(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, Shanghai);
        return new DateOnly(local.Year, local.Month, 1);
    }

    private static string Name(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    [Fact]
    public async Task An_ended_months_packs_are_kept_per_party_served_as_made_and_the_reminder_makes_the_previous_months()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        var silo = await deployment.StartSiloAsync("ra-1");
        var web = await deployment.StartWebAsync();
        await using var people = await OpsPeople.CreateAsync(deployment, web.Http, "rar");
        var (a, b) = (people.PartyA, people.PartyB);
        var current = FirstOfMonth(DateTimeOffset.UtcNow);
        var month = Name(current.AddMonths(-2));

        // Only platform staff make packs, and only of a month that has ended.
        Assert.Equal(HttpStatusCode.Forbidden, await people.PartyAdmin.StatusAsync(HttpMethod.Post, $"/api/v1/reports/archive/{month}"));
        Assert.Equal(HttpStatusCode.BadRequest, await people.Management.StatusAsync(HttpMethod.Post, $"/api/v1/reports/archive/{Name(current)}"));
        Assert.Equal(HttpStatusCode.NotFound, await people.PartyAdmin.StatusAsync(HttpMethod.Get, $"/api/v1/reports/archive/{month}.xlsx"));

        var made = await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/reports/archive/{month}", null, HttpStatusCode.OK);
        var parties = made.EnumerateArray().Select(p => p.Str("partyId")).ToList();
        Assert.Contains("", parties);
        Assert.Contains(a, parties);
        Assert.Contains(b, parties);
        var again = await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/reports/archive/{month}", null, HttpStatusCode.OK);
        Assert.Equal(made.GetRawText(), again.GetRawText());

        // A party's admin lists and downloads its own pack: the bytes hash to what was kept, and every sheet is about that party.
        var listed = await people.PartyAdmin.MustAsync(HttpMethod.Get, "/api/v1/reports/archive", null, HttpStatusCode.OK);
        var own = Assert.Single(listed.EnumerateArray());
        Assert.Equal((a, current.AddMonths(-2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), (own.Str("partyId"), own.Str("month")));
        using var response = await people.PartyAdmin.GetAsync($"/api/v1/reports/archive/{month}.xlsx?partyId={b}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(own.Str("sha256"), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.Equal(own.GetProperty("bytes").GetInt64(), bytes.LongLength);
        using var xlsx = new MemoryStream(bytes);
        Assert.Equal(["Measures", "Indicators", "Trends", "Rectifications", "Channels", "Incidents", "RootCauses", "Terminals", "Inspections", "Staff", "HotEvents"], MiniExcelLibs.MiniExcel.GetSheetNames(xlsx));
        var measures = Assert.Single(MiniExcelLibs.MiniExcel.Query(xlsx, useHeaderRow: true, sheetName: "Measures").Cast<IDictionary<string, object?>>());
        Assert.Equal(a, measures["Party"]);
        Assert.Equal(1, own.GetProperty("sections").GetProperty("Measures").GetInt32());

        // Management downloads the pack of all parties, which has a row per party.
        using var all = await people.Management.GetAsync($"/api/v1/reports/archive/{month}.xlsx");
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        using var allXlsx = new MemoryStream(await all.Content.ReadAsByteArrayAsync());
        var allParties = MiniExcelLibs.MiniExcel.Query(allXlsx, useHeaderRow: true, sheetName: "Measures").Cast<IDictionary<string, object?>>()
            .Select(r => (string)r["Party"]!).ToList();
        Assert.Contains(a, allParties);
        Assert.Contains(b, allParties);

        // A silo that keeps monthly packs replaces this one: its reminder makes the previous month's packs by itself.
        await silo.Process.StopAsync(TimeSpan.FromSeconds(20));
        await deployment.StartSiloAsync("ra-2", new Dictionary<string, string>
        {
            ["Reports__KeepMonthlyPacks"] = "true",
            ["Reports__FirstCheckAfter"] = "00:00:02",
            ["Reports__CheckEvery"] = "00:01:00",
        });
        var previous = current.AddMonths(-1);
        var kept = await Eventually.WaitAsync(() => KeptPartiesAsync(deployment.ConnectionString, previous),
            p => p.Contains(a) && p.Contains(b) && p.Contains(""), TimeSpan.FromSeconds(90), "the previous month's packs made by the reminder");
        Assert.Equal(kept.Count, kept.Distinct().Count());
        var progress = await Eventually.WaitAsync(
            () => people.Management.MustAsync(HttpMethod.Get, "/api/v1/reports/archive/progress", null, HttpStatusCode.OK),
            p => p.Str("lastArchived") == previous.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), TimeSpan.FromSeconds(30), "the archive's progress");
        Assert.Equal(0, progress.GetProperty("total").GetInt32());
    }

    private static async Task<List<string>> KeptPartiesAsync(string connectionString, DateOnly month)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT party_id FROM mc.report_packs WHERE month = @month", connection);
        command.Parameters.AddWithValue("month", month);
        await using var reader = await command.ExecuteReaderAsync();
        var parties = new List<string>();
        while (await reader.ReadAsync())
        {
            parties.Add(reader.GetString(0));
        }

        return parties;
    }
}
