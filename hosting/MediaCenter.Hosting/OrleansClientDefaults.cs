using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace MediaCenter.Hosting;

/// <summary>Makes a process an Orleans client that finds the silos through the PostgreSQL membership table.</summary>
public static class OrleansClientDefaults
{
    /// <summary>How long a web or gateway call to the cluster may wait for its answer (<c>ClusterTuning:ClientMessaging:ResponseTimeout</c>).</summary>
    public static readonly TimeSpan DefaultResponseTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Adds the Orleans client, its readiness check and a connection loop that waits for the cluster.</summary>
    public static IHostApplicationBuilder AddMediaCenterClusterClient(this IHostApplicationBuilder builder, Action<IClientBuilder>? configure = null)
    {
        builder.UseOrleansClient(client =>
        {
            client.UseAdoNetClustering((OptionsBuilder<AdoNetClusteringClientOptions> options) =>
                options.Configure<IOptions<DatabaseSettings>>((o, db) =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = db.Value.ConnectionString;
                }));
            client.UseConnectionRetryFilter<WaitForClusterRetryFilter>();
            var tls = ClusterTlsSettings.From(builder.Configuration);
            if (tls.Enabled)
            {
                client.UseTls(tls.Apply);
            }

            configure?.Invoke(client);
        });

        builder.Services.AddOptions<ClusterOptions>()
            .Configure<IOptions<ClusterSettings>>((o, cluster) =>
            {
                o.ClusterId = cluster.Value.ClusterId;
                o.ServiceId = cluster.Value.ServiceId;
            });
        // A call whose silo died with it is only answered by this timeout (the client does not fail requests pending on a
        // lost gateway), so keep it short for interactive processes: a person would not wait 30 s, Orleans' default.
        builder.Services.AddOptions<ClientMessagingOptions>()
            .Configure(o => o.ResponseTimeout = DefaultResponseTimeout)
            .Bind(builder.Configuration.GetSection("ClusterTuning:ClientMessaging"));
        builder.Services.AddHealthChecks().AddCheck<ClusterClientHealthCheck>("cluster", tags: [ServiceDefaults.ReadyTag]);
        return builder;
    }
}

/// <summary>Keeps trying to reach the cluster (silos may start after clients) until the host stops.</summary>
internal sealed partial class WaitForClusterRetryFilter(ILogger<WaitForClusterRetryFilter> logger) : IClientConnectionRetryFilter
{
    private int _attempts;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref _attempts);
        LogWaiting(logger, attempt, exception.Message);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for the Orleans cluster (attempt {Attempt}): {Reason}")]
    private static partial void LogWaiting(ILogger logger, int attempt, string reason);
}
