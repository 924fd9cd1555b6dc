using System.Diagnostics;

namespace MediaCenter.Launcher;

/// <summary>
/// 主备模式 on one machine's private PostgreSQL: <c>db standby</c> makes and starts a streaming-replication standby of it,
/// <c>db promote</c> turns that standby into the primary after the original is lost. (For your own servers, docs/OPERATIONS.md
/// gives the same steps with PostgreSQL's tools.)
/// </summary>
public static class StandbyCommands
{
    /// <summary><c>db standby --standby-dir DIR [--standby-port N]</c>.</summary>
    public static async Task<int> StandbyAsync(LauncherSettings settings, string directory, int? standbyPort)
    {
        if (settings.ExternalDatabase is not null)
        {
            throw new ArgumentException("db standby follows the private PostgreSQL; for MEDIACENTER_DB use pg_basebackup -R on the standby host (docs/OPERATIONS.md).");
        }

        var port = standbyPort ?? settings.PostgresPort + 1;
        var primary = new PostgresCluster(Path.Combine(settings.DataDir, "postgres"), settings.PostgresPort);
        if (!primary.Exists)
        {
            throw new InvalidOperationException($"There is no private PostgreSQL under {primary.Root} yet: run './mediacenter up' first.");
        }

        var startedPrimary = await primary.StartAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            var standby = await primary.CreateStandbyAsync(directory, port);
            await standby.StartAsync();
            Console.WriteLine($"standby: following 127.0.0.1:{primary.Port} from 127.0.0.1:{standby.Port} under {standby.Root} " +
                $"(base backup and start {clock.Elapsed.TotalSeconds:0.0} s; read-only: {await standby.IsStandbyAsync()})");
            Console.WriteLine($"to fail over: ./mediacenter db promote --standby-dir {standby.Root} --standby-port {standby.Port}");
            return 0;
        }
        finally
        {
            if (startedPrimary)
            {
                await primary.StopAsync();
            }
        }
    }

    /// <summary><c>db promote --standby-dir DIR [--standby-port N]</c>.</summary>
    public static async Task<int> PromoteAsync(LauncherSettings settings, string directory, int? standbyPort)
    {
        var port = standbyPort ?? settings.PostgresPort + 1;
        var standby = new PostgresCluster(directory, port);
        if (!standby.Exists)
        {
            throw new InvalidOperationException($"There is no standby under {standby.Root}.");
        }

        await standby.StartAsync();
        if (!await standby.IsStandbyAsync())
        {
            Console.WriteLine($"{standby.Root} is already a primary.");
        }
        else
        {
            var clock = Stopwatch.StartNew();
            await standby.PromoteAsync();
            Console.WriteLine($"promoted in {clock.Elapsed.TotalSeconds:0.0} s: 127.0.0.1:{standby.Port} now accepts writes");
        }

        Console.WriteLine("run the system on it with: MEDIACENTER_DB='<its connection string>' ./mediacenter up --no-build " +
            $"(user postgres, password in {Path.Combine(standby.Root, "password")}, database {standby.Database})");
        return 0;
    }
}
