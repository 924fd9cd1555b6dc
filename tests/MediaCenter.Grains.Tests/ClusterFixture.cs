using MediaCenter.Grains;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace MediaCenter.Grains.Tests;

/// <summary>
/// One in-process test cluster (in-memory storage and reminders) shared by every grain unit test.
/// Real PostgreSQL behaviour is proven in MediaCenter.IntegrationTests.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private TestCluster? _cluster;

    /// <summary>The running test cluster.</summary>
    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    /// <summary>Grain factory of the cluster's client.</summary>
    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(initialSilosCount: 1);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddMemoryGrainStorage(StorageNames.Main);
            siloBuilder.UseInMemoryReminderService();
            siloBuilder.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromMilliseconds(200));
            siloBuilder.Services.AddSingleton(TimeProvider.System);
        }
    }
}

/// <summary>The collection every grain test class joins, so the cluster is deployed once.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "grain cluster";
}
