using MediaCenter.Grains.Platform;
using MediaCenter.Identity;
using MediaCenter.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace MediaCenter.Web.Live;

/// <summary>
/// The one SignalR hub boards connect to. A connection joins groups for what it shows; the server
/// pushes deltas to groups. Every connection is in the system group (cluster status); administrators and
/// auditors are also in the security group (early warnings).
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class LiveHub(PartyDirectory directory, LiveConnections connections, LiveFeed feed) : Hub
{
    /// <summary>Where the hub is mapped.</summary>
    public const string Path = "/hubs/live";

    /// <summary>The group that receives system status without silo addresses (everyone but platform administrators).</summary>
    public const string SystemGroup = "system";

    /// <summary>The group that receives system status with silo addresses (platform administrators).</summary>
    public const string SystemDetailGroup = "system-detail";

    /// <summary>The group that receives security alerts.</summary>
    public const string SecurityGroup = "security";

    /// <summary>The group that receives changes of every terminal (platform staff).</summary>
    public const string FleetGroup = "fleet";

    /// <summary>The group that receives changes of one access party's terminals.</summary>
    public static string FleetGroupOf(string partyId) => "fleet:" + partyId;

    /// <summary>Every signed-in connection (hot-event banners).</summary>
    public const string AllGroup = "all";

    /// <summary>Platform staff: administrators and operators (incidents, escalations).</summary>
    public const string OpsGroup = "ops";

    /// <summary>Platform administrators (the second on-call level of incidents).</summary>
    public const string AdminGroup = "role:admin";

    /// <summary>The management side (管理方).</summary>
    public const string ManagementGroup = "management";

    /// <summary>The users of one access party.</summary>
    public static string PartyGroupOf(string partyId) => "party:" + partyId;

    /// <summary>One user's connections.</summary>
    public static string UserGroupOf(Guid userId) => "user:" + userId.ToString("N");

    /// <summary>The group that receives the changes of one channel's board.</summary>
    public static string BoardGroupOf(string channel) => "board:" + channel;

    /// <summary>A group's connections that read one language (a connection joins its groups in its language only).</summary>
    /// <param name="group">The group.</param>
    /// <param name="language">A language of <see cref="Languages.All"/>.</param>
    public static string InLanguage(string group, string language) => group + "@" + language;

    /// <summary>Joins a group in the language the connection chose when it connected (the pages reconnect when it changes).</summary>
    private Task JoinAsync(string group) =>
        Groups.AddToGroupAsync(Context.ConnectionId, InLanguage(group, LanguageOf(Context)));

    private static string LanguageOf(HubCallerContext context) =>
        context.GetHttpContext() is { } http ? Api.ReaderLanguage.Of(http.Request) : Languages.Chinese;

    /// <summary>Starts receiving a channel's board changes (<c>boardChanged</c>); false when the caller may not see the channel.</summary>
    public async Task<bool> WatchBoard(string channel)
    {
        var user = Context.GetHttpContext()?.CurrentUserOrNull();
        var info = user is null ? null : await directory.ChannelAsync(channel, Context.ConnectionAborted);
        if (info is null || !user!.CanSeeParty(info.PartyId))
        {
            return false;
        }

        await JoinAsync(BoardGroupOf(channel));
        // Answered once this host hears the board: the browser reads its snapshot next, and no change may fall in between.
        await feed.WatchAsync(LiveTopic.Board(channel), Context.ConnectionAborted);
        return true;
    }

    /// <summary>Stops receiving a channel's board changes.</summary>
    public Task UnwatchBoard(string channel) =>
        Groups.RemoveFromGroupAsync(Context.ConnectionId, InLanguage(BoardGroupOf(channel), LanguageOf(Context)));

    /// <summary>The client method that receives a <see cref="SystemStatus"/>.</summary>
    public const string SystemStatusMethod = "systemStatus";

    /// <inheritdoc />
    public override async Task OnConnectedAsync()
    {
        var caller = Context.GetHttpContext()?.CurrentUserOrNull();
        await JoinAsync(caller?.Is(PlatformRoles.Admin) == true ? SystemDetailGroup : SystemGroup);
        await JoinAsync(AllGroup);
        if (caller is { } user)
        {
            // Groups are fixed here: the connection is closed when its session ends (sign-out, expiry, password or role change,
            // disablement), and the client reconnects with what the person now holds.
            if (Context.GetHttpContext()?.CurrentSession() is { } session)
            {
                connections.Add(Context, session.Id, user.Id);
            }

            if (user.Is(PlatformRoles.Admin) || user.Is(PlatformRoles.Auditor))
            {
                await JoinAsync(SecurityGroup);
            }

            await JoinAsync(UserGroupOf(user.Id));
            if (user.SpansAllParties)
            {
                await JoinAsync(OpsGroup);
            }

            if (user.Is(PlatformRoles.Admin))
            {
                await JoinAsync(AdminGroup);
            }

            if (user.Is(PlatformRoles.Management))
            {
                await JoinAsync(ManagementGroup);
            }

            if (user.PartyId is not null)
            {
                await JoinAsync(PartyGroupOf(user.PartyId));
            }

            if (user.SpansAllParties || user.Is(PlatformRoles.Management))
            {
                await JoinAsync(FleetGroup);
            }
            else if (user.PartyId is not null)
            {
                await JoinAsync(FleetGroupOf(user.PartyId));
            }
        }

        await base.OnConnectedAsync();
    }

    /// <inheritdoc />
    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}
