using MediaCenter.Grains.Newsroom;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Security;
using Microsoft.AspNetCore.Mvc;

namespace MediaCenter.Web.Newsroom;

/// <summary>Uploading and fetching materials and media (素材, video).</summary>
internal static class MediaApi
{
    public static IEndpointRouteBuilder MapMediaApi(this IEndpointRouteBuilder endpoints, long maxBytes)
    {
        var v1 = endpoints.MapGroup("/api/v1").WithTags("newsroom");

        v1.MapPost("/channels/{code}/media", async (string code, HttpContext http, PartyDirectory directory, IClusterClient cluster) =>
            {
                var channel = await NewsroomAccess.VisibleChannelAsync(code, http, directory);
                var caller = http.CurrentUser();
                if (!NewsroomAccess.IsMember(caller, code) && !caller.CanManageParty(channel.PartyId))
                {
                    throw new IdentityProblem(ProblemKind.Forbidden, Msg.Of("newsroom.uploadForbidden"));
                }

                if (!http.Request.HasFormContentType)
                {
                    throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("newsroom.uploadAsForm"));
                }

                var form = await http.Request.ReadFormAsync(http.RequestAborted);
                if (form.Files.GetFile("file") is not { } file || file.Length == 0)
                {
                    throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("newsroom.noFile"));
                }

                // Refused here before the bytes are read (the request limit refuses larger bodies earlier still); the grain checks again.
                if (file.Length > maxBytes)
                {
                    return GrainOutcomes.Problem<string>(nameof(MediaOutcome.TooLarge),
                        Msg.Of("newsroom.fileTooLarge", ("maxMb", maxBytes / 1024 / 1024)), null, [], Msg.Of("what.file"));
                }

                using var buffer = new MemoryStream((int)file.Length);
                await file.CopyToAsync(buffer, http.RequestAborted);
                var operation = CommandIds.Optional(http);
                var result = await cluster.GetGrain<IMediaGrain>(CommandIds.KeyFor("media", operation))
                    .UploadAsync(new MediaUpload(code, file.FileName, buffer.ToArray(), caller.Id), MediaRole.Member, operation);
                if (!result.Ok || result.Info is not { } info)
                {
                    return GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.State?.ToString(), result.AllowedMoves, Msg.Of("what.file"));
                }

                http.Audit().Target = "media:" + info.Id;
                http.Audit().Details["file"] = new { info.FileName, info.ContentType, info.SizeBytes, info.Sha256 };
                return Results.Created($"/api/v1/media/{info.Id}", info);
            })
            .WithMetadata(new RequestSizeLimitAttribute(maxBytes + 64 * 1024))
            .DisableAntiforgery()
            .RequireAuthorization(Policies.PartyRead)
            .WithName("UploadMedia")
            .WithSummary("Uploads a material or media file (multipart field `file`); the type is checked from its bytes, the size is limited.");

        v1.MapGet("/media/{id:guid}", async (Guid id, HttpContext http, PartyDirectory directory, MediaStore store) =>
            {
                var info = await store.InfoAsync(id, http.RequestAborted) ?? throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("common.notFound", ("what", Msg.Of("what.file"))));

                // Files shown by a live publication are public (sites and apps embed them); the rest only for the channel's party.
                var published = await store.IsPublishedAsync(id, http.RequestAborted);
                if (!published)
                {
                    if (http.CurrentUserOrNull() is null)
                    {
                        throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("common.notFound", ("what", Msg.Of("what.file"))));
                    }

                    await NewsroomAccess.VisibleChannelAsync(info.Channel, http, directory);
                }

                // Caches may keep a public file a minute, then ask again (a 304 by its ETag costs no file read): a withdrawn
                // publication's media stops being served to the public within that minute.
                http.Response.Headers.CacheControl = published ? "public, max-age=60, must-revalidate" : "private, max-age=60";
                var inline = info.ContentType.StartsWith("image/", StringComparison.Ordinal) || info.ContentType.StartsWith("video/", StringComparison.Ordinal)
                    || info.ContentType.StartsWith("audio/", StringComparison.Ordinal);
                return Results.File(store.Open(info), info.ContentType, inline ? null : info.FileName,
                    entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{info.Sha256}\""), enableRangeProcessing: true);
            })
            .AllowAnonymous()
            .RequireRateLimiting(Operations.OperationsPlansHosting.PublicRateLimit)
            .WithName("GetMedia")
            .WithSummary("A file: public when a live publication shows it, otherwise for people who may see its channel.");

        return endpoints;
    }
}
