using MediaCenter.Grains.Supervision;
using MediaCenter.Identity;
using MediaCenter.Web.Security;
using Microsoft.Extensions.Options;

namespace MediaCenter.Web.Supervision;

/// <summary>
/// The public side of the surveys under /api/public/surveys, without an account (the page /public/survey uses it): a
/// published survey's questions and consent text, and one anonymous answer per request. Rate limited per client address;
/// a draft, closed or unknown survey answers the same 404. Nothing about the respondent is stored but the answers.
/// </summary>
internal static class PublicSurveysApi
{
    public sealed record AnswerBody(List<SurveyAnswerItem>? Items, bool? Consent);

    public static IEndpointRouteBuilder MapPublicSurveysApi(this IEndpointRouteBuilder endpoints)
    {
        var open = endpoints.MapGroup("/api/public/surveys").WithTags("public").AllowAnonymous().RequireRateLimiting(SupervisionHosting.PublicRateLimit);

        open.MapGet("/{id}", async (string id, IClusterClient cluster) =>
            {
                var survey = await PublishedAsync(id, cluster);
                return Results.Ok(new { survey.Id, survey.Title, survey.Intro, survey.Questions, survey.ConsentText });
            })
            .WithName("PublicSurvey")
            .WithSummary("A published survey's title, intro, questions and consent text (null when it asks for no personal data).");

        open.MapPost("/{id}/answers", async (string id, AnswerBody? body, HttpContext http, IClusterClient cluster) =>
            {
                // An unknown or closed survey is the same 404 whatever the request holds.
                await PublishedAsync(id, cluster);
                var key = http.Request.Headers["Idempotency-Key"].ToString();
                if (key.Length is < 16 or > 100)
                {
                    throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("supervision.surveyKeyRequired"));
                }

                var result = await cluster.GetGrain<ISurveyGrain>(id)
                    .ExecuteAsync(new AnswerSurvey(body?.Items, body?.Consent == true), SurveyActor.Respondent, "public:" + key);
                return SupervisionApi.SurveyAnswer(http, result, created: false);
            })
            .WithName("AnswerPublicSurvey")
            .WithSummary("One anonymous answer: items (number; choices as option numbers from 1, rating 1–5, or text) and consent=true when the " +
                "survey shows a consent text. Requires an Idempotency-Key (random, 16–100 characters): a resent form counts once.");

        return endpoints;
    }

    private static async Task<SurveyView> PublishedAsync(string id, IClusterClient cluster) =>
        id.Length <= 100 && await cluster.GetGrain<ISurveyGrain>(id).GetAsync() is { State: SurveyState.Published } survey
            ? survey
            : throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("supervision.surveyNotFound"));
}

/// <summary>Settings of the public survey link (section <c>Surveys</c>).</summary>
public sealed class SurveyOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Surveys";

    /// <summary>Requests to the public survey endpoints per client address per <see cref="PublicWindow"/>.</summary>
    public int PublicPermits { get; set; } = 20;

    /// <summary>The window of <see cref="PublicPermits"/>.</summary>
    public TimeSpan PublicWindow { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>Composition of supervision in client-web: the read model and the public rate limit.</summary>
public static class SupervisionHosting
{
    /// <summary>The rate-limit policy of the public survey endpoints, per client address.</summary>
    public const string PublicRateLimit = "public-surveys";

    /// <summary>Registers what the supervision endpoints need.</summary>
    public static WebApplicationBuilder AddSupervision(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SurveyOptions>().Bind(builder.Configuration.GetSection(SurveyOptions.Section))
            .Validate(o => o.PublicPermits is >= 1 and <= 1_000_000 && o.PublicWindow > TimeSpan.Zero, "Surveys: PublicPermits 1–1000000, PublicWindow > 0.")
            .ValidateOnStart();
        services.AddSingleton<SupervisionReadModel>();
        services.AddSingleton<SurveyExport>();
        services.AddPerAddressRateLimit<SurveyOptions>(PublicRateLimit, o => (o.PublicPermits, o.PublicWindow));
        return builder;
    }
}
