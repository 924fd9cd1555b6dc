using MediaCenter.Grains.Newsroom;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Security;

namespace MediaCenter.Web.Newsroom;

/// <summary>Who may see a channel, and the caller's newsroom roles in it.</summary>
internal static class NewsroomAccess
{
    /// <summary>The channel when the caller may see it; 404 otherwise (another party's channel looks absent).</summary>
    public static async Task<ChannelInfo> VisibleChannelAsync(string code, HttpContext http, PartyDirectory directory)
    {
        var channel = await directory.ChannelAsync(code, http.RequestAborted);
        if (channel is null || !http.CurrentUser().CanSeeParty(channel.PartyId))
        {
            throw new IdentityProblem(ProblemKind.NotFound, $"频道 {code} 不存在 / channel {code} not found");
        }

        return channel;
    }

    /// <summary>The caller as a newsroom actor in the channel (roles from the identity store, read on every request).</summary>
    public static NewsroomActor Actor(CurrentUser user, string channel)
    {
        var mine = user.Channels.Where(c => c.Channel == channel).ToList();
        return new NewsroomActor(user.Id, user.DisplayName,
            mine.Any(c => c.Role == ChannelRoles.Chief),
            mine.Any(c => c.Role == ChannelRoles.Editor),
            [.. mine.Where(c => c.Role == ChannelRoles.Reviewer && c.ReviewLevel is not null).Select(c => c.ReviewLevel!.Value).Distinct().Order()]);
    }

    /// <summary>True when the caller holds any newsroom role in the channel.</summary>
    public static bool IsMember(CurrentUser user, string channel) => user.Channels.Any(c => c.Channel == channel);

    /// <summary>
    /// The caller's Idempotency-Key, scoped to the caller (two people reusing a key never collide).
    /// Newsroom commands require one: a retry after a timeout must not apply twice.
    /// </summary>
    public static string OperationId(HttpContext http)
    {
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length is 0 or > 100)
        {
            throw new IdentityProblem(ProblemKind.Invalid,
                "需要 Idempotency-Key 请求头（1–100 个字符），重试时使用同一个值 / the Idempotency-Key header (1–100 characters) is required; reuse it when retrying");
        }

        return $"{http.CurrentUser().Id:N}:{key}";
    }

    /// <summary>Turns a refused command into problem details: 409 names the current state and the allowed moves.</summary>
    public static IResult Answer(CommandResult result)
    {
        if (result.Ok)
        {
            return Results.Ok(result.Card);
        }

        var (status, title) = result.Outcome switch
        {
            CommandOutcome.IllegalMove => (StatusCodes.Status409Conflict, "当前状态不允许此操作 / This move is not allowed in the current state."),
            CommandOutcome.VersionConflict => (StatusCodes.Status409Conflict, "稿件版本冲突 / The draft was changed by someone else."),
            CommandOutcome.ChannelSuspended => (StatusCodes.Status409Conflict, "频道已暂停对外服务 / The channel is suspended."),
            CommandOutcome.Forbidden => (StatusCodes.Status403Forbidden, "没有此操作的角色 / You do not hold the role this move needs."),
            CommandOutcome.NotFound => (StatusCodes.Status404NotFound, "稿件不存在 / No such story."),
            _ => (StatusCodes.Status422UnprocessableEntity, "内容不符合要求 / The request cannot be applied."),
        };
        var extensions = new Dictionary<string, object?>
        {
            ["code"] = result.Outcome.ToString(),
            ["currentState"] = result.Stage?.ToString(),
            ["allowedMoves"] = result.AllowedMoves.Select(m => m.ToString()).ToArray(),
        };
        if (result.Card is { } card)
        {
            extensions["version"] = card.Version;
            extensions["draftVersion"] = card.DraftVersion;
        }

        return Results.Problem(statusCode: status, title: title, detail: result.Message, extensions: extensions);
    }
}
