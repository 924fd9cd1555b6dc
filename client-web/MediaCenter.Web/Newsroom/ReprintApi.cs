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
                var result = await cluster.GetGrain<IReprintGrain>(ReprintKeys.For(code, normalized))
                    .TakeAsync(new ReprintRequest(code, body.Url.Trim(), body.Mode ?? ReprintMode.Pitch, channel.PartyId), actor, operation);
                http.Audit().Target = "reprint:" + normalized;
                if (result.Record is { } record)
                {
                    http.Audit().Details["article"] = record.ArticleId;
                }

                return result.Ok
                    ? Results.Created($"/api/v1/articles/{result.Record!.ArticleId}", result.Record)
                    : GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.Stage?.ToString(), result.AllowedMoves, Msg.Of("what.reprint"),
                        result.Record is { } taken ? new Dictionary<string, object?> { ["articleId"] = taken.ArticleId, ["takenBy"] = taken.By.Name, ["takenAt"] = taken.At }
                        : result.Elsewhere is { } elsewhere ? new Dictionary<string, object?> { ["channel"] = elsewhere.Channel, ["articleId"] = elsewhere.ArticleId, ["takenAt"] = elsewhere.At }
                        : null);
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ReprintArticle")
            .WithSummary("One-click reprint: an editor of the channel pastes an article's URL; the platform fetches it through the outbound guard, stores its images, "
                + "and files it as a pitch (or, for a chief who is also an editor, a draft). Requires an Idempotency-Key; a URL already taken answers 409 with the story "
                + "(AlreadyTaken; TakenElsewhere with channel and articleId when another channel of the party took the same page).");

        return endpoints;
    }
}
