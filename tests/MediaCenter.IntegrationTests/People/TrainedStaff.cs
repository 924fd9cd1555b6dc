using System.Net;
using MediaCenter.IntegrationTests.Operations;

namespace MediaCenter.IntegrationTests.People;

/// <summary>
/// A person recorded by an organisation's admin with the post's basic training (岗位基础) passed, so that a post's roles may be
/// granted to the account linked to them (§8.1.5.4).
/// </summary>
public static class TrainedStaff
{
    /// <summary>Records the person (linked to <paramref name="userId"/> when given) and their passed post basics; the record's id.</summary>
    public static async Task<string> RecordAsync(HttpClient admin, string organisation, Guid? userId, string name = "受训人员", string post = "Staff")
    {
        var record = await admin.MustAsync(HttpMethod.Post, "/api/v1/people", new
        {
            organisation,
            name,
            post,
            education = "Bachelor",
            experienceYears = 3,
            userId,
        }, HttpStatusCode.Created);
        var id = record.Str("id");
        await admin.MustAsync(HttpMethod.Post, $"/api/v1/people/{id}/trainings", new
        {
            kind = "PostBasics",
            title = "岗位基础",
            completedOn = DateOnly.FromDateTime(DateTime.UtcNow),
            score = 80,
            passMark = 60,
        }, HttpStatusCode.OK);
        return id;
    }
}
