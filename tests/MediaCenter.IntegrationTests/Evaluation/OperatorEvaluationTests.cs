using System.Net;
using MediaCenter.Identity;
using MediaCenter.IntegrationTests.Operations;

namespace MediaCenter.IntegrationTests.Evaluation;

/// <summary>
/// F12.1 on real processes and PostgreSQL: the operator (运营方) is evaluated like a center — party <c>operator</c> — with the
/// three-party rules adapted: platform administrators score its self part and answer its rectifications, management scores the
/// authority's and the public's parts and concludes; an operator never scores the self part and an administrator never judges.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class OperatorEvaluationTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task The_operators_own_evaluation_is_scored_by_its_administrators_and_judged_by_management()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "evo");
        await shared.Deployment.Identity.PlatformUserAsync("evo-admin", PlatformRoles.Admin);
        using var admin = await TestIdentity.SignInAsync(shared.Web.Http, "evo-admin");
        var year = 2040 + Random.Shared.Next(0, 50);

        var id = (await admin.MustAsync(HttpMethod.Post, "/api/v1/evaluations", new { partyId = "operator", year, title = "运营方年度自评" }, HttpStatusCode.Created)).Str("id");
        Assert.Equal($"eval-operator-{year}", id);
        await admin.MustAsync(HttpMethod.Put, $"/api/v1/evaluations/{id}/criteria",
            new { criteria = new object[] { new { code = "platform", name = "平台服务", weight = 100 } } }, HttpStatusCode.OK);
        await admin.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/start", new { }, HttpStatusCode.OK);

        await people.Operator.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/scores", new { party = "Center", criterion = "platform", score = 95 }, HttpStatusCode.Forbidden);
        await admin.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/scores", new { party = "Authority", criterion = "platform", score = 95 }, HttpStatusCode.Forbidden);
        await admin.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/scores", new { party = "Center", criterion = "platform", score = 90 }, HttpStatusCode.OK);
        await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/scores", new { party = "Authority", criterion = "platform", score = 84 }, HttpStatusCode.OK);
        await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/scores", new { party = "Public", criterion = "platform", score = 81 }, HttpStatusCode.OK);
        Assert.Equal(85m, (await admin.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/complete", new { }, HttpStatusCode.OK)).GetProperty("total").GetDecimal());

        await admin.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/conclude", new { summary = "良好" }, HttpStatusCode.Forbidden);
        Assert.Equal("Good", (await people.Management.MustAsync(HttpMethod.Post, $"/api/v1/evaluations/{id}/conclude", new { summary = "良好" }, HttpStatusCode.OK)).Str("result"));

        // A center's users do not see the operator's evaluation.
        Assert.Equal(HttpStatusCode.NotFound, await people.PartyAdmin.StatusAsync(HttpMethod.Get, $"/api/v1/evaluations/{id}"));

        // Concluded, it is the center's latest evaluation on the public information page (no account), with its result.
        using var anonymous = shared.Anonymous();
        var published = await Eventually.WaitAsync(async () =>
                System.Text.Json.JsonDocument.Parse(await anonymous.GetStringAsync("/api/public/info")).RootElement.GetProperty("organisations")
                    .EnumerateArray().First(o => o.Str("key") == "operator").GetProperty("evaluation").Clone(),
            e => e.ValueKind == System.Text.Json.JsonValueKind.Object && e.GetProperty("year").GetInt32() == year, TimeSpan.FromSeconds(20),
            "the operator's concluded evaluation on the public information");
        Assert.Equal(("Good", "良好"), (published.Str("result"), published.Str("summary")));
    }
}
