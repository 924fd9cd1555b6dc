using MediaCenter.Testing;

// These tests start real processes on a 2-core machine: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace MediaCenter.IntegrationTests;

/// <summary>One throwaway PostgreSQL server for the whole integration suite; each test takes its own database.</summary>
public sealed class IntegrationFixture : IAsyncLifetime
{
    private TestPostgres? _postgres;

    /// <summary>The server.</summary>
    public TestPostgres Postgres => _postgres ?? throw new InvalidOperationException("PostgreSQL is not started.");

    public async Task InitializeAsync() => _postgres = await TestPostgres.StartAsync();

    public async Task DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    /// <summary>A deployment on a fresh, migrated database.</summary>
    public async Task<Deployment> NewDeploymentAsync() => new(await Postgres.CreateMigratedDatabaseAsync());
}

[CollectionDefinition(Name)]
public sealed class IntegrationCollection : ICollectionFixture<IntegrationFixture>
{
    public const string Name = "integration";
}
