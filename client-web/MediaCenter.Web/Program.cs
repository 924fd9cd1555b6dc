using MediaCenter.Hosting;
using MediaCenter.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddMediaCenterClusterClient();
builder.AddWebServices();

var app = builder.Build();
app.UseWebPipeline();
app.MapDefaultEndpoints();
app.MapWebEndpoints();
app.Run();

/// <summary>Exposed for WebApplicationFactory-based tests.</summary>
public partial class Program;
