using MediaCenter.Grains.People;
using MediaCenter.Identity;
using MediaCenter.Web.Security;

namespace MediaCenter.Web.People;

/// <summary>A staff member's work as their editor grain counts it (read-only).</summary>
internal static class EditorsApi
{
    private const int MaxDays = 366;

    public static IEndpointRouteBuilder MapEditorsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/editors/{userId:guid}/activity",
                async (Guid userId, DateOnly? from, DateOnly? to, HttpContext http, UserStore users, IClusterClient cluster, TimeProvider time,
                    IConfiguration configuration) =>
                {
                    // Who is asked about is checked before the arguments, so a refusal never tells more than "not found".
                    var person = await users.LoadCurrentAsync(userId, http.RequestAborted);
                    if (person is null || !MaySee(http.CurrentUser(), person))
                    {
                        throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("common.notFound", ("what", Msg.Of("what.person"))));
                    }

                    var zone = TimeZoneInfo.FindSystemTimeZoneById(configuration[$"{EditorOptions.Section}:{nameof(EditorOptions.TimeZone)}"] ?? new EditorOptions().TimeZone);
                    var last = to ?? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);
                    var first = from ?? last.AddDays(-29);
                    if (first > last || last.DayNumber - first.DayNumber >= MaxDays)
                    {
                        throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("people.dateRangeInvalid", ("max", MaxDays))
);
                    }

                    return Results.Ok(await cluster.GetGrain<IEditorGrain>(userId).GetActivityAsync(first, last));
                })
            .RequireAuthorization(Policies.SignedIn)
            .WithTags("people")
            .WithName("EditorActivity")
            .WithSummary("A staff member's open tasks, workload and activity per day (pitches filed and selected, drafts saved, reviews " +
                "with their turnaround, assignments submitted and on time, incidents acknowledged and resolved). Default range: the last 30 days. " +
                "For the person themself, a chief of one of their channels, management and operators; anyone else gets 404.");
        return endpoints;
    }

    /// <summary>The person themself, management, operators (and administrators, who are operators too), or a chief of one of the person's channels.</summary>
    private static bool MaySee(CurrentUser caller, CurrentUser person) =>
        caller.Id == person.Id
        || caller.SpansAllParties
        || caller.Is(PlatformRoles.Management)
        || caller.Channels.Any(c => c.Role == ChannelRoles.Chief && person.Channels.Any(p => p.Channel == c.Channel));
}
