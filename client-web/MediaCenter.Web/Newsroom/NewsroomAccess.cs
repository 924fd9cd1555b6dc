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
            throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("newsroom.channelNotFound", ("code", code)));
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


    /// <summary>Turns a refused command into problem details: 409 names the current state and the allowed moves.</summary>
    public static IResult Answer(CommandResult result)
    {
        if (result.Ok)
        {
            return Results.Ok(result.Card);
        }

        var more = new Dictionary<string, object?>();
        if (result.Card is { } card)
        {
            more["version"] = card.Version;
            more["draftVersion"] = card.DraftVersion;
        }

        return GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.Stage?.ToString(), result.AllowedMoves, Msg.Of("what.story"), more);
    }
}
