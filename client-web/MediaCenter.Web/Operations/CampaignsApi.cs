using MediaCenter.Grains.Operations;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Security;

namespace MediaCenter.Web.Operations;

/// <summary>
/// Promotion campaigns (推广活动, F9.1) under /api/v1/campaigns: HTTP to the campaign grains, the list from the read
/// table. An access party registers a holiday or topical campaign with its dates, edits or withdraws it; an operator
/// marks whether the platform supports it; the ops board lists them by date.
/// </summary>
internal static class CampaignsApi
{
    public sealed record CampaignBody(string? PartyId, string? Title, CampaignKind? Kind, DateOnly? StartsOn, DateOnly? EndsOn, string? Description);

    public sealed record SupportBody(bool? Supported, string? Note);

    public sealed record ReasonBody(string? Reason);

    private static readonly string What = Msg.Of("what.campaign");

    public static IEndpointRouteBuilder MapCampaignsApi(this IEndpointRouteBuilder endpoints)
    {
        var campaigns = endpoints.MapGroup("/api/v1/campaigns").WithTags("campaigns");

        campaigns.MapGet("/", async (DateOnly? from, DateOnly? to, string? partyId, HttpContext http, CampaignReadModel read) =>
                Results.Ok(await read.ListAsync(Scope.PartyFilter(http.CurrentUser(), partyId), from, to, http.RequestAborted)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListCampaigns")
            .WithSummary("Campaigns whose dates overlap from–to (yyyy-MM-dd; either may be left out), by start date: every party's for platform staff and management.");

        campaigns.MapGet("/workflow", () => Results.Ok(CampaignWorkflow.Rows()))
            .RequireAuthorization(Policies.SignedIn)
            .WithName("CampaignWorkflow")
            .WithSummary("The campaign state table (state × command × who → next state).");

        campaigns.MapPost("/", async (CampaignBody? body, HttpContext http, IClusterClient cluster) =>
            {
                var user = http.CurrentUser();
                var party = OpsHttp.OwnParty(user, body?.PartyId, What);
                var operation = CommandIds.Required(http);
                var id = OpsHttp.IdFor("camp", operation);
                var command = new RegisterCampaign(party, body?.Title, body?.Kind, body?.StartsOn, body?.EndsOn, body?.Description);
                var result = await cluster.GetGrain<ICampaignGrain>(id).ExecuteAsync(command, OpsHttp.Actor(user, party), operation);
                http.Audit().Target = "campaign:" + id;
                return Answer(http, result, created: true);
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("RegisterCampaign")
            .WithSummary("A party user registers a campaign: title, kind (Holiday, Topical), startsOn, endsOn, description. Requires an Idempotency-Key.");

        campaigns.MapGet("/{id}", async (string id, HttpContext http, IClusterClient cluster) => Results.Ok(await VisibleAsync(id, http, cluster)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetCampaign")
            .WithSummary("A campaign with its support decision.");

        campaigns.MapPut("/{id}", (string id, CampaignBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(id, new EditCampaign(body?.Title, body?.Kind, body?.StartsOn, body?.EndsOn, body?.Description), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("EditCampaign")
            .WithSummary("The party changes its campaign (fields left out stay); a decided campaign goes back to Pending for the operator to decide again.");

        campaigns.MapPost("/{id}/withdraw", (string id, ReasonBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(id, new WithdrawCampaign(body?.Reason), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("WithdrawCampaign")
            .WithSummary("The party withdraws its campaign with a reason; nothing changes it afterwards.");

        campaigns.MapPut("/{id}/support", async (string id, SupportBody? body, HttpContext http, IClusterClient cluster) =>
            {
                if (body?.Supported is not { } supported)
                {
                    await VisibleAsync(id, http, cluster);
                    throw new CommandRefused("Invalid", Msg.Of("ops.campaign.supportedRequired"), What);
                }

                return await ExecuteAsync(id, new DecideCampaign(supported, body.Note), http, cluster);
            })
            .RequireAuthorization(Policies.Operations)
            .WithName("SupportCampaign")
            .WithSummary("An operator marks the platform's support of a campaign (supported true/false, note); it may be changed later.");

        return endpoints;
    }

    private static async Task<IResult> ExecuteAsync(string id, CampaignCommand command, HttpContext http, IClusterClient cluster)
    {
        var campaign = await VisibleAsync(id, http, cluster);
        var result = await cluster.GetGrain<ICampaignGrain>(id).ExecuteAsync(command, OpsHttp.Actor(http.CurrentUser(), campaign.PartyId),
            CommandIds.Required(http));
        http.Audit().Target = "campaign:" + id;
        return Answer(http, result, created: false);
    }

    private static IResult Answer(HttpContext http, CampaignResult result, bool created)
    {
        if (!result.Ok)
        {
            return GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.State?.ToString(), result.AllowedMoves, What,
                new Dictionary<string, object?> { ["errors"] = result.Message is { } m ? new[] { m } : [] });
        }

        OpsHttp.MarkReplay(http, result.Replay);
        var campaign = result.Campaign!;
        http.Audit().Details["state"] = campaign.State.ToString();
        http.Audit().Details["support"] = campaign.Support.ToString();
        return created ? Results.Created($"/api/v1/campaigns/{campaign.Id}", campaign) : Results.Ok(campaign);
    }

    internal static async Task<CampaignView> VisibleAsync(string id, HttpContext http, IClusterClient cluster)
    {
        var campaign = await cluster.GetGrain<ICampaignGrain>(id).GetAsync();
        if (campaign is null || !http.CurrentUser().CanSeeParty(campaign.PartyId))
        {
            throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("ops.campaign.notFoundId", ("id", id)));
        }

        return campaign;
    }
}
