using Dapper;
using MediaCenter.Grains.People;
using Npgsql;

namespace MediaCenter.Web.People;

/// <summary>
/// Gating of role grants (§8.1.5.4): an account linked to an active staff record is given its post's roles only once the
/// record shows the post's basic training (岗位基础) passed. The record is found through the read table and judged on the
/// staff grain's own state. Accounts without a staff record are not gated (yet): every account predates the records.
/// </summary>
public sealed class TrainingGate(NpgsqlDataSource db, IClusterClient cluster)
{
    /// <summary>Why the account may not be given roles now, or null when it may.</summary>
    public async Task<string?> RefusalAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var ids = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT id FROM mc.staff WHERE user_id = @userId AND state = 'Active'", new { userId }, cancellationToken: cancellationToken));
        foreach (var id in ids)
        {
            // The grain, not the row, decides: the row may trail the record by an announcement.
            if (await cluster.GetGrain<IStaffGrain>(id).GetAsync() is { State: StaffState.Active, UserId: var linked } staff && linked == userId
                && !staff.BasicTrainingPassed)
            {
                return Msg.Of("people.basicTrainingMissing", ("name", staff.Name), ("post", staff.Post));
            }
        }

        return null;
    }
}
