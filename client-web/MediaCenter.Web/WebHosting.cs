using MediaCenter.Web.Api;
using MediaCenter.Web.Applications;
using MediaCenter.Web.Cockpit;
using MediaCenter.Web.Evaluation;
using MediaCenter.Web.Governance;
using MediaCenter.Web.Incidents;
using MediaCenter.Web.Indicators;
using MediaCenter.Web.Live;
using MediaCenter.Web.Newsroom;
using MediaCenter.Web.Operations;
using MediaCenter.Web.People;
using MediaCenter.Web.Public;
using MediaCenter.Web.Security;
using MediaCenter.Web.Supervision;
using MediaCenter.Web.Terminals;
using MediaCenter.Web.Tickets;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace MediaCenter.Web;

/// <summary>Composition of client-web: REST API, SignalR, dashboards, authentication hooks.</summary>
public static class WebHosting
{
    /// <summary>Registers the web application's services.</summary>
    public static WebApplicationBuilder AddWebServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<LiveSettings>().Bind(builder.Configuration.GetSection(LiveSettings.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LiveSettings>, LiveSettingsValidator>();

        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddReaderLanguage();
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));

        builder.AddWebSecurity();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize =
            builder.Configuration.GetValue<long?>("Web:MaxRequestBodyBytes") ?? 1_048_576);

        services.AddSingleton<LivePushMetrics>();
        services.AddSingleton<LiveSender>();
        services.AddSingleton<Terminals.TerminalDirectory>();
        services.AddHostedService<Terminals.FleetFeed>();
        services.AddSingleton<Newsroom.NewsroomReadModel>();
        services.AddSingleton<Newsroom.FeedCache>();
        services.AddSingleton<Newsroom.FeedHeads>();
        services.AddSingleton<Newsroom.MediaStore>();
        services.AddSingleton<LiveFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveFeed>());
        services.AddSingleton<Incidents.IncidentReadModel>();
        services.AddSingleton<StaffReadModel>();
        services.AddSingleton<StaffDocuments>();
        services.AddSingleton<MediaCenter.Reports.IndicatorReadModel>();
        services.AddSingleton<AppraisalReadModel>();
        services.AddSingleton<GrowthReadModel>();
        services.AddSingleton<Applications.ApplicationReadModel>();
        services.AddSingleton<MediaCenter.Reports.ReportPack>();
        services.AddSingleton<TrainingGate>();
        services.AddSignalR().AddJsonProtocol(o =>
            o.PayloadSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddSingleton<SystemStatusReader>();
        services.AddHostedService<SystemStatusBroadcaster>();
        builder.AddPlansAndHotEvents();
        builder.AddTickets();
        builder.AddSupervision();
        builder.AddEvaluations();
        builder.AddInteractions();
        builder.AddPublicInfo();
        return builder;
    }

    /// <summary>The middleware pipeline.</summary>
    public static WebApplication UseWebPipeline(this WebApplication app)
    {
        // First: everything after sees the client's address and scheme (from configured proxies only, Web:ForwardedHeaders).
        app.UseForwardedHeaders();
        app.UseMiddleware<SecurityHeaders>();
        // Before anything can answer: problem details and responses are rendered in the reader's language.
        app.UseReaderLanguage();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        // The interactive API reference (Swagger UI, served from the package: no CDN) over the OpenAPI document.
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "api/reference";
            o.SwaggerEndpoint("/openapi/v1.json", "MediaCenter v1");
            o.DocumentTitle = "MediaCenter API";
        });
        app.UseRouting();
        // After authentication: the password-change limit is per account.
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseMiddleware<CsrfCheck>();
        // Before authorization, so refused calls are in the operation log too.
        app.UseMiddleware<AuditTrail>();
        app.UseMiddleware<PasswordChangeGate>();
        app.UseAuthorization();
        app.UseMiddleware<AuditWriteAhead>();
        app.UseMiddleware<Newsroom.FeedHeadsInvalidation>();
        return app;
    }

    /// <summary>Maps the API, the OpenAPI document and the hubs.</summary>
    public static WebApplication MapWebEndpoints(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapSystemApi();
        app.MapAuthApi();
        app.MapUsersApi();
        app.MapDirectoryApi();
        app.MapAuditApi();
        app.MapTerminalsApi();
        app.MapPatrolApi();
        app.MapNewsroomApi();
        app.MapMediaApi(app.Configuration.GetValue<long?>("Newsroom:MaxUploadBytes") ?? MediaStore.DefaultMaxBytes);
        app.MapFeeds();
        app.MapInteractionsApi();
        app.MapReprintApi();
        app.MapCollectionApi();
        app.MapIncidentsApi();
        app.MapAlertCentreApi();
        app.MapAlertmanagerReceiver();
        app.MapMaintenanceApi();
        app.MapPlansApi();
        app.MapHotEventsApi();
        app.MapCampaignsApi();
        app.MapEditorsApi();
        app.MapCockpitApi();
        app.MapStaffApi();
        app.MapTrainingApi();
        app.MapAppraisalApi();
        app.MapGrowthApi();
        app.MapIndicatorsApi();
        app.MapApplicationsApi();
        app.MapTicketsApi();
        app.MapPublicTicketsApi();
        app.MapSupervisionApi();
        app.MapEvaluationsApi();
        app.MapPublicSurveysApi();
        app.MapPublicInfoApi();
        app.MapDataDictionaryApi();
        app.MapRetentionApi();
        app.MapLineageApi();
        // A connection ends when its session expires (the ticket carries the expiry), not only when it is revoked.
        app.MapHub<LiveHub>(LiveHub.Path, o => o.CloseOnAuthenticationExpiration = true);
        app.MapAppPages();

        // The cluster itself (silos, activations, grain call rates): Orleans' own dashboard, for operators only.
        app.MapOrleansDashboard(routePrefix: "/dashboard").RequireAuthorization(Policies.Operations).ExcludeFromDescription();
        return app;
    }
}
