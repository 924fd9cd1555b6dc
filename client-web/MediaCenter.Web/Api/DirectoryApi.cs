using MediaCenter.Grains.Platform;
using MediaCenter.Identity;
using MediaCenter.Web.Security;

namespace MediaCenter.Web.Api;

/// <summary>Access parties (接入方), the channel registry with channel roles, and terminal MQTT credentials.</summary>
internal static class DirectoryApi
{
    public sealed record CreateParty(string? Id, string? Name);

    public sealed record CreateChannel(string? Code, string? Name, string? PartyId, string? Application = null, string? FeedLanguage = null);

    /// <summary>The language a channel's feeds are written in: zh-CN or en.</summary>
    public sealed record FeedLanguageRequest(string? Language);

    public sealed record ChannelRoleRequest(int? ReviewLevel);

    public sealed record IssueCredential(string? PartyId);

    public sealed record IssuedCredential(string TerminalId, string PartyId, string Username, string Password, string TopicPrefix);

    public static IEndpointRouteBuilder MapDirectoryApi(this IEndpointRouteBuilder endpoints)
    {
        var parties = endpoints.MapGroup("/api/parties").WithTags("access parties");
        parties.MapGet("/", async (HttpContext http, PartyDirectory directory) =>
            {
                var caller = http.CurrentUser();
                var only = caller.SpansAllParties || caller.Is(PlatformRoles.Management) ? null : caller.PartyId ?? "-";
                return Results.Ok(await directory.PartiesAsync(only, http.RequestAborted));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListParties")
            .WithSummary("Access parties the caller may see.");
        parties.MapPost("/", async (CreateParty body, HttpContext http, PartyDirectory directory) =>
            {
                await directory.CreatePartyAsync(body.Id ?? "", body.Name ?? "", http.RequestAborted);
                http.Audit().Target = "party:" + body.Id;
                return Results.Created($"/api/parties/{body.Id}", (await directory.PartiesAsync(body.Id, http.RequestAborted))[0]);
            })
            .RequireAuthorization(Policies.Operations)
            .WithName("CreateParty")
            .WithSummary("Registers an access party (operators and administrators).");

        var channels = endpoints.MapGroup("/api/channels").WithTags("channels");
        channels.MapGet("/", async (string? party, HttpContext http, PartyDirectory directory) =>
                Results.Ok(await directory.ChannelsAsync(Scope.PartyFilter(http.CurrentUser(), party), http.RequestAborted)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListChannels")
            .WithSummary("Channels the caller may see.");
        channels.MapPost("/", async (CreateChannel body, HttpContext http, PartyDirectory directory, IClusterClient cluster) =>
            {
                var caller = http.CurrentUser();
                var party = body.PartyId ?? caller.PartyId ?? throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("web.partyIdRequired"));
                Scope.RequireManageable(caller, party, Msg.Of("web.whatParty"));
                var application = Applications.ApplicationsApi.Target(body.Application, party);
                var suspension = await Applications.ApplicationsApi.AdmitAsync(cluster, application, party);
                await directory.CreateChannelAsync(body.Code ?? "", body.Name ?? "", party, application.Code, http.RequestAborted, body.FeedLanguage);
                if (suspension is not null)
                {
                    // A channel born into a suspended application gives no service until the application resumes.
                    await cluster.GetGrain<Grains.Newsroom.IChannelGrain>(body.Code!).SetApplicationSuspendedAsync(suspension, $"created:{body.Code}");
                }

                http.Audit().Target = "channel:" + body.Code;
                http.Audit().Details["application"] = application.Code;
                return Results.Created($"/api/channels/{body.Code}", await directory.ChannelFreshAsync(body.Code!, http.RequestAborted));
            })
            .RequireAuthorization(Policies.PartyManage)
            .WithName("CreateChannel")
            .WithSummary("Registers a channel for an access party, in one of its applications (application: a code; its default application when none is named) "
                + "and with the language its feeds are written in (feedLanguage: zh-CN, the default, or en).");
        channels.MapGet("/{code}", async (string code, HttpContext http, PartyDirectory directory) =>
            {
                await VisibleChannelAsync(code, http, directory);
                return Results.Ok(await directory.ChannelFreshAsync(code, http.RequestAborted));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetChannel")
            .WithSummary("One channel.");
        channels.MapPut("/{code}/feed-language", async (string code, FeedLanguageRequest body, HttpContext http, PartyDirectory directory) =>
            {
                var channel = await VisibleChannelAsync(code, http, directory);
                Scope.RequireManageable(http.CurrentUser(), channel.PartyId, Msg.Of("web.whatChannel"));
                await directory.SetFeedLanguageAsync(code, body.Language, http.RequestAborted);
                http.Audit().Target = "channel:" + code;
                http.Audit().Details["after"] = new { feedLanguage = body.Language };
                return Results.Ok(await directory.ChannelFreshAsync(code, http.RequestAborted));
            })
            .RequireAuthorization(Policies.PartyManage)
            .WithName("SetChannelFeedLanguage")
            .WithSummary("Sets the language the channel's feeds are written in (zh-CN or en).");
        channels.MapGet("/{code}/members", async (string code, HttpContext http, PartyDirectory directory) =>
            {
                await VisibleChannelAsync(code, http, directory);
                return Results.Ok(await directory.MembersAsync(code, http.RequestAborted));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListChannelMembers")
            .WithSummary("The channel's members and their newsroom roles.");
        channels.MapPut("/{code}/members/{userId:guid}/{role}", async (string code, Guid userId, string role, ChannelRoleRequest? body,
                HttpContext http, PartyDirectory directory, UserStore users, LiveConnections live, People.TrainingGate training) =>
            {
                var channel = await VisibleChannelAsync(code, http, directory);
                Scope.RequireManageable(http.CurrentUser(), channel.PartyId, Msg.Of("web.whatChannel"));
                if (userId == http.CurrentUser().Id)
                {
                    // Separation of duties: a manager who could give themselves editor, reviewer and chief could approve their own story.
                    throw new IdentityProblem(ProblemKind.Forbidden, Msg.Of("web.noSelfGrant"));
                }

                var member = await users.GetAsync(userId, http.RequestAborted);
                if (member is null || member.PartyId != channel.PartyId)
                {
                    throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("web.channelRoleOutsider"));
                }

                if (await training.RefusalAsync(userId, member.DisplayName, http.RequestAborted) is { } untrained)
                {
                    throw new IdentityProblem(ProblemKind.Conflict, untrained);
                }

                await users.AddChannelRoleAsync(code, userId, role, body?.ReviewLevel, http.RequestAborted);
                live.CloseUser(userId);
                http.Audit().Target = $"channel:{code}/user:{userId}";
                http.Audit().Details["after"] = new { role, body?.ReviewLevel };
                return Results.NoContent();
            })
            .RequireAuthorization(Policies.PartyManage)
            .WithName("GrantChannelRole")
            .WithSummary("Gives a user of the channel's access party a newsroom role (chief, editor, reviewer with level 1–3); never to the caller; only to an account "
                + "linked to a staff record that passed its post's basic training (409 with the reason otherwise). The user signs in again.");
        channels.MapDelete("/{code}/members/{userId:guid}/{role}", async (string code, Guid userId, string role,
                HttpContext http, PartyDirectory directory, UserStore users, LiveConnections live) =>
            {
                var channel = await VisibleChannelAsync(code, http, directory);
                Scope.RequireManageable(http.CurrentUser(), channel.PartyId, Msg.Of("web.whatChannel"));
                http.Audit().Target = $"channel:{code}/user:{userId}";
                if (!await users.RemoveChannelRoleAsync(code, userId, role, http.RequestAborted))
                {
                    throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("web.roleNotHeld"));
                }

                live.CloseUser(userId);
                return Results.NoContent();
            })
            .RequireAuthorization(Policies.PartyManage)
            .WithName("RevokeChannelRole")
            .WithSummary("Takes a newsroom role away; the user's sessions and live connections end.");

        var credentials = endpoints.MapGroup("/api/terminal-credentials").WithTags("terminals");
        credentials.MapGet("/", async (string? party, HttpContext http, TerminalCredentialStore store) =>
                Results.Ok(await store.ListAsync(Scope.PartyFilter(http.CurrentUser(), party), http.RequestAborted)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListTerminalCredentials")
            .WithSummary("Terminal MQTT credentials the caller may see (never the secrets).");
        credentials.MapPost("/{terminalId}", async (string terminalId, IssueCredential? body, HttpContext http, TerminalCredentialStore store) =>
            {
                var caller = http.CurrentUser();
                var existing = await store.GetAsync(terminalId, http.RequestAborted);
                var party = existing?.PartyId ?? body?.PartyId ?? caller.PartyId
                    ?? throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("web.partyIdRequired"));
                if (existing is not null && !caller.CanSeeParty(existing.PartyId))
                {
                    throw new IdentityProblem(ProblemKind.Conflict, Msg.Of("identity.terminalIdTaken", ("terminal", terminalId)));
                }

                Scope.RequireManageable(caller, party, Msg.Of("web.whatParty"));
                var secret = await store.IssueAsync(terminalId, party, caller.Id, http.RequestAborted);
                http.Audit().Target = "terminal:" + terminalId;
                http.Audit().Details["reissued"] = existing is not null;
                return Results.Ok(new IssuedCredential(terminalId, party, terminalId, secret, $"mc/t/{terminalId}/"));
            })
            .RequireAuthorization(Policies.PartyManage)
            .WithName("IssueTerminalCredential")
            .WithSummary("Issues (or replaces) a terminal's MQTT credential; the password is shown once.");
        credentials.MapDelete("/{terminalId}", async (string terminalId, HttpContext http, TerminalCredentialStore store, IClusterClient cluster) =>
            {
                var existing = await store.GetAsync(terminalId, http.RequestAborted);
                if (existing is null)
                {
                    throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("common.notFound", ("what", Msg.Of("web.whatTerminal"))));
                }

                Scope.RequireManageable(http.CurrentUser(), existing.PartyId, Msg.Of("web.whatTerminal"));
                await store.RevokeAsync(terminalId, http.RequestAborted);
                http.Audit().Target = "terminal:" + terminalId;
                // The gateway holding the connection closes it now; any gateway refuses the next one.
                await cluster.PublishLiveAsync(LiveTopic.Commands, new TerminalCredentialRevoked(terminalId));
                return Results.NoContent();
            })
            .RequireAuthorization(Policies.PartyManage)
            .WithName("RevokeTerminalCredential")
            .WithSummary("Revokes a terminal's MQTT credential: its connection to the embedded broker is closed and its next connection refused.");

        return endpoints;
    }

    private static async Task<ChannelInfo> VisibleChannelAsync(string code, HttpContext http, PartyDirectory directory)
    {
        var channel = await directory.ChannelAsync(code, http.RequestAborted);
        if (channel is null || !http.CurrentUser().CanSeeParty(channel.PartyId))
        {
            throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("common.notFound", ("what", Msg.Of("web.whatChannel")))
);
        }

        return channel;
    }
}
