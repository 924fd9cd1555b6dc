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
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var mark = new NpgsqlCommand(
            "UPDATE OrleansMembershipTable SET Status = @dead WHERE DeploymentId = @cluster AND Address = @address AND Port = ANY(@ports) AND Status <> @dead",
            connection, transaction);
        mark.Parameters.AddWithValue("dead", Dead);
        mark.Parameters.AddWithValue("cluster", clusterId);
        mark.Parameters.AddWithValue("address", address);
        mark.Parameters.AddWithValue("ports", ports.ToArray());
        var marked = await mark.ExecuteNonQueryAsync(cancellationToken);
        if (marked > 0)
        {
            await using var version = new NpgsqlCommand(
                "UPDATE OrleansMembershipVersionTable SET Version = Version + 1, Timestamp = now() WHERE DeploymentId = @cluster", connection, transaction);
            version.Parameters.AddWithValue("cluster", clusterId);
            await version.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return marked;
    }
}
