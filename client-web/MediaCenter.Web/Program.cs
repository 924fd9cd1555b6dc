using MediaCenter.Hosting;
using MediaCenter.Web;
using Orleans.Dashboard;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddMediaCenterClusterClient(client => client.AddDashboard());
builder.AddWebServices();

var app = builder.Build();
app.UseWebPipeline();
app.MapDefaultEndpoints();
app.MapWebEndpoints();
app.Run();

/// <summary>Exposed for WebApplicationFactory-based tests.</summary>
public partial class Program;
