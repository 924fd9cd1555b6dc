using Dapper;
using MediaCenter.Grains.People;
using MediaCenter.Identity;
using Npgsql;

namespace MediaCenter.Web.People;

/// <summary>
/// Gating of role grants (§8.1.5.4): a post's roles — newsroom channel roles (reviewer levels included) and the platform roles
/// held by the operator's own staff (<see cref="PlatformRoles.Admin"/>, <see cref="PlatformRoles.Operator"/>) — are given to an
/// account only when it is linked to an active staff record of its organisation that shows the post's basic training (岗位基础)
/// passed. An account without such a record gets none of them: the person is recorded and trained first. The record is found
/// through the read table and judged on the staff grain's own state. Accounts made by the platform's bootstrap (the first
/// administrator, the demo) are written by the silo's start-up, not through these grants.
/// </summary>
public sealed class TrainingGate(NpgsqlDataSource db, IClusterClient cluster)
{
    /// <summary>The platform roles that are posts of the operator's staff; management (管理方) and auditors are not its staff.</summary>
    public static IReadOnlyList<string> GatedPlatformRoles { get; } = [PlatformRoles.Admin, PlatformRoles.Operator];

    /// <summary>Why the account may not be given a post's roles now, or null when it may.</summary>
    public async Task<string?> RefusalAsync(Guid userId, string? displayName, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var ids = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT id FROM mc.staff WHERE user_id = @userId AND state = 'Active' ORDER BY id", new { userId }, cancellationToken: cancellationToken));
        string? refusal = null;
        foreach (var id in ids)
        {
            // The grain, not the row, decides: the row may trail the record by an announcement.
            if (await cluster.GetGrain<IStaffGrain>(id).GetAsync() is { State: StaffState.Active, UserId: var linked } staff && linked == userId)
            {
                if (staff.BasicTrainingPassed)
                {
                    return null;
                }

                refusal ??= Missing(staff);
            }
        }

        return refusal ?? Msg.Of("people.noStaffRecord", ("account", displayName ?? userId.ToString()));
    }

    /// <summary>
    /// Why a new account of <paramref name="organisation"/> may not be created with a post's roles on the staff record
    /// <paramref name="staffId"/> (none named, another organisation's, left, linked to another account, training not passed), or
    /// null when it may.
    /// </summary>
    public async Task<string?> RefusalForNewAccountAsync(string? staffId, Organisation organisation, IReadOnlyList<string> roles)
    {
        if (string.IsNullOrWhiteSpace(staffId))
        {
            return Msg.Of("people.staffRecordRequired", ("roles", string.Join(", ", roles)));
        }

        var staff = await cluster.GetGrain<IStaffGrain>(staffId).GetAsync();
        if (staff is null || staff.Organisation != organisation.Key)
        {
            return Msg.Of("people.notFoundId", ("id", staffId));
        }

        if (staff.State != StaffState.Active || staff.UserId is not null)
        {
            return Msg.Of("people.staffRecordTaken", ("name", staff.Name));
        }

        return staff.BasicTrainingPassed ? null : Missing(staff);
    }

    private static string Missing(StaffView staff) => Msg.Of("people.basicTrainingMissing", ("name", staff.Name), ("post", staff.Post));
}
