using Dapper;
using MediaCenter.Database.Data;
using MediaCenter.Grains.Events;
using MediaCenter.Grains.People;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>
/// The read table of staff records (mc.staff) and their history in mc.event_log (<see cref="StaffChanged"/> through
/// <see cref="PostgresEventLog"/>, in the same transaction, published after it commits). Idempotent: a history entry is
/// unique per (person, version), and a row older than what the table holds changes nothing. The training read tables
/// (mc.training_plans, mc.training_sessions, mc.training_obligations) are guarded the same way, by each row's version.
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
            Post = entry.Post?.ToString(),
        }, connection, transaction, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.staff (id, organisation, side, party_id, name, post, education, experience_years, skills, certificates, trainings, national_id_masked,
                phone_masked, user_id, state, version, created_at, updated_at, publish_consent)
            VALUES (@id, @organisation, @side, @party, @name, @post, @education, @years, @skills, @certificates, @trainings, @nationalId, @phone, @userId, @state,
                @version, @createdAt, @updatedAt, @publishConsent)
            ON CONFLICT (id) DO UPDATE SET
                name = EXCLUDED.name, post = EXCLUDED.post, education = EXCLUDED.education, experience_years = EXCLUDED.experience_years,
                skills = EXCLUDED.skills, certificates = EXCLUDED.certificates, trainings = EXCLUDED.trainings, national_id_masked = EXCLUDED.national_id_masked,
                phone_masked = EXCLUDED.phone_masked, user_id = EXCLUDED.user_id, state = EXCLUDED.state, version = EXCLUDED.version,
                updated_at = EXCLUDED.updated_at, publish_consent = EXCLUDED.publish_consent
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
            publishConsent = s.PublishConsent,
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        if (appended is not null)
        {
            await events.PublishAsync(appended);
        }
    }

    public async Task DeleteCertificateScansAsync(string personId, IReadOnlyCollection<Guid>? keep = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM mc.staff_documents WHERE person_id = @personId AND NOT (id = ANY(@keep))",
            new { personId, keep = (keep ?? []).ToArray() }, cancellationToken: cancellationToken));
    }

    public async Task StoreCertificateScanAsync(string personId, string organisation, string certificateNumber, CertificateScan scan, byte[] protectedData,
        Guid uploadedBy, CancellationToken cancellationToken = default)
    {
        // The same id always carries the same bytes (it is derived from the person and the operation): a repeat changes nothing.
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.staff_documents (id, person_id, organisation, certificate_number, file_name, content_type, size_bytes, sha256, data, uploaded_by,
                uploaded_at)
            VALUES (@id, @personId, @organisation, @certificateNumber, @fileName, @contentType, @sizeBytes, @sha256, @data, @uploadedBy, @uploadedAt)
            ON CONFLICT (id) DO NOTHING
            """, new
        {
            id = scan.Id,
            personId,
            organisation,
            certificateNumber,
            fileName = scan.FileName,
            contentType = scan.ContentType,
            sizeBytes = scan.SizeBytes,
            sha256 = scan.Sha256,
            data = protectedData,
            uploadedBy,
            uploadedAt = scan.UploadedAt.ToUniversalTime(),
        }, cancellationToken: cancellationToken));
    }

    public async Task RecordTrainingAsync(IReadOnlyList<TrainingPlan> plans, IReadOnlyList<TrainingSession> sessions, IReadOnlyList<TrainingObligation> obligations,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.training_plans (organisation, id, post, kind, title, cadence, skills, pass_mark, state, version, created_at, updated_at)
            VALUES (@Organisation, @Id, @Post, @Kind, @Title, @Cadence, @Skills, @PassMark, @State, @Version, @CreatedAt, @UpdatedAt)
            ON CONFLICT (organisation, id) DO UPDATE SET
                title = EXCLUDED.title, cadence = EXCLUDED.cadence, skills = EXCLUDED.skills, pass_mark = EXCLUDED.pass_mark, state = EXCLUDED.state,
                version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
            WHERE mc.training_plans.version < EXCLUDED.version
            """, plans.Select(p => new
        {
            p.Organisation,
            p.Id,
            Post = p.Post.ToString(),
            Kind = p.Kind.ToString(),
            p.Title,
            Cadence = p.Cadence.ToString(),
            Skills = SqlValue.Jsonb(p.Skills),
            p.PassMark,
            State = p.State.ToString(),
            p.Version,
            p.CreatedAt,
            p.UpdatedAt,
        }).ToList(), transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.training_sessions (organisation, id, plan_id, title, external, provider, starts_at, location, materials, pass_mark, attendees, state,
                version, updated_at, closed_on)
            VALUES (@Organisation, @Id, @PlanId, @Title, @External, @Provider, @StartsAt, @Location, @Materials, @PassMark, @Attendees, @State, @Version,
                @UpdatedAt, @ClosedOn)
            ON CONFLICT (organisation, id) DO UPDATE SET
                title = EXCLUDED.title, materials = EXCLUDED.materials, pass_mark = EXCLUDED.pass_mark, attendees = EXCLUDED.attendees, state = EXCLUDED.state,
                version = EXCLUDED.version, updated_at = EXCLUDED.updated_at, closed_on = EXCLUDED.closed_on
            WHERE mc.training_sessions.version < EXCLUDED.version
            """, sessions.Select(x => new
        {
            x.Organisation,
            x.Id,
            x.PlanId,
            x.Title,
            x.External,
            x.Provider,
            x.StartsAt,
            x.Location,
            Materials = SqlValue.Jsonb(x.Materials),
            x.PassMark,
            Attendees = SqlValue.Jsonb(x.Attendees),
            State = x.State.ToString(),
            x.Version,
            x.UpdatedAt,
            ClosedOn = x.ClosedOn is { } d ? d.ToDateTime(TimeOnly.MinValue) : (DateTime?)null,
        }).ToList(), transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.training_obligations (organisation, id, person_id, person_name, plan_id, plan_title, reason, since, due, state, fulfilled_by,
                fulfilled_on, reminded, version)
            VALUES (@Organisation, @Id, @PersonId, @PersonName, @PlanId, @PlanTitle, @Reason, @Since, @Due, @State, @FulfilledBy, @FulfilledOn, @Reminded, @Version)
            ON CONFLICT (organisation, id) DO UPDATE SET
                person_name = EXCLUDED.person_name, state = EXCLUDED.state, fulfilled_by = EXCLUDED.fulfilled_by, fulfilled_on = EXCLUDED.fulfilled_on,
                reminded = EXCLUDED.reminded, version = EXCLUDED.version
            WHERE mc.training_obligations.version < EXCLUDED.version
            """, obligations.Select(o => new
        {
            o.Organisation,
            o.Id,
            o.PersonId,
            o.PersonName,
            o.PlanId,
            o.PlanTitle,
            Reason = o.Reason.ToString(),
            Since = o.Since.ToDateTime(TimeOnly.MinValue),
            Due = o.Due.ToDateTime(TimeOnly.MinValue),
            State = o.State.ToString(),
            o.FulfilledBy,
            FulfilledOn = o.FulfilledOn is { } d ? d.ToDateTime(TimeOnly.MinValue) : (DateTime?)null,
            o.Reminded,
            o.Version,
        }).ToList(), transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }
}
