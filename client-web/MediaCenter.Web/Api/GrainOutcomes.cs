namespace MediaCenter.Web.Api;

/// <summary>
/// The one mapping from a refused grain command (newsroom, media, incidents, webhooks, notifications, hot events, plans,
/// drills, campaigns) to HTTP problem details. Every workflow answers with an outcome named alike (IllegalMove, VersionConflict, Forbidden,
/// NotFound, Invalid …); the body always carries <c>code</c>, <c>currentState</c> and <c>allowedMoves</c>.
/// </summary>
internal static class GrainOutcomes
{
    /// <summary>The status and title of an outcome.</summary>
    public static (int Status, string Title) Describe(string outcome, string what) => outcome switch
    {
        "IllegalMove" => (StatusCodes.Status409Conflict, "当前状态不允许此操作 / This move is not allowed in the current state."),
        "VersionConflict" => (StatusCodes.Status409Conflict, "已被他人修改 / It was changed by someone else."),
        "NotEffective" => (StatusCodes.Status409Conflict, "尚未生效 / Not in force."),
        "ChannelSuspended" => (StatusCodes.Status409Conflict, "频道已暂停对外服务 / The channel is suspended."),
        "Forbidden" => (StatusCodes.Status403Forbidden, "没有此操作的角色 / You do not hold the role this move needs."),
        "NotFound" => (StatusCodes.Status404NotFound, $"{what}不存在 / No such {what}."),
        "TooLarge" => (StatusCodes.Status413PayloadTooLarge, "文件过大 / The file is too large."),
        "UnsupportedType" => (StatusCodes.Status415UnsupportedMediaType, "不支持的文件类型 / This type of file is not accepted."),
        "AlreadyTaken" => (StatusCodes.Status409Conflict, "已经转载过 / This page was already taken."),
        "Refused" => (StatusCodes.Status422UnprocessableEntity, "该地址不可用 / This address cannot be used."),
        "Unreachable" => (StatusCodes.Status502BadGateway, "无法访问对方网站 / The site could not be reached."),
        "TimedOut" => (StatusCodes.Status504GatewayTimeout, "对方网站未及时响应 / The site did not answer in time."),
        "NotAnArticle" => (StatusCodes.Status422UnprocessableEntity, "该页面不是文章 / The page holds no article."),
        _ => (StatusCodes.Status422UnprocessableEntity, "内容不符合要求 / The request cannot be applied."),
    };

    /// <summary>Problem details for a refused command.</summary>
    /// <param name="outcome">The outcome's name.</param>
    /// <param name="detail">The grain's message.</param>
    /// <param name="currentState">The state the thing is in, if it exists.</param>
    /// <param name="allowedMoves">The moves the state table allows there.</param>
    /// <param name="what">What the thing is called, for a 404's title (e.g. <c>预案 plan</c>).</param>
    /// <param name="more">Members of the workflow's own (e.g. the current <c>revision</c>, <c>errors</c>).</param>
    public static IResult Problem<TMove>(string outcome, string? detail, string? currentState, IEnumerable<TMove> allowedMoves, string what,
        IReadOnlyDictionary<string, object?>? more = null)
    {
        var (status, title) = Describe(outcome, what);
        var extensions = new Dictionary<string, object?>
        {
            ["code"] = outcome,
            ["currentState"] = currentState,
            ["allowedMoves"] = allowedMoves.Select(m => m?.ToString()).ToArray(),
        };
        foreach (var (key, value) in more ?? new Dictionary<string, object?>())
        {
            extensions[key] = value;
        }

        return Results.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);
    }
}
