using System.Net;
using System.Net.Http.Json;
using MediaCenter.Identity;
using MediaCenter.IntegrationTests.Operations;

namespace MediaCenter.IntegrationTests.Supervision;

/// <summary>
/// F11.2 on real processes and PostgreSQL: a survey's answers exported as XLSX and CSV, one row per answer with one column per
/// question, headers in the caller's language, a phone number written in a text answer masked except for a platform administrator.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class SurveyExportTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task A_surveys_answers_export_as_a_workbook_and_csv_with_one_row_per_answer_and_phone_numbers_masked()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "sux");
        await shared.Deployment.Identity.PlatformUserAsync("sux-admin", PlatformRoles.Admin);
        using var admin = await TestIdentity.SignInAsync(shared.Web.Http, "sux-admin");
        using var anonymous = new HttpClient { BaseAddress = shared.Web.Http };

        var survey = await people.Operator.MustAsync(HttpMethod.Post, "/api/v1/surveys", new
        {
            title = "讲座满意度",
            questions = new object[]
            {
                new { kind = "Single", text = "您从哪里得知讲座？", options = new[] { "公众号", "海报" }, required = true },
                new { kind = "Rating", text = "总体满意度", required = true },
                new { kind = "Text", text = "建议与联系方式" },
            },
            consentText = "联系方式仅用于回访",
        }, HttpStatusCode.Created);
        var id = survey.Str("id");
        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/surveys/{id}/publish", new { }, HttpStatusCode.OK);
        foreach (var answer in new object[]
        {
            new { items = new object[] { new { number = 1, choices = new[] { 2 } }, new { number = 2, rating = 5 }, new { number = 3, text = "多办讲座，电话13812345678" } }, consent = true },
            new { items = new object[] { new { number = 1, choices = new[] { 1 } }, new { number = 2, rating = 3 } }, consent = true },
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/public/surveys/{id}/answers") { Content = JsonContent.Create(answer) };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            using var response = await anonymous.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        // The answers reach the read table after the grain acknowledged them.
        List<IDictionary<string, object?>> rows = [];
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (rows.Count < 2)
        {
            Assert.True(DateTime.UtcNow < until, "the answers did not reach the export within 30 s");
            await Task.Delay(300);
            using var xlsx = new MemoryStream(await people.Management.GetByteArrayAsync($"/api/v1/surveys/{id}/answers.xlsx"));
            Assert.Equal(["答卷"], MiniExcelLibs.MiniExcel.GetSheetNames(xlsx));
            rows = [.. MiniExcelLibs.MiniExcel.Query(xlsx, useHeaderRow: true, sheetName: "答卷").Cast<IDictionary<string, object?>>()
                .Where(r => r["序号"] is not null)];
        }

        Assert.Equal(["序号", "提交时间", "1. 您从哪里得知讲座？", "2. 总体满意度", "3. 建议与联系方式"], rows[0].Keys);
        var withText = Assert.Single(rows, r => r["3. 建议与联系方式"] is not null);
        Assert.Equal(("海报", 5d, "多办讲座，电话138****5678"), (withText["1. 您从哪里得知讲座？"], Convert.ToDouble(withText["2. 总体满意度"], System.Globalization.CultureInfo.InvariantCulture),
            withText["3. 建议与联系方式"]));
        Assert.Contains(rows, r => (string?)r["1. 您从哪里得知讲座？"] == "公众号");

        // English headers for an English reader; the administrator sees the number in full; a party's user gets nothing.
        var csv = await people.Operator.GetStringAsync($"/api/v1/surveys/{id}/answers.csv?lang=en");
        Assert.StartsWith("No.,\"Answered at\",\"1. 您从哪里得知讲座？\"", csv, StringComparison.Ordinal);
        Assert.Contains("138****5678", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("13812345678", csv, StringComparison.Ordinal);
        Assert.Contains("13812345678", await admin.GetStringAsync($"/api/v1/surveys/{id}/answers.csv"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, await people.PartyAdmin.StatusAsync(HttpMethod.Get, $"/api/v1/surveys/{id}/answers.xlsx"));
    }
}
