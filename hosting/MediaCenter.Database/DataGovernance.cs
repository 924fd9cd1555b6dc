using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;

namespace MediaCenter.Database;

/// <summary>
/// A time-based retention of one table, read from <c>deploy/db/dictionary.json</c>: rows older than <see cref="Days"/> (or
/// the per-row number of days in <see cref="DaysColumn"/>) counted from <see cref="From"/> are expired.
/// </summary>
public sealed record RetentionRule(string Table, string From, int? Days, string? DaysColumn, bool Anonymise);

/// <summary>
/// Data quality and retention (F10.3, §10.1.3): the counts the daily patrol reports and the deletions the retention job
/// makes, as SQL over the read tables. The audit and login logs are append-only and carry no rule, so nothing here
/// touches them.
/// </summary>
public static partial class DataGovernance
{
    /// <summary>How far in the future a recorded time may be before it counts as impossible (clocks drift).</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(10);

    /// <summary>Rows whose parent is gone where no foreign key keeps them apart, by name.</summary>
    private static readonly (string Name, string Sql)[] Orphans =
    [
        ("terminalsWithoutApplication", "SELECT count(*) FROM mc.terminals t WHERE NOT EXISTS (SELECT 1 FROM mc.applications a WHERE a.party_id = t.party_id AND a.code = t.application_code)"),
        ("notificationsWithoutIncident", "SELECT count(*) FROM mc.notifications n WHERE n.incident_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM mc.incidents i WHERE i.id = n.incident_id)"),
        ("ticketsWithoutParty", "SELECT count(*) FROM mc.tickets t WHERE t.party_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM mc.access_parties p WHERE p.id = t.party_id)"),
        ("publicationsWithoutStory", "SELECT count(*) FROM mc.publications p WHERE NOT EXISTS (SELECT 1 FROM mc.articles a WHERE a.id = p.article_id)"),
        ("staffWithoutAccount", "SELECT count(*) FROM mc.staff s WHERE s.user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM mc.users u WHERE u.id = s.user_id)"),
    ];

    /// <summary>Rows with times that cannot be: an end before its start, a limit before the filing, a time in the future.</summary>
    private static readonly (string Name, string Sql)[] ImpossibleDates =
    [
        ("incidents", "SELECT count(*) FROM mc.incidents WHERE resolved_at < reported_at OR closed_at < reported_at OR reported_at > @future"),
        ("tickets", "SELECT count(*) FROM mc.tickets WHERE acknowledge_by < created_at OR reply_by < created_at OR created_at > @future OR updated_at < created_at"),
        ("staff", "SELECT count(*) FROM mc.staff WHERE updated_at < created_at OR created_at > @future"),
        ("terminals", "SELECT count(*) FROM mc.terminals WHERE last_seen > @future"),
        ("stories", "SELECT count(*) FROM mc.articles WHERE updated_at > @future"),
    ];

    /// <summary>Tickets no longer in work whose consented retention has passed and whose contact is still held.</summary>
    private const string ExpiredConsentsWhere = """
        personal_data_erased_at IS NULL AND consent_given_at IS NOT NULL AND consent_retention_days IS NOT NULL
        AND consent_given_at + make_interval(days => consent_retention_days) <= @now
        AND state IN ('Rejected', 'ReturnVisited', 'Closed')
        AND (name_masked IS NOT NULL OR phone_masked IS NOT NULL OR email_masked IS NOT NULL)
        """;

    /// <summary>The time-based retentions of the dictionary shipped with this build.</summary>
    public static IReadOnlyList<RetentionRule> RetentionRules()
    {
        using var annotations = DataDictionary.Annotations();
        var rules = new List<RetentionRule>();
        foreach (var table in annotations.RootElement.GetProperty("tables").EnumerateObject())
        {
            if (!table.Value.TryGetProperty("retentionFrom", out var from))
            {
                continue;
            }

            int? days = table.Value.TryGetProperty("retentionDays", out var d) ? d.GetInt32() : null;
            string? daysColumn = table.Value.TryGetProperty("retentionDaysColumn", out var c) ? c.GetString() : null;
            var anonymise = table.Value.TryGetProperty("retentionAction", out var a) && a.GetString() == "anonymise";
            var rule = new RetentionRule(table.Name, from.GetString() ?? "", days, daysColumn, anonymise);
            // The names are spliced into SQL: they must be plain identifiers, and a rule needs a number of days.
            if (!Identifier().IsMatch(rule.Table) || !Identifier().IsMatch(rule.From) || (rule.DaysColumn is { } dc && !Identifier().IsMatch(dc))
                || (rule.Days is null) == (rule.DaysColumn is null) || rule.Days < 1)
            {
                throw new InvalidOperationException($"dictionary.json: the retention of {table.Name} is malformed.");
            }

            rules.Add(rule);
        }

        return rules;
    }

    /// <summary>The data-quality figures at <paramref name="now"/>: totals and one figure per case, by name.</summary>
    public static async Task<Dictionary<string, long>> CountAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var figures = new Dictionary<string, long>();
        long orphans = 0, dates = 0, past = 0;
        foreach (var (name, sql) in Orphans)
        {
            orphans += figures["orphans." + name] = await ScalarAsync(connection, sql, now, cancellationToken);
        }

        foreach (var (name, sql) in ImpossibleDates)
        {
            dates += figures["dates." + name] = await ScalarAsync(connection, sql, now, cancellationToken);
        }

        foreach (var rule in RetentionRules().Where(r => !r.Anonymise))
        {
            past += figures["retention." + rule.Table] = await ScalarAsync(connection, $"SELECT count(*) FROM {rule.Table} WHERE {Expired(rule)}", now, cancellationToken);
        }

        figures["orphans"] = orphans;
        figures["impossibleDates"] = dates;
        figures["expiredConsentsHeld"] = await ScalarAsync(connection, "SELECT count(*) FROM mc.tickets WHERE " + ExpiredConsentsWhere, now, cancellationToken);
        figures["pastRetention"] = past;
        return figures;
    }

    /// <summary>Ids of the tickets whose consented retention has passed while their contact is still held.</summary>
    public static async Task<IReadOnlyList<string>> ExpiredConsentTicketsAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand("SELECT id FROM mc.tickets WHERE " + ExpiredConsentsWhere + " ORDER BY id", connection);
        command.Parameters.AddWithValue("now", now);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>Deletes the expired rows of every table whose rule says delete; the number deleted per table. Running it again deletes nothing more.</summary>
    public static async Task<Dictionary<string, long>> DeleteExpiredAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var deleted = new Dictionary<string, long>();
        foreach (var rule in RetentionRules().Where(r => !r.Anonymise))
        {
            await using var command = new NpgsqlCommand($"DELETE FROM {rule.Table} WHERE {Expired(rule)}", connection);
            command.Parameters.AddWithValue("now", now);
            deleted[rule.Table] = await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return deleted;
    }

    /// <summary>Keeps the counts of a retention run; its id.</summary>
    public static async Task<long> RecordRunAsync(NpgsqlConnection connection, DateTimeOffset startedAt, DateTimeOffset finishedAt, string trigger,
        IReadOnlyDictionary<string, long> counts, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO mc.retention_runs (started_at, finished_at, trigger, counts) VALUES (@started, @finished, @trigger, @counts::jsonb) RETURNING id", connection);
        command.Parameters.AddWithValue("started", startedAt);
        command.Parameters.AddWithValue("finished", finishedAt);
        command.Parameters.AddWithValue("trigger", trigger);
        command.Parameters.AddWithValue("counts", JsonSerializer.Serialize(counts));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static string Expired(RetentionRule rule) => rule.DaysColumn is { } column
        ? $"{rule.From} + make_interval(days => {column}) <= @now"
        : $"{rule.From} <= @now - make_interval(days => {rule.Days})";

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("future", now + FutureTolerance);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    [GeneratedRegex("^[a-z_]+(\\.[a-z_]+)?$")]
    private static partial Regex Identifier();
}
