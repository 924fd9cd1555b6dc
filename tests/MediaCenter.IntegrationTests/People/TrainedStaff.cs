using System.Net;
using MediaCenter.IntegrationTests.Operations;

namespace MediaCenter.IntegrationTests.People;

/// <summary>
/// A person recorded by an organisation's admin with the post's basic training (岗位基础) passed, so that a post's roles may be
/// granted to the account linked to them (§8.1.5.4).
/// </summary>
public static class TrainedStaff
{
    /// <summary>
    /// Records the person (linked to <paramref name="userId"/> when given) and their post basics with <paramref name="score"/> out of a
    /// pass mark of 60 (passed by default); the record's id.
    /// </summary>
    public static async Task<string> RecordAsync(HttpClient admin, string organisation, Guid? userId, string name = "受训人员", string post = "Staff",
        int score = 80)
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
        await BasicsAsync(admin, id, score);
        return id;
    }

    /// <summary>Records a post-basics training of the person with <paramref name="score"/> out of a pass mark of 60.</summary>
    public static Task BasicsAsync(HttpClient admin, string id, int score) =>
        admin.MustAsync(HttpMethod.Post, $"/api/v1/people/{id}/trainings", new
        {
            kind = "PostBasics",
            title = "岗位基础",
            completedOn = DateOnly.FromDateTime(DateTime.UtcNow),
            score,
            passMark = 60,
        }, HttpStatusCode.OK);
}
