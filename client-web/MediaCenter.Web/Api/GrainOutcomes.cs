namespace MediaCenter.Web.Api;

/// <summary>
/// The one mapping from a refused grain command (newsroom, media, incidents, webhooks, notifications, hot events, plans,
/// drills, campaigns) to HTTP problem details. Every workflow answers with an outcome named alike (IllegalMove, VersionConflict, Forbidden,
/// NotFound, Invalid …); the body always carries <c>code</c>, <c>currentState</c> and <c>allowedMoves</c>.
/// </summary>
internal static class GrainOutcomes
{
    /// <summary>The status and title of an outcome.</summary>
    public static (int Status, string Title) Describe(string outcome, string what) => (outcome switch
    {
        "IllegalMove" or "VersionConflict" or "NotEffective" or "ChannelSuspended" or "AlreadyTaken" or "TakenElsewhere"
            or "AlreadyVoted" or "NotPublished" or "NotInteractive" => StatusCodes.Status409Conflict,
        "Forbidden" => StatusCodes.Status403Forbidden,
        "NotFound" => StatusCodes.Status404NotFound,
        "TooLarge" => StatusCodes.Status413PayloadTooLarge,
        "UnsupportedType" => StatusCodes.Status415UnsupportedMediaType,
        "Unreachable" => StatusCodes.Status502BadGateway,
        "TimedOut" => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status422UnprocessableEntity,
    }, MessageCatalog.Template("outcome." + outcome, Languages.Chinese) is null
        ? Msg.Of("outcome.Invalid")
        : Msg.Of("outcome." + outcome, ("what", what)));

    /// <summary>Problem details for a refused command.</summary>
    /// <param name="outcome">The outcome's name.</param>
    /// <param name="detail">The grain's message.</param>
    /// <param name="currentState">The state the thing is in, if it exists.</param>
    /// <param name="allowedMoves">The moves the state table allows there.</param>
    /// <param name="what">What the thing is called, for a 404's title (a message, e.g. <c>Msg.Of("what.plan")</c>).</param>
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
