using MediaCenter.Hosting;
using MediaCenter.Silo;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddMediaCenterSilo();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGet("/", () => Results.Redirect("/health/ready"));
app.Run();
