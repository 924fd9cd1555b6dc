using Dapper;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Security;
using Npgsql;

namespace MediaCenter.Web.Cockpit;

/// <summary>One channel's newsroom today: stories being worked on, in review, overdue, and published since midnight (Asia/Shanghai).</summary>
public sealed record ChannelToday(string Channel, string Name, string PartyId, int InWork, int InReview, int Overdue, int PublishedToday);

/// <summary>A region's terminals: how many, and how many are offline or degraded.</summary>
public sealed record RegionHealth(string Region, int Total, int Offline, int Degraded);

/// <summary>The fleet by health, with the regions worst off first.</summary>
public sealed record FleetHealth(int Total, IReadOnlyDictionary<string, int> ByHealth, IReadOnlyList<RegionHealth> WorstRegions);

/// <summary>Open incidents by priority, and the next escalation clock (the earliest unacknowledged incident to escalate).</summary>
public sealed record OpenIncidents(int Open, IReadOnlyDictionary<string, int> BySeverity, int Unacknowledged, string? NextEscalationId,
    DateTimeOffset? NextEscalationAt);

/// <summary>The cockpit's figures, scoped to what the caller may see.</summary>
public sealed record CockpitFigures(DateTimeOffset ServerTime, IReadOnlyList<ChannelToday> Newsroom, FleetHealth Fleet, OpenIncidents Incidents,
    IndicatorFigures Indicators);

/// <summary>One indicator in force: how many parties met or missed it in the month shown.</summary>
public sealed record IndicatorMonth(string Id, string Name, string? Unit, int Met, int Missed);

/// <summary>The latest month with figures (null when none is computed yet), its indicators, and the rectifications under way.</summary>
public sealed record IndicatorFigures(DateOnly? Month, IReadOnlyList<IndicatorMonth> Indicators, int OpenRectifications, int OverdueRectifications);

/// <summary>
/// 运营总览: read-only figures across the newsroom, the fleet and incidents in one answer, so the home page opens with one
/// request; the page keeps them live by asking again when a push says something changed.
/// </summary>
internal static class CockpitApi
{
    private static readonly string[] OpenStages = ["Reported", "Acknowledged", "ServiceSuspended", "Mitigated"];
    private static readonly string[] OpenRectificationStates = ["Open", "Planned", "Filed"];
    private static readonly TimeZoneInfo China = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static IEndpointRouteBuilder MapCockpitApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/cockpit", async (HttpContext http, NpgsqlDataSource db, TimeProvider time) =>
            {
                var caller = http.CurrentUser();
                var party = Scope.PartyFilter(caller, null);
                var platformToo = caller.SpansAllParties || caller.Is(PlatformRoles.Management);
                var now = time.GetUtcNow();
                await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
                return Results.Ok(new CockpitFigures(now,
                    await NewsroomAsync(connection, party, now, http.RequestAborted),
                    await FleetAsync(connection, party, http.RequestAborted),
                    await IncidentsAsync(connection, party, platformToo, http.RequestAborted),
                    await IndicatorsAsync(connection, party, now, http.RequestAborted)));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithTags("cockpit")
            .WithName("Cockpit")
            .WithSummary("The operations cockpit: newsroom throughput today per channel, the fleet by health with the worst regions, open incidents by priority with the next escalation, this month's indicators and the rectifications under way. Platform staff and management see everything, an access party its own.");
        return endpoints;
    }

    private static async Task<IReadOnlyList<ChannelToday>> NewsroomAsync(NpgsqlConnection connection, string? party, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<ChannelToday>(new CommandDefinition("""
            WITH day AS (SELECT date_trunc('day', @now AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' AS start)
            SELECT c.code AS channel, c.name, c.access_party_id AS party_id,
                   count(a.id) FILTER (WHERE a.stage IN ('Pitched', 'Confirmed', 'Assigned', 'Drafting', 'Rejected'))::int AS in_work,
                   count(a.id) FILTER (WHERE a.stage = 'InReview')::int AS in_review,
                   count(a.id) FILTER (WHERE a.due_at < @now AND a.stage IN ('Assigned', 'Drafting', 'Rejected', 'InReview'))::int AS overdue,
                   (SELECT count(DISTINCT p.article_id) FROM mc.publications p, day
                     WHERE p.channel_code = c.code AND p.published_at >= day.start AND p.withdrawn_at IS NULL)::int AS published_today
              FROM mc.channels c LEFT JOIN mc.articles a ON a.channel_code = c.code
             WHERE @party::text IS NULL OR c.access_party_id = @party
             GROUP BY c.code, c.name, c.access_party_id
             ORDER BY c.code
            """, new { party, now }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    private static async Task<FleetHealth> FleetAsync(NpgsqlConnection connection, string? party, CancellationToken cancellationToken)
    {
        var rows = (await connection.QueryAsync<HealthCount>(new CommandDefinition("""
            SELECT region, health, count(*)::int AS count FROM mc.terminals WHERE @party::text IS NULL OR party_id = @party GROUP BY region, health
            """, new { party }, cancellationToken: cancellationToken))).AsList();
        var regions = rows.GroupBy(r => r.Region)
            .Select(g => new RegionHealth(g.Key, g.Sum(r => r.Count), g.Where(r => r.Health == "Offline").Sum(r => r.Count),
                g.Where(r => r.Health == "Degraded").Sum(r => r.Count)))
            .Where(r => r.Offline + r.Degraded > 0)
            .OrderByDescending(r => (double)(r.Offline + r.Degraded) / r.Total).ThenByDescending(r => r.Offline).ThenBy(r => r.Region, StringComparer.Ordinal)
            .Take(5)
            .ToList();
        return new FleetHealth(rows.Sum(r => r.Count), rows.GroupBy(r => r.Health).ToDictionary(g => g.Key, g => g.Sum(r => r.Count)), regions);
    }

    private static async Task<OpenIncidents> IncidentsAsync(NpgsqlConnection connection, string? party, bool platformToo, CancellationToken cancellationToken)
    {
        const string Visible = "(@party::text IS NULL OR party_id = @party OR (@platform AND party_id IS NULL)) AND stage = ANY(@open)";
        var args = new { party, platform = platformToo, open = OpenStages };
        var bySeverity = (await connection.QueryAsync<SeverityCount>(new CommandDefinition($"""
            SELECT severity, count(*)::int AS count FROM mc.incidents WHERE {Visible} GROUP BY severity
            """, args, cancellationToken: cancellationToken))).ToDictionary(r => r.Severity, r => r.Count);
        var next = await connection.QueryFirstOrDefaultAsync<Escalation>(new CommandDefinition($"""
            SELECT id, (snapshot->>'escalatesAt')::timestamptz AS at FROM mc.incidents
             WHERE {Visible} AND stage = 'Reported' AND snapshot->>'escalatesAt' IS NOT NULL
             ORDER BY (snapshot->>'escalatesAt')::timestamptz LIMIT 1
            """, args, cancellationToken: cancellationToken));
        var unacknowledged = await connection.ExecuteScalarAsync<int>(new CommandDefinition($"""
            SELECT count(*)::int FROM mc.incidents WHERE {Visible} AND stage = 'Reported'
            """, args, cancellationToken: cancellationToken));
        return new OpenIncidents(bySeverity.Values.Sum(), bySeverity, unacknowledged, next?.Id, next?.At);
    }

    /// <summary>
    /// The indicators in force with the parties that met or missed them in the latest month that has figures (the month so far
    /// once computed on demand, else the last month closed), and the rectifications still open (overdue: a due date passed).
    /// </summary>
    private static async Task<IndicatorFigures> IndicatorsAsync(NpgsqlConnection connection, string? party, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, China).DateTime);
        var latest = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition("""
            SELECT max(month) FROM mc.indicator_figures WHERE month <= @today AND (@party::text IS NULL OR party_id = @party)
            """, new { party, today }, cancellationToken: cancellationToken));
        DateOnly? month = latest is { } m ? DateOnly.FromDateTime(m) : null;
        var indicators = (await connection.QueryAsync<IndicatorMonth>(new CommandDefinition("""
            SELECT i.id, i.name, i.unit,
                   count(f.met) FILTER (WHERE f.met)::int AS met,
                   count(f.met) FILTER (WHERE NOT f.met)::int AS missed
              FROM mc.indicators i
              LEFT JOIN mc.indicator_figures f ON f.indicator_id = i.id AND f.month = @month AND (@party::text IS NULL OR f.party_id = @party)
             WHERE i.state = 'Active' AND (@party::text IS NULL OR cardinality(i.parties) = 0 OR @party = ANY (i.parties))
             GROUP BY i.id, i.name, i.unit
             ORDER BY count(f.met) FILTER (WHERE NOT f.met) DESC, i.name
             LIMIT 8
            """, new { party, month }, cancellationToken: cancellationToken))).AsList();
        var (open, overdue) = await connection.QuerySingleAsync<(int, int)>(new CommandDefinition("""
            SELECT count(*)::int, (count(*) FILTER (WHERE next_due < @today))::int
              FROM mc.rectifications WHERE state = ANY (@open) AND (@party::text IS NULL OR party_id = @party)
            """, new { party, today, open = OpenRectificationStates }, cancellationToken: cancellationToken));
        return new IndicatorFigures(month, indicators, open, overdue);
    }

    private sealed record HealthCount(string Region, string Health, int Count);

    private sealed record SeverityCount(string Severity, int Count);

    private sealed record Escalation(string Id, DateTimeOffset At);
}
