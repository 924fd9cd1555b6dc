using System.Text.Json;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Web.Api;
using Microsoft.Extensions.Options;

namespace MediaCenter.Web.Newsroom;

/// <summary>
/// Live results of interactive stories for the public page without an account: per story with listeners on this web instance,
/// the story read through <see cref="InteractionCache"/> once per <see cref="InteractionCache.Fresh"/>, an event <c>results</c>
/// when the results or the approved questions moved.
/// </summary>
public sealed class InteractionStreams(InteractionCache cache, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, TimeProvider time,
    ILogger<InteractionStreams> logger) : EventStreams(time, logger)
{
    protected override TimeSpan Interval => InteractionCache.Fresh;

    protected override async Task<(string Frame, object Mark)?> NextAsync(string id, object? sent)
    {
        var result = await cache.ResultsAsync(id);
        if (!result.Ok || result.Results is not { } r)
        {
            return null;
        }

        var mark = (r.Version * 2 + (r.Open ? 1 : 0), r.ApprovedQuestions);
        if (Equals(sent, mark))
        {
            return null;
        }

        var approved = r.Type == InteractionType.QnA ? (await cache.ApprovedAsync(id)).Approved : [];
        var payload = new
        {
            Results = new InteractionsApi.PublicResults(r.ArticleId, r.Title, r.Type, r.Question, r.Options, r.Counts, r.Votes,
                r.ApprovedQuestions, r.Open, r.Version, r.UpdatedAt),
            Questions = approved.Select(q => new { q.Id, q.Text, q.SubmittedAt }),
        };
        return (Frame("results", JsonSerializer.Serialize(payload, json.Value.SerializerOptions)), mark);
    }
}
