using Dapper;
using MediaCenter.Database.Data;
using Npgsql;

namespace MediaCenter.Launcher;

/// <summary>
/// The launcher declares its own dead silos dead in the Orleans membership table, so that nothing waits for the
/// failure detector to find out (a restart after a crash used to wait about a minute on the silo it replaced).
/// It only ever does so for an endpoint of its own (127.0.0.1 and a silo port it runs) at a moment it knows nothing
/// listens there: at <c>up</c> after the port check found the port free, or right after its own silo process exited.
/// </summary>
public static class SiloMembership
{
    /// <summary>Orleans' <c>SiloStatus.Dead</c>, as the membership table stores it.</summary>
    public const int Dead = 6;

    /// <summary>Marks every entry of <paramref name="clusterId"/> at these endpoints that is not dead yet as dead; returns how many.</summary>
    /// <remarks>The version row moves on in the same transaction, as Orleans' own writes do, so a silo's concurrent
    /// conditional write fails and reads the table again instead of overwriting this.</remarks>
    public static async Task<int> DeclareDeadAsync(string connectionString, string clusterId, string address, IReadOnlyCollection<int> ports,
        CancellationToken cancellationToken = default)
    {
        DataAccess.Configure();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var marked = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE OrleansMembershipTable SET Status = @dead WHERE DeploymentId = @cluster AND Address = @address AND Port = ANY(@ports) AND Status <> @dead",
            new { dead = Dead, cluster = clusterId, address, ports = ports.ToArray() }, transaction, cancellationToken: cancellationToken));
        if (marked > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE OrleansMembershipVersionTable SET Version = Version + 1, Timestamp = now() WHERE DeploymentId = @cluster",
                new { cluster = clusterId }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return marked;
    }
}
