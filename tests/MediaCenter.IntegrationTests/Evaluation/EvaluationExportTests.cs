using System.Globalization;
using System.Net;
using MediaCenter.IntegrationTests.Operations;

namespace MediaCenter.IntegrationTests.Evaluation;

/// <summary>
/// F12.1 on real processes and PostgreSQL: a concluded evaluation exported as a workbook with its summary, the criteria with
/// weights and each party's score, the evidence, and the findings with their rectification's state; for the center's own users
/// too, never another center's.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class EvaluationExportTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task A_concluded_evaluation_exports_its_scores_by_party_total_grade_evidence_and_rectifications()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "evx");
        var id = (await people.Operator.MustAsync(HttpMethod.Post, "/api/v1/evaluations", new { partyId = people.PartyA, year = 2025 }, HttpStatusCode.Created)).Str("id");
        await people.Operator.MustAsync(HttpMethod.Put, $"/api/v1/evaluations/{id}/criteria",
            new { criteria = new object[] { new { code = "service", name = "服务质量", weight = 60 }, new { code = "content", name = "内容建设", weight = 40 } } }, HttpStatusCode.OK);
        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/start", new { }, HttpStatusCode.OK);
        foreach (var (client, party) in new[] { (people.Management, "Authority"), (people.Management, "Public"), (people.PartyAdmin, "Center") })
        {
            await client.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/scores", new { party, criterion = "service", score = 50 }, HttpStatusCode.OK);
            await client.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/scores", new { party, criterion = "content", score = party == "Center" ? 80 : 50 }, HttpStatusCode.OK);
        }

        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/evidence",
            new { kind = "Report", reference = "/api/v1/reports/pack.xlsx?from=2025-01&to=2025-12", note = "年度报表" }, HttpStatusCode.OK);
        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/complete", new { }, HttpStatusCode.OK);
        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/findings", new { text = "服务满意度低", criterion = "service" }, HttpStatusCode.OK);
        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/findings/1/rectification", new { responsible = "李主任" }, HttpStatusCode.OK);
        await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/conclude", new { summary = "不合格，限期整改" }, HttpStatusCode.OK);

        using var xlsx = new MemoryStream(await people.PartyAdmin.GetByteArrayAsync($"/api/v1/evaluations/{id}/export.xlsx"));
        Assert.Equal(["概要", "评价指标", "评价依据", "发现与整改"], MiniExcelLibs.MiniExcel.GetSheetNames(xlsx));
        var summary = Sheet(xlsx, "概要").ToDictionary(r => (string)r["项目"]!, r => r["内容"]);
        // (50 + 50 + 50) / 3 × 60 % + (50 + 50 + 80) / 3 × 40 % = 30 + 24 = 54.
        Assert.Equal((people.PartyA, 54d, "不合格", "已出结果"), ((string?)summary["被评价单位"], Number(summary["总分"]), (string?)summary["评价结果"], (string?)summary["状态"]));
        var criteria = Sheet(xlsx, "评价指标");
        Assert.Equal(["编号", "指标", "权重", "主管部门评分", "服务对象评分", "中心自评分", "综合得分"], criteria[0].Keys);
        var content = Assert.Single(criteria, r => (string?)r["编号"] == "content");
        Assert.Equal((40d, 50d, 50d, 80d, 60d), (Number(content["权重"]), Number(content["主管部门评分"]), Number(content["服务对象评分"]), Number(content["中心自评分"]),
            Number(content["综合得分"])));
        Assert.Equal(("报表", "年度报表"), ((string?)Assert.Single(Sheet(xlsx, "评价依据"))["类型"], (string?)Sheet(xlsx, "评价依据")[0]["说明"]));
        var finding = Assert.Single(Sheet(xlsx, "发现与整改"));
        Assert.Equal(("服务满意度低", "李主任", "待制定方案"), ((string?)finding["发现的问题"], (string?)finding["责任人"], (string?)finding["整改状态"]));

        // English sheets for an English reader; another center gets nothing.
        using var english = new MemoryStream(await people.Management.GetByteArrayAsync($"/api/v1/evaluations/{id}/export.xlsx?lang=en"));
        Assert.Equal(["Summary", "Criteria", "Evidence", "Findings"], MiniExcelLibs.MiniExcel.GetSheetNames(english));
        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Get, $"/api/v1/evaluations/{id}/export.xlsx"));
    }

    private static List<IDictionary<string, object?>> Sheet(MemoryStream xlsx, string name) =>
        [.. MiniExcelLibs.MiniExcel.Query(xlsx, useHeaderRow: true, sheetName: name).Cast<IDictionary<string, object?>>()];

    private static double Number(object? value) => Convert.ToDouble(value, CultureInfo.InvariantCulture);
}
