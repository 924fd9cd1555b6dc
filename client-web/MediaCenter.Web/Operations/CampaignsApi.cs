using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Security;

namespace MediaCenter.Web.Operations;

/// <summary>
/// Promotion campaigns (推广活动, F9.1) under /api/v1/campaigns: an access party registers a holiday or topical
/// campaign with its dates; an operator marks whether the platform supports it; the ops board lists them by date.
/// </summary>
internal static class CampaignsApi
{
    public sealed record RegisterBody(string? PartyId, string? Title, CampaignKind? Kind, DateOnly? StartsOn, DateOnly? EndsOn, string? Description);

    public sealed record SupportBody(bool? Supported, string? Note);

    public static IEndpointRouteBuilder MapCampaignsApi(this IEndpointRouteBuilder endpoints)
    {
        var campaigns = endpoints.MapGroup("/api/v1/campaigns").WithTags("campaigns").Problems();

        campaigns.MapGet("/", async (DateOnly? from, DateOnly? to, string? partyId, HttpContext http, CampaignStore store) =>
                Results.Ok(await store.ListAsync(Scope.PartyFilter(http.CurrentUser(), partyId), from, to, http.RequestAborted)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListCampaigns")
            .WithSummary("Campaigns whose dates overlap from–to (yyyy-MM-dd; either may be left out), by start date: every party's for platform staff and management.");

        campaigns.MapPost("/", (RegisterBody? body, HttpContext http, CampaignStore store, OpsRequests requests) =>
            {
                var user = http.CurrentUser();
                var party = OpsHttp.OwnParty(user, body?.PartyId, "推广活动 campaign");
                return requests.RunAsync(http, "campaign.register", async (connection, transaction) =>
                {
                    var title = OpsHttp.Required(body?.Title, "title", 200);
                    var description = OpsHttp.Optional(body?.Description, "description", 4000) ?? "";
                    if (body?.Kind is not { } kind || !Enum.IsDefined(kind))
                    {
                        throw OpsProblem.Invalid("需要 kind：Holiday（节日）或 Topical（专题）/ kind is required: Holiday or Topical");
                    }

                    if (body.StartsOn is not { } starts || body.EndsOn is not { } ends || ends < starts || ends.DayNumber - starts.DayNumber > 366)
                    {
                        throw OpsProblem.Invalid("需要 startsOn 和 endsOn，结束不早于开始，最长一年 / startsOn and endsOn are required; it ends on or after it starts, within a year");
                    }

                    var id = OpsHttp.NewId("camp");
                    var campaign = await store.RegisterAsync(connection, transaction, id, party, title, kind, starts, ends, description, user.Id, user.DisplayName,
                        http.RequestAborted);
                    http.Audit().Target = "campaign:" + id;
                    return new OpsAnswer(StatusCodes.Status201Created, campaign, $"/api/v1/campaigns/{id}");
                });
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("RegisterCampaign")
            .WithSummary("A party user registers a campaign: title, kind (Holiday, Topical), startsOn, endsOn, description. Requires an Idempotency-Key.");

        campaigns.MapGet("/{id}", async (string id, HttpContext http, CampaignStore store) => Results.Ok(await VisibleAsync(id, http, store)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetCampaign")
            .WithSummary("A campaign with its support decision.");

        campaigns.MapPut("/{id}/support", async (string id, SupportBody? body, HttpContext http, CampaignStore store, OpsRequests requests) =>
            {
                await VisibleAsync(id, http, store);
                return await requests.RunAsync(http, "campaign.support:" + id, async (connection, transaction) =>
                {
                    if (body?.Supported is not { } supported)
                    {
                        throw OpsProblem.Invalid("需要 supported（true 或 false）/ supported (true or false) is required");
                    }

                    var campaign = await store.SupportAsync(connection, transaction, id, supported ? CampaignSupport.Supported : CampaignSupport.Declined,
                        OpsHttp.Optional(body.Note, "note", 2000), http.CurrentUser().DisplayName, http.RequestAborted);
                    http.Audit().Target = "campaign:" + id;
                    http.Audit().Details["support"] = campaign.Support.ToString();
                    return new OpsAnswer(StatusCodes.Status200OK, campaign);
                });
            })
            .RequireAuthorization(Policies.Operations)
            .WithName("SupportCampaign")
            .WithSummary("An operator marks the platform's support of a campaign (supported true/false, note); it may be changed later.");

        return endpoints;
    }

    private static async Task<CampaignView> VisibleAsync(string id, HttpContext http, CampaignStore store)
    {
        var campaign = await store.GetAsync(id, http.RequestAborted);
        if (campaign is null || !http.CurrentUser().CanSeeParty(campaign.PartyId))
        {
            throw new IdentityProblem(ProblemKind.NotFound, $"推广活动 {id} 不存在 / campaign {id} not found");
        }

        return campaign;
    }
}
