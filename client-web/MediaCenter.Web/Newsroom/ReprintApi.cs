using MediaCenter.Grains.Intake;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Security;

namespace MediaCenter.Web.Newsroom;

/// <summary>One-click reprint (一键转载, F7.2): HTTP ↔ the reprint grain; the silo fetches, through the outbound guard.</summary>
internal static class ReprintApi
{
    public sealed record ReprintBody(string? Url, ReprintMode? Mode);

    public static IEndpointRouteBuilder MapReprintApi(this IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/api/v1").WithTags("newsroom");

        v1.MapPost("/channels/{code}/reprints", async (string code, ReprintBody body, HttpContext http, PartyDirectory directory, IClusterClient cluster) =>
            {
                var channel = await NewsroomAccess.VisibleChannelAsync(code, http, directory);
                var actor = NewsroomAccess.Actor(http.CurrentUser(), code);
                if (!actor.Editor)
                {
                    throw new IdentityProblem(ProblemKind.Forbidden, Msg.Of("intake.reprintForbidden"));
                }

                if (body.Url is null || ReprintKeys.Normalize(body.Url) is not { } normalized)
                {
                    throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("intake.webAddressRequired"));
                }

                var operation = CommandIds.Required(http);
                var key = ReprintRequestKeys.For(code, operation);
                var answer = await cluster.GetGrain<IReprintRequestGrain>($"{code}/{key}")
                    .StartAsync(new ReprintRequest(code, body.Url.Trim(), body.Mode ?? ReprintMode.Pitch, channel.PartyId), actor, operation);
                http.Audit().Target = "reprint:" + normalized;
                if (answer.Request is { } request)
                {
                    // The page is fetched after this answer: the request's status resource (and reprintChanged on the board) says how it ends.
                    http.Audit().Details["request"] = request.Key;
                    return Results.Accepted($"/api/v1/channels/{code}/reprints/{request.Key}", request);
                }

                var result = answer.Refusal!;
                return GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.Stage?.ToString(), result.AllowedMoves, Msg.Of("what.reprint"),
                    result.Record is { } taken ? new Dictionary<string, object?> { ["articleId"] = taken.ArticleId, ["takenBy"] = taken.By.Name, ["takenAt"] = taken.At }
                    : result.Elsewhere is { } elsewhere ? new Dictionary<string, object?> { ["channel"] = elsewhere.Channel, ["articleId"] = elsewhere.ArticleId, ["takenAt"] = elsewhere.At }
                    : null);
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ReprintArticle")
            .WithSummary("One-click reprint: an editor of the channel pastes an article's URL and is answered at once, 202 with the request (state Fetching) and its "
                + "status resource in Location; the platform then fetches the page through the outbound guard, stores its images and files it as a pitch (or, for a "
                + "chief who is also an editor, a draft), and the request becomes Filed (articleId, record) or Failed (outcome, reason), pushed live as reprintChanged "
                + "on the board. Requires an Idempotency-Key (a retry with it answers the same request); a URL already taken answers 409 with the story (AlreadyTaken; "
                + "TakenElsewhere with channel and articleId when another channel of the party took the same page).");

        v1.MapGet("/channels/{code}/reprints/{key}", async (string code, string key, HttpContext http, PartyDirectory directory, IClusterClient cluster) =>
            {
                await NewsroomAccess.VisibleChannelAsync(code, http, directory);
                var request = key.Length == 32 && key.All(char.IsAsciiHexDigitLower)
                    ? await cluster.GetGrain<IReprintRequestGrain>($"{code}/{key}").GetAsync()
                    : null;
                return request is null
                    ? throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("common.notFound", ("what", Msg.Of("what.reprint"))))
                    : Results.Ok(request);
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetReprintRequest")
            .WithSummary("A pasted reprint request: Fetching, then Filed (articleId and what the reprint recorded) or Failed (outcome and reason); for the channel's readers.");

        return endpoints;
    }
}
