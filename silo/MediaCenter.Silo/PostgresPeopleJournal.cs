using Dapper;
using MediaCenter.Database.Data;
using MediaCenter.Grains.Events;
using MediaCenter.Grains.People;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>
/// The read table of staff records (mc.staff) and their history in mc.event_log (<see cref="StaffChanged"/> through
/// <see cref="PostgresEventLog"/>, in the same transaction, published after it commits). Idempotent: a history entry is
/// unique per (person, version), and a row older than what the table holds changes nothing.
/// </summary>
internal sealed class PostgresPeopleJournal(NpgsqlDataSource db, PostgresEventLog events) : IPeopleJournal
{
    public async Task RecordStaffAsync(StaffView s, StaffHistoryEntry? entry, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var appended = entry is null ? null : await events.AppendAsync(new StaffChanged
        {
            EntityId = s.Id,
            Version = entry.Version,
            At = entry.At,
            ActorId = entry.ActorId,
            ActorName = entry.Actor,
            Command = entry.Command.ToString(),
            From = entry.From?.ToString(),
            To = entry.To.ToString(),
            Organisation = s.Organisation,
            UserId = s.UserId,
            Comment = entry.Comment,
        }, connection, transaction, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.staff (id, organisation, side, party_id, name, post, education, experience_years, skills, certificates, trainings, national_id_masked,
                phone_masked, user_id, state, version, created_at, updated_at)
            VALUES (@id, @organisation, @side, @party, @name, @post, @education, @years, @skills, @certificates, @trainings, @nationalId, @phone, @userId, @state,
                @version, @createdAt, @updatedAt)
            ON CONFLICT (id) DO UPDATE SET
                name = EXCLUDED.name, post = EXCLUDED.post, education = EXCLUDED.education, experience_years = EXCLUDED.experience_years,
                skills = EXCLUDED.skills, certificates = EXCLUDED.certificates, trainings = EXCLUDED.trainings, national_id_masked = EXCLUDED.national_id_masked,
                phone_masked = EXCLUDED.phone_masked, user_id = EXCLUDED.user_id, state = EXCLUDED.state, version = EXCLUDED.version,
                updated_at = EXCLUDED.updated_at
            WHERE mc.staff.version < EXCLUDED.version
            """, new
        {
            id = s.Id,
            organisation = s.Organisation,
            side = s.Side.ToString(),
            party = s.PartyId,
            name = s.Name,
            post = s.Post.ToString(),
            education = s.Education.ToString(),
            years = s.ExperienceYears,
            skills = SqlValue.Jsonb(s.Skills),
            certificates = SqlValue.Jsonb(s.Certificates),
            trainings = SqlValue.Jsonb(s.Trainings ?? []),
            nationalId = s.NationalIdMasked,
            phone = s.PhoneMasked,
            userId = s.UserId,
            state = s.State.ToString(),
            version = s.Version,
            createdAt = s.CreatedAt,
            updatedAt = s.UpdatedAt,
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        if (appended is not null)
        {
            await events.PublishAsync(appended);
        }
    }
}
