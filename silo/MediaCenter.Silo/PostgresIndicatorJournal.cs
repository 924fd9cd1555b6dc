using Dapper;
using MediaCenter.Database.Data;
using MediaCenter.Grains.Events;
using MediaCenter.Grains.Indicators;
using Npgsql;

namespace MediaCenter.Silo;

/// <summary>
/// Indicators on PostgreSQL: the definitions' read table, the measures of the catalogue computed from mc.event_log
/// (and the channels' owners), the figures and the reminders. Only events inside [from, to) count, so a month that has
/// ended gives the same measures whenever it is computed. docs/INDICATORS.md defines each measure. Each move of a definition is
/// appended to mc.event_log (<see cref="IndicatorChanged"/>) in the transaction that updates the read table.
/// </summary>
internal sealed class PostgresIndicatorJournal(NpgsqlDataSource db, PostgresEventLog events) : IIndicatorJournal
{
    public async Task RecordIndicatorAsync(IndicatorView i, IndicatorHistoryEntry? entry, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var appended = entry is null ? null : await events.AppendAsync(new IndicatorChanged
        {
            EntityId = i.Id,
            Version = entry.Version,
            At = entry.At,
            ActorId = entry.ActorId,
            ActorName = entry.Actor,
            Command = entry.Command.ToString(),
            From = entry.From?.ToString(),
            To = entry.To.ToString(),
            Name = entry.After.Name,
            Expression = entry.After.Expression,
            Comparison = entry.After.Comparison.ToString(),
            Target = entry.After.Target,
            Parties = entry.After.Parties,
            Applications = entry.After.Applications,
            Comment = entry.Comment,
        }, connection, transaction, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.indicators (id, name, expression, comparison, target, parties, applications, unit, state, version, defined_by, updated_at,
                retire_reason)
            VALUES (@Id, @Name, @Expression, @Comparison, @Target, @Parties, @Applications, @Unit, @State, @Version, @DefinedBy, @UpdatedAt, @RetireReason)
            ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, expression = EXCLUDED.expression, comparison = EXCLUDED.comparison,
                target = EXCLUDED.target, parties = EXCLUDED.parties, applications = EXCLUDED.applications, unit = EXCLUDED.unit, state = EXCLUDED.state, version = EXCLUDED.version,
                updated_at = EXCLUDED.updated_at, retire_reason = EXCLUDED.retire_reason
            WHERE mc.indicators.version < EXCLUDED.version
            """, new
        {
            i.Id,
            i.Name,
            i.Expression,
            Comparison = i.Comparison.ToString(),
            i.Target,
            Parties = i.Parties.ToArray(),
            Applications = i.Applications.ToArray(),
            i.Unit,
            State = i.State.ToString(),
            i.Version,
            i.DefinedBy,
            UpdatedAt = i.UpdatedAt.ToUniversalTime(),
            i.RetireReason,
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        if (appended is not null)
        {
            await events.PublishAsync(appended);
        }
    }

    public async Task<IReadOnlyList<IndicatorView>> ActiveIndicatorsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<IndicatorRow>(new CommandDefinition(
            "SELECT * FROM mc.indicators WHERE state = 'Active' ORDER BY id", cancellationToken: cancellationToken));
        return rows.Select(r => r.ToView()).ToList();
    }

    public async Task<IReadOnlyList<string>> PartiesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<string>(new CommandDefinition("SELECT id FROM mc.access_parties ORDER BY id", cancellationToken: cancellationToken)))
            .ToList();
    }

    public Task<IReadOnlyDictionary<string, double?>> MeasureApplicationAsync(string partyId, string application, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken = default) => MeasureAsync(partyId, from, to, cancellationToken, application);

    public Task<IReadOnlyDictionary<string, double?>> MeasureAsync(string partyId, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken = default) => MeasureAsync(partyId, from, to, cancellationToken, application: null);

    // Stories count by their channel's application now; terminal alerts by the application the terminal had when it alerted
    // (alerts written before applications belong to the default one); incidents by the application of their terminal group,
    // else by their channel's application now, else the default one.
    private async Task<IReadOnlyDictionary<string, double?>> MeasureAsync(string partyId, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken, string? application)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var args = new { party = partyId, from = from.ToUniversalTime(), to = to.ToUniversalTime(), application };
        var stories = await connection.QuerySingleAsync<StoryMeasures>(new CommandDefinition("""
            WITH a AS (
                SELECT e.entity_id, e.event_type, e.occurred_at, e.payload
                  FROM mc.event_log e JOIN mc.channels c ON c.code = e.payload ->> 'channel'
                 WHERE e.entity_type = 'article' AND c.access_party_id = @party AND e.occurred_at >= @from AND e.occurred_at < @to
                   AND (@application::text IS NULL OR c.application_code = @application))
            SELECT (SELECT count(DISTINCT entity_id) FROM a WHERE event_type = 'Publish')::float8 AS published,
                   (SELECT count(*) FROM a WHERE event_type = 'Submit' AND payload ->> 'dueAt' IS NOT NULL)::float8 AS submitted,
                   (SELECT count(*) FROM a WHERE event_type = 'Submit' AND (payload ->> 'dueAt')::timestamptz >= occurred_at)::float8 AS on_time,
                   (SELECT count(*) FROM a WHERE event_type IN ('Approve', 'Reject'))::float8 AS reviews,
                   (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM occurred_at - (payload ->> 'reviewRequestedAt')::timestamptz) / 3600.0)
                      FROM a WHERE event_type IN ('Approve', 'Reject') AND payload ->> 'reviewRequestedAt' IS NOT NULL)::float8 AS review_median_hours
            """, args, cancellationToken: cancellationToken));
        // An incident counts in the month of its first report, its first acknowledgement and its first resolution;
        // moments after the window are not looked at, so the figure of an ended month never moves.
        var incidents = await connection.QuerySingleAsync<IncidentMeasures>(new CommandDefinition("""
            WITH firsts AS (
                SELECT entity_id,
                       min(occurred_at) FILTER (WHERE event_type = 'incident.Report') AS reported,
                       min(occurred_at) FILTER (WHERE event_type = 'incident.Acknowledge') AS acknowledged,
                       min(occurred_at) FILTER (WHERE event_type = 'incident.Resolve') AS resolved
                  FROM mc.event_log e
                 WHERE entity_type = 'incident' AND payload ->> 'partyId' = @party AND occurred_at < @to
                   AND (@application::text IS NULL OR coalesce(payload ->> 'application',
                        (SELECT c.application_code FROM mc.channels c WHERE c.code = e.payload ->> 'channel'), 'default') = @application)
                 GROUP BY entity_id)
            SELECT count(*) FILTER (WHERE reported >= @from)::float8 AS reported,
                   (avg(extract(epoch FROM acknowledged - reported) / 60.0) FILTER (WHERE acknowledged >= @from AND reported IS NOT NULL))::float8 AS mtta,
                   (avg(extract(epoch FROM resolved - reported) / 60.0) FILTER (WHERE resolved >= @from AND reported IS NOT NULL))::float8 AS mttr
              FROM firsts
            """, args, cancellationToken: cancellationToken));
        var alerts = await connection.ExecuteScalarAsync<double>(new CommandDefinition("""
            SELECT count(*)::float8 FROM mc.event_log
             WHERE entity_type = 'terminal' AND payload ->> 'partyId' = @party AND occurred_at >= @from AND occurred_at < @to
               AND (@application::text IS NULL OR coalesce(payload ->> 'application', 'default') = @application)
            """, args, cancellationToken: cancellationToken));
        // Availability: each terminal of the party (its application now) is in service from the later of the window's start and
        // when it was first heard of (its first event or day of activity) until the window's end or now; it is out from each
        // offline alert to the next recovery (or on, while none came). A terminal never heard of is not in service.
        var availability = await connection.QuerySingleAsync<AvailabilityMeasures>(new CommandDefinition("""
            WITH t AS (
                SELECT t.id,
                       least((SELECT min(e.occurred_at) FROM mc.event_log e WHERE e.entity_type = 'terminal' AND e.entity_id = t.id),
                             (SELECT min(a.day)::timestamp AT TIME ZONE 'Asia/Shanghai' FROM mc.terminal_activity a WHERE a.terminal_id = t.id)) AS first_seen
                  FROM mc.terminals t
                 WHERE t.party_id = @party AND (@application::text IS NULL OR coalesce(t.application_code, 'default') = @application)),
            s AS (
                SELECT id, greatest(@from, first_seen) AS since, least(@to, now()) AS until
                  FROM t WHERE first_seen IS NOT NULL AND greatest(@from, first_seen) < least(@to, now())),
            o AS (
                SELECT e.entity_id, e.event_type, e.occurred_at,
                       lead(e.occurred_at) OVER (PARTITION BY e.entity_id ORDER BY e.occurred_at, e.version) AS next_at
                  FROM mc.event_log e JOIN s ON s.id = e.entity_id
                 WHERE e.entity_type = 'terminal' AND e.event_type IN ('terminal.offline', 'terminal.recovered') AND e.occurred_at < s.until)
            SELECT coalesce((SELECT sum(extract(epoch FROM until - since)) FROM s), 0)::float8 AS service_seconds,
                   coalesce((SELECT sum(greatest(0, extract(epoch FROM least(coalesce(o.next_at, 'infinity'::timestamptz), s.until) - greatest(o.occurred_at, s.since))))
                               FROM o JOIN s ON s.id = o.entity_id WHERE o.event_type = 'terminal.offline'), 0)::float8 AS offline_seconds,
                   act.sessions, act.interactions, ins.inspections, ins.inspections_on_time
              FROM (SELECT coalesce(sum(a.sessions), 0)::float8 AS sessions, coalesce(sum(a.interactions), 0)::float8 AS interactions
                      FROM mc.terminal_activity a LEFT JOIN mc.terminals t ON t.id = a.terminal_id
                     WHERE a.party_id = @party AND a.day >= (@from AT TIME ZONE 'Asia/Shanghai')::date AND a.day < (@to AT TIME ZONE 'Asia/Shanghai')::date
                       AND (@application::text IS NULL OR coalesce(t.application_code, 'default') = @application)) act,
                   (SELECT count(*)::float8 AS inspections, (count(*) FILTER (WHERE (payload ->> 'onTime')::boolean))::float8 AS inspections_on_time
                      FROM mc.event_log WHERE entity_type = 'inspection' AND payload ->> 'partyId' = @party
                       AND occurred_at >= @from AND occurred_at < @to AND (@application::text IS NULL OR payload ->> 'application' = @application)) ins
            """, args, cancellationToken: cancellationToken));
        // Hot-event answers: the Q&A requests answered in the month for the party's hot events (for an application: events
        // that name one of its channels), as the web instances counted them per minute.
        var answers = await connection.ExecuteScalarAsync<double>(new CommandDefinition("""
            SELECT coalesce(sum(t.requests), 0)::float8
              FROM mc.hot_event_traffic t JOIN mc.hot_events h ON h.id = t.event_id
             WHERE h.party_id = @party AND t.kind = 'qaServed' AND t.minute >= @from AND t.minute < @to
               AND (@application::text IS NULL OR EXISTS (
                    SELECT 1 FROM jsonb_array_elements_text(h.card -> 'channels') ch JOIN mc.channels c ON c.code = ch
                     WHERE c.application_code = @application))
            """, args, cancellationToken: cancellationToken));
        // Complaints assigned to the party and closed in the month, and those closed without a deadline of theirs (acknowledge,
        // reply, return visit) having passed first: an Escalate event marks each deadline passed. Tickets belong to no application.
        var complaints = application is not null ? (Closed: (double?)null, OnTime: (double?)null)
            : await connection.QuerySingleAsync<(double? Closed, double? OnTime)>(new CommandDefinition("""
            SELECT count(*)::float8 AS closed,
                   (count(*) FILTER (WHERE NOT EXISTS (
                        SELECT 1 FROM mc.event_log x
                         WHERE x.entity_type = 'ticket' AND x.entity_id = c.entity_id AND x.event_type = 'Escalate' AND x.occurred_at <= c.occurred_at)))::float8 AS on_time
              FROM (SELECT DISTINCT ON (entity_id) entity_id, occurred_at
                      FROM mc.event_log
                     WHERE entity_type = 'ticket' AND event_type = 'Close' AND payload ->> 'kind' = 'Complaint'
                       AND payload ->> 'assignee' = 'party:' || @party AND occurred_at >= @from AND occurred_at < @to
                     ORDER BY entity_id, occurred_at) c
            """, args, cancellationToken: cancellationToken));
        return new Dictionary<string, double?>(StringComparer.Ordinal)
        {
            [IndicatorMeasures.ComplaintsClosed] = complaints.Closed,
            [IndicatorMeasures.ComplaintsClosedOnTime] = complaints.OnTime,
            [IndicatorMeasures.ComplaintOnTimeRate] = complaints.Closed > 0 ? 100.0 * complaints.OnTime / complaints.Closed : null,
            [IndicatorMeasures.StoriesPublished] = stories.Published,
            [IndicatorMeasures.AssignmentsSubmitted] = stories.Submitted,
            [IndicatorMeasures.AssignmentsOnTime] = stories.OnTime,
            [IndicatorMeasures.AssignmentOnTimeRate] = stories.Submitted > 0 ? 100.0 * stories.OnTime / stories.Submitted : null,
            [IndicatorMeasures.ReviewsDone] = stories.Reviews,
            [IndicatorMeasures.ReviewTurnaroundMedianHours] = stories.ReviewMedianHours,
            [IndicatorMeasures.IncidentsReported] = incidents.Reported,
            [IndicatorMeasures.IncidentMttaMinutes] = incidents.Mtta,
            [IndicatorMeasures.IncidentMttrMinutes] = incidents.Mttr,
            [IndicatorMeasures.TerminalAlerts] = alerts,
            [IndicatorMeasures.TerminalAvailability] = availability.ServiceSeconds > 0
                ? Math.Round(100.0 * (1 - (Math.Min(availability.OfflineSeconds, availability.ServiceSeconds) / availability.ServiceSeconds)), 3)
                : null,
            [IndicatorMeasures.TerminalSessions] = availability.Sessions,
            [IndicatorMeasures.TerminalInteractions] = availability.Interactions,
            [IndicatorMeasures.InspectionsDone] = availability.Inspections,
            [IndicatorMeasures.InspectionsOnTime] = availability.InspectionsOnTime,
            [IndicatorMeasures.HotEventAnswers] = answers,
        };
    }

    public async Task StoreFigureAsync(IndicatorFigure f, CancellationToken cancellationToken = default)
    {
        // A figure of the month so far never replaces the closed figure of the same month.
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.indicator_figures (indicator_id, party_id, application_code, month, value, comparison, target, met, measures, expression,
                computed_at, closed)
            VALUES (@IndicatorId, @PartyId, @Application, @Month, @Value, @Comparison, @Target, @Met, @Measures, @Expression, @ComputedAt, @Closed)
            ON CONFLICT (indicator_id, party_id, application_code, month) DO UPDATE SET value = EXCLUDED.value, comparison = EXCLUDED.comparison,
                target = EXCLUDED.target, met = EXCLUDED.met, measures = EXCLUDED.measures, expression = EXCLUDED.expression,
                computed_at = EXCLUDED.computed_at, closed = EXCLUDED.closed
            WHERE EXCLUDED.closed OR NOT mc.indicator_figures.closed
            """, new
        {
            f.IndicatorId,
            f.PartyId,
            f.Application,
            f.Month,
            f.Value,
            Comparison = f.Comparison.ToString(),
            f.Target,
            f.Met,
            Measures = SqlValue.Jsonb(f.Measures),
            f.Expression,
            ComputedAt = f.ComputedAt.ToUniversalTime(),
            f.Closed,
        }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<IndicatorFigure>> EarlierFiguresAsync(string indicatorId, string partyId, string application, DateOnly before, int count,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<FigureRow>(new CommandDefinition("""
            SELECT indicator_id, party_id, application_code AS application, month, value, comparison, target, met, measures::text AS measures,
                   expression, computed_at, closed
              FROM mc.indicator_figures
             WHERE indicator_id = @indicatorId AND party_id = @partyId AND application_code = @application AND month < @before AND closed
             ORDER BY month DESC LIMIT @count
            """, new { indicatorId, partyId, application, before, count }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToFigure()).ToList();
    }

    public async Task<bool> RecordReminderAsync(string indicatorId, string partyId, string application, DateOnly month, string notificationId, DateTimeOffset at,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO mc.indicator_reminders (indicator_id, party_id, application_code, month, notification_id, raised_at)
            VALUES (@indicatorId, @partyId, @application, @month, @notificationId, @at)
            ON CONFLICT (indicator_id, party_id, application_code, month) DO NOTHING
            """, new { indicatorId, partyId, application, month, notificationId, at = at.ToUniversalTime() }, cancellationToken: cancellationToken)) > 0;
    }

    private sealed class StoryMeasures
    {
        public double Published { get; init; }
        public double Submitted { get; init; }
        public double OnTime { get; init; }
        public double Reviews { get; init; }
        public double? ReviewMedianHours { get; init; }
    }

    private sealed class AvailabilityMeasures
    {
        public double ServiceSeconds { get; init; }
        public double OfflineSeconds { get; init; }
        public double Sessions { get; init; }
        public double Interactions { get; init; }
        public double Inspections { get; init; }
        public double InspectionsOnTime { get; init; }
    }

    private sealed class IncidentMeasures
    {
        public double Reported { get; init; }
        public double? Mtta { get; init; }
        public double? Mttr { get; init; }
    }

    private sealed class IndicatorRow
    {
        public string Id { get; init; } = "";
        public string Name { get; init; } = "";
        public string Expression { get; init; } = "";
        public string Comparison { get; init; } = "";
        public double Target { get; init; }
        public string[] Parties { get; init; } = [];
        public string[] Applications { get; init; } = [];
        public string Unit { get; init; } = "";
        public string State { get; init; } = "";
        public long Version { get; init; }
        public string DefinedBy { get; init; } = "";
        public DateTimeOffset UpdatedAt { get; init; }
        public string? RetireReason { get; init; }

        public IndicatorView ToView() => new(Id, Name, Expression, Enum.Parse<IndicatorComparison>(Comparison), Target, [.. Parties], Unit,
            Enum.Parse<IndicatorState>(State), Version, DefinedBy, UpdatedAt, RetireReason)
        { Applications = [.. Applications] };
    }

    private sealed class FigureRow
    {
        public string IndicatorId { get; init; } = "";
        public string PartyId { get; init; } = "";
        public string Application { get; init; } = "";
        public DateOnly Month { get; init; }
        public double? Value { get; init; }
        public string Comparison { get; init; } = "";
        public double Target { get; init; }
        public bool? Met { get; init; }
        public string Measures { get; init; } = "{}";
        public string Expression { get; init; } = "";
        public DateTimeOffset ComputedAt { get; init; }
        public bool Closed { get; init; }

        public IndicatorFigure ToFigure() => new(IndicatorId, PartyId, Month, Value, Enum.Parse<IndicatorComparison>(Comparison), Target, Met,
            PersistedJson.Deserialize<Dictionary<string, double?>>(Measures) ?? [], Expression, ComputedAt, Closed)
        { Application = Application };
    }
}
