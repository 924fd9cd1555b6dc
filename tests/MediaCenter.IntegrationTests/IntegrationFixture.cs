using MediaCenter.Testing;

// These tests start real processes on a 2-core machine: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace MediaCenter.IntegrationTests;

/// <summary>One throwaway PostgreSQL server for the whole integration suite; each test takes its own database.</summary>
public sealed class IntegrationFixture : IAsyncLifetime
{
    private TestPostgres? _postgres;
    private readonly SemaphoreSlim _sharedLock = new(1, 1);
    private SharedDeployment? _shared;

    /// <summary>The server.</summary>
    public TestPostgres Postgres => _postgres ?? throw new InvalidOperationException("PostgreSQL is not started.");

    public async Task InitializeAsync() => _postgres = await TestPostgres.StartAsync();

    /// <summary>
    /// One silo and one web process for the identity tests, started on first use. Tests that share it keep
    /// their data apart by name; sign-in rate limiting is relaxed here (it is tested on its own instance).
    /// </summary>
    public async Task<SharedDeployment> SharedAsync()
    {
        await _sharedLock.WaitAsync();
        try
        {
            if (_shared is null)
            {
                var deployment = await NewDeploymentAsync();
                try
                {
                    await deployment.StartSiloAsync("shared-silo");
                    var web = await deployment.StartWebAsync("shared-web", new Dictionary<string, string>
                    {
                        ["Identity__SignInRatePerMinute"] = "100000",
                        ["Tickets__PublicPermits"] = "100000",
                        ["Surveys__PublicPermits"] = "100000",
                        ["Interactions__PublicPermits"] = "100000",
                        ["PublicInfo__PublicPermits"] = "100000",
                    });
                    _shared = new SharedDeployment(deployment, web);
                }
                catch
                {
                    // A silo that started for a web that did not must not outlive the failure.
                    await deployment.DisposeAsync();
                    throw;
                }
            }

            return _shared;
        }
        finally
        {
            _sharedLock.Release();
        }
    }

    public async Task DisposeAsync()
    {
        if (_shared is not null)
        {
            await _shared.Deployment.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    /// <summary>A deployment on a fresh, migrated database.</summary>
    public Task<Deployment> NewDeploymentAsync() => Postgres.NewDeploymentAsync();
}

/// <summary>The shared deployment and its web process.</summary>
public sealed record SharedDeployment(Deployment Deployment, TestProcess Web)
{
    /// <summary>A signed-in HTTP client (bearer token).</summary>
    public Task<HttpClient> SignInAsync(string username) => TestIdentity.SignInAsync(Web.Http, username);

    /// <summary>An anonymous HTTP client.</summary>
    public HttpClient Anonymous() => new() { BaseAddress = Web.Http };
}

[CollectionDefinition(Name)]
public sealed class IntegrationCollection : ICollectionFixture<IntegrationFixture>
{
    public const string Name = "integration";
}
