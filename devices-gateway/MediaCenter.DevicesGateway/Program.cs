using MediaCenter.DevicesGateway;
using MediaCenter.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddMediaCenterClusterClient();
builder.AddMqttEdge();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGet("/", () => Results.Redirect("/health/ready"));
app.Run();
