using Dapper;
using MediaCenter.Database.Data;
using MediaCenter.Grains.Events;
using MediaCenter.Grains.Incidents;
using MediaCenter.Grains.People;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>
/// Appraisals on PostgreSQL: the per-person figures of <see cref="AppraisalMeasures"/> from mc.event_log (the newsroom's and
/// incidents' events carry the acting account in <c>actorId</c>, the author in <c>author.id</c>, assignees in
/// <c>assignees[].id</c>), the operation log (inspections) and mc.staff (trainings); and the read table mc.appraisals with
/// the history in mc.event_log (<see cref="AppraisalChanged"/>), in one transaction, published after it commits.
/// </summary>
internal sealed class PostgresAppraisalJournal(NpgsqlDataSource db, PostgresEventLog events, IOptions<IncidentOptions> incidents) : IAppraisalJournal
{
    /// <summary>The operation log's action of a recorded terminal inspection.</summary>
    internal const string InspectionAction = "POST /api/terminals/{id}/inspections";

    public async Task<IReadOnlyDictionary<string, double?>> MeasureAsync(string personId, Guid? userId, DateOnly firstDay, DateOnly endDay,
        DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var trainings = await connection.ExecuteScalarAsync<double>(new CommandDefinition("""
            SELECT count(*)::float8
              FROM mc.staff s, jsonb_array_elements(s.trainings) t
             WHERE s.id = @person AND (t ->> 'completedOn')::date >= @first AND (t ->> 'completedOn')::date < @end
               AND (t ->> 'score')::int >= (t ->> 'passMark')::int
            """, new { person = personId, first = firstDay, end = endDay }, cancellationToken: cancellationToken));
        var figures = new Dictionary<string, double?>(StringComparer.Ordinal) { [AppraisalMeasures.TrainingsPassed] = trainings };

        // Complaints about the person's work: the Close events of complaint tickets naming their staff record, with the satisfaction
        // the ticket held when it was closed.
        var complaints = await connection.QuerySingleAsync<Complaints>(new CommandDefinition("""
            SELECT count(*)::float8 AS closed,
                   count(*) FILTER (WHERE payload ->> 'satisfaction' IS NOT NULL)::float8 AS rated,
                   count(*) FILTER (WHERE (payload ->> 'satisfaction')::int > @dissatisfied)::float8 AS satisfied
              FROM mc.event_log
             WHERE entity_type = @ticket AND event_type = 'Close' AND payload ->> 'kind' = 'Complaint'
               AND payload ->> 'concernedStaffId' = @person AND occurred_at >= @from AND occurred_at < @to
            """, new
        {
            ticket = DomainNames.Ticket,
            person = personId,
            dissatisfied = Grains.Tickets.TicketView.DissatisfiedAtMost,
            from = from.ToUniversalTime(),
            to = to.ToUniversalTime(),
        }, cancellationToken: cancellationToken));
        figures[AppraisalMeasures.ComplaintsClosed] = complaints.Closed;
        figures[AppraisalMeasures.ComplaintSatisfactionRate] = complaints.Rated > 0 ? Math.Round(100.0 * complaints.Satisfied / complaints.Rated, 2) : null;
        if (userId is not { } user)
        {
            return figures;
        }

        var o = incidents.Value;
        var args = new
        {
            user = user.ToString(),
            from = from.ToUniversalTime(),
            to = to.ToUniversalTime(),
            p1 = o.AcknowledgeP1.TotalSeconds,
            p2 = o.AcknowledgeP2.TotalSeconds,
            p3 = o.AcknowledgeP3.TotalSeconds,
            p4 = o.AcknowledgeP4.TotalSeconds,
            action = InspectionAction,
        };
        var m = await connection.QuerySingleAsync<Figures>(new CommandDefinition("""
            WITH a AS (
                SELECT entity_id, event_type, occurred_at, payload
                  FROM mc.event_log
                 WHERE entity_type = 'article' AND occurred_at >= @from AND occurred_at < @to),
            mine AS (
                SELECT * FROM a
                 WHERE payload ->> 'actorId' = @user OR payload -> 'author' ->> 'id' = @user
                    OR payload -> 'assignees' @> jsonb_build_array(jsonb_build_object('id', @user))),
            i AS (
                SELECT e.entity_id, e.event_type, e.occurred_at, e.payload ->> 'severity' AS severity,
                       (SELECT min(r.occurred_at) FROM mc.event_log r
                         WHERE r.entity_type = 'incident' AND r.entity_id = e.entity_id AND r.event_type = 'incident.Report') AS reported
                  FROM mc.event_log e
                 WHERE e.entity_type = 'incident' AND e.event_type IN ('incident.Acknowledge', 'incident.Resolve')
                   AND e.payload ->> 'actorId' = @user AND e.occurred_at >= @from AND e.occurred_at < @to)
            SELECT (SELECT count(*) FROM mine WHERE event_type = 'File' AND payload ->> 'actorId' = @user)::float8 AS pitches_filed,
                   (SELECT count(*) FROM mine WHERE event_type = 'Confirm' AND payload -> 'author' ->> 'id' = @user)::float8 AS pitches_selected,
                   (SELECT count(DISTINCT entity_id) FROM mine WHERE event_type = 'Publish'
                       AND (payload -> 'author' ->> 'id' = @user OR payload -> 'assignees' @> jsonb_build_array(jsonb_build_object('id', @user))))::float8
                       AS stories_published,
                   (SELECT count(*) FROM mine WHERE event_type = 'Submit'
                       AND payload -> 'assignees' @> jsonb_build_array(jsonb_build_object('id', @user)))::float8 AS submitted,
                   (SELECT count(*) FROM mine WHERE event_type = 'Submit'
                       AND payload -> 'assignees' @> jsonb_build_array(jsonb_build_object('id', @user))
                       AND (payload ->> 'dueAt' IS NULL OR occurred_at <= (payload ->> 'dueAt')::timestamptz))::float8 AS on_time,
                   (SELECT count(*) FROM mine WHERE event_type IN ('Approve', 'Reject') AND payload ->> 'actorId' = @user)::float8 AS reviews,
                   (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM occurred_at - (payload ->> 'reviewRequestedAt')::timestamptz) / 3600.0)
                      FROM mine WHERE event_type IN ('Approve', 'Reject') AND payload ->> 'actorId' = @user
                       AND payload ->> 'reviewRequestedAt' IS NOT NULL)::float8 AS review_median_hours,
                   (SELECT count(*) FROM i WHERE event_type = 'incident.Acknowledge')::float8 AS acknowledged,
                   (SELECT count(*) FROM i WHERE event_type = 'incident.Acknowledge' AND reported IS NOT NULL
                       AND extract(epoch FROM occurred_at - reported) <= CASE severity WHEN 'P1' THEN @p1 WHEN 'P2' THEN @p2 WHEN 'P3' THEN @p3 ELSE @p4 END)::float8
                       AS acknowledged_in_target,
                   (SELECT count(*) FROM i WHERE event_type = 'incident.Resolve')::float8 AS resolved,
                   (SELECT count(*) FROM mc.audit_log l JOIN mc.users u ON u.username = l.actor
                     WHERE u.id = @user::uuid AND l.action = @action AND l.result = 'ok' AND l.occurred_at >= @from AND l.occurred_at < @to)::float8 AS inspections
            """, args, cancellationToken: cancellationToken));
        figures[AppraisalMeasures.PitchesFiled] = m.PitchesFiled;
        figures[AppraisalMeasures.PitchesSelected] = m.PitchesSelected;
        figures[AppraisalMeasures.StoriesPublished] = m.StoriesPublished;
        figures[AppraisalMeasures.AssignmentsSubmitted] = m.Submitted;
        figures[AppraisalMeasures.AssignmentOnTimeRate] = m.Submitted > 0 ? Math.Round(100.0 * m.OnTime / m.Submitted, 2) : null;
        figures[AppraisalMeasures.ReviewsDone] = m.Reviews;
        figures[AppraisalMeasures.ReviewTurnaroundMedianHours] = m.ReviewMedianHours is { } hours ? Math.Round(hours, 2) : null;
        figures[AppraisalMeasures.IncidentsAcknowledged] = m.Acknowledged;
        figures[AppraisalMeasures.IncidentsAcknowledgedInTarget] = m.AcknowledgedInTarget;
        figures[AppraisalMeasures.IncidentsResolved] = m.Resolved;
        figures[AppraisalMeasures.InspectionsDone] = m.Inspections;
        return figures;
    }

    public async Task RecordAppraisalAsync(Appraisal a, AppraisalHistoryEntry entry, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var appended = await events.AppendAsync(new AppraisalChanged
        {
            EntityId = a.Id,
            Version = entry.Version,
            At = entry.At,
            ActorId = entry.ActorId,
            ActorName = entry.Actor,
            Command = entry.Command.ToString(),
            From = entry.From?.ToString(),
            To = entry.To.ToString(),
            Organisation = a.Organisation,
            PersonId = a.PersonId,
            Period = a.Period.Name,
            UserId = a.UserId,
            Total = a.Version == entry.Version ? a.Total : null,
            Grade = a.Version == entry.Version ? a.Grade : null,
        }, connection, transaction, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.appraisals (id, organisation, person_id, person_name, user_id, post, period, period_kind, period_from, period_to, figures,
                manual_scores, total, grade, comment, dispute_reason, incentives, goals, state, appraiser, version, computed_at, updated_at)
            VALUES (@Id, @Organisation, @PersonId, @PersonName, @UserId, @Post, @Period, @Kind, @From, @To, @Figures, @ManualScores, @Total, @Grade, @Comment,
                @DisputeReason, @Incentives, @Goals, @State, @Appraiser, @Version, @ComputedAt, @UpdatedAt)
            ON CONFLICT (id) DO UPDATE SET
                person_name = EXCLUDED.person_name, figures = EXCLUDED.figures, manual_scores = EXCLUDED.manual_scores, total = EXCLUDED.total,
                grade = EXCLUDED.grade, comment = EXCLUDED.comment, dispute_reason = EXCLUDED.dispute_reason, incentives = EXCLUDED.incentives,
                goals = EXCLUDED.goals, state = EXCLUDED.state, appraiser = EXCLUDED.appraiser, version = EXCLUDED.version,
                computed_at = EXCLUDED.computed_at, updated_at = EXCLUDED.updated_at
            WHERE mc.appraisals.version < EXCLUDED.version
            """, new
        {
            a.Id,
            a.Organisation,
            a.PersonId,
            a.PersonName,
            a.UserId,
            Post = a.Post.ToString(),
            Period = a.Period.Name,
            Kind = a.Period.Kind.ToString(),
            a.Period.From,
            a.Period.To,
            Figures = SqlValue.Jsonb(a.Figures),
            ManualScores = SqlValue.Jsonb(a.ManualScores),
            a.Total,
            a.Grade,
            a.Comment,
            a.DisputeReason,
            Incentives = SqlValue.Jsonb(a.Incentives),
            Goals = SqlValue.Jsonb(a.Goals),
            State = a.State.ToString(),
            a.Appraiser,
            a.Version,
            a.ComputedAt,
            a.UpdatedAt,
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        if (appended is not null)
        {
            await events.PublishAsync(appended);
        }
    }

    private sealed class Figures
    {
        public double PitchesFiled { get; init; }

        public double PitchesSelected { get; init; }

        public double StoriesPublished { get; init; }

        public double Submitted { get; init; }

        public double OnTime { get; init; }

        public double Reviews { get; init; }

        public double? ReviewMedianHours { get; init; }

        public double Acknowledged { get; init; }

        public double AcknowledgedInTarget { get; init; }

        public double Resolved { get; init; }

        public double Inspections { get; init; }
    }

    private sealed class Complaints
    {
        public double Closed { get; init; }

        public double Rated { get; init; }

        public double Satisfied { get; init; }
    }
}
