using MediaCenter.Database;
using Npgsql;

namespace MediaCenter.IntegrationTests.Database;

/// <summary>
/// Data quality and retention (F10.3, §10.1.3) on a real, migrated PostgreSQL: seeded rows of each kind, a fixed "now",
/// exact counts, and a retention job that removes exactly the expired rows and never the append-only logs.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class DataGovernanceTests(IntegrationFixture fixture)
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static async Task ExecAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("now", Now);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static string Ticket(string id, string state, string party, string created, string ackBy, string replyBy, string? consentGiven, int? days, bool masked, bool erased) => $"""
        INSERT INTO mc.tickets (id, kind, priority, source, subject, state, party_id, phone_masked, consent_purpose, consent_retention_days, consent_given_at,
                                personal_data_erased_at, acknowledge_by, reply_by, version, created_at, updated_at)
        VALUES ('{id}', 'Complaint', 'Normal', 'Web', 's', '{state}', {(party == "" ? "NULL" : $"'{party}'")}, {(masked ? "'138****5678'" : "NULL")},
                'p', {(days is { } d ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : "NULL")}, {(consentGiven ?? "NULL")},
                {(erased ? "@now - interval '1 day'" : "NULL")}, {ackBy}, {replyBy}, 1, {created}, {created});
        """;

    private static async Task SeedAsync(NpgsqlConnection connection)
    {
        await ExecAsync(connection, """
            INSERT INTO mc.access_parties (id, name) VALUES ('dq-party', 'p');
            INSERT INTO mc.applications (party_id, code, name, kind, state, version, created_at, updated_at)
                 VALUES ('dq-party', 'default', 'a', 'Web', 'Active', 0, @now, @now);
            -- Terminals: one sound, one naming an application that is gone (orphan), one seen an hour from now (impossible),
            -- one seen five minutes ahead (within the tolerance).
            INSERT INTO mc.terminals (id, party_id, name, kind, region, health, version, application_code, last_seen) VALUES
                ('dq-t1', 'dq-party', 't', 'kiosk', 'r', 'Online', 1, 'default', @now),
                ('dq-t2', 'dq-party', 't', 'kiosk', 'r', 'Online', 1, 'gone', @now),
                ('dq-t3', 'dq-party', 't', 'kiosk', 'r', 'Online', 1, 'default', @now + interval '1 hour'),
                ('dq-t4', 'dq-party', 't', 'kiosk', 'r', 'Online', 1, 'default', @now + interval '5 minutes');
            -- Incidents: one sound, one resolved before it was reported (impossible).
            INSERT INTO mc.incidents (id, stage, severity, source, dedup_key, title, reported_at, resolved_at, occurrences, last_occurrence, escalation_level, snapshot, version) VALUES
                ('dq-i1', 'Open', 'P3', 'Metric', 'k1', 't', @now - interval '2 hours', @now - interval '1 hour', 1, @now, 0, '{}', 1),
                ('dq-i2', 'Resolved', 'P3', 'Metric', 'k2', 't', @now - interval '1 hour', @now - interval '2 hours', 1, @now, 0, '{}', 1);
            -- Notifications: of an incident that exists, of one that does not (orphan), of none.
            INSERT INTO mc.notifications (id, audience, kind, incident_id, title, body, created_at) VALUES
                ('dq-n1', 'ops', 'incidentOpened', 'dq-i1', 't', 'b', @now),
                ('dq-n2', 'ops', 'incidentOpened', 'dq-gone', 't', 'b', @now),
                ('dq-n3', 'ops', 'rosterChanged', NULL, 't', 'b', @now);
            -- Staff: one linked to an account that does not exist (orphan), one registered in the future (impossible).
            INSERT INTO mc.staff (id, organisation, side, name, post, education, experience_years, skills, certificates, state, version, created_at, updated_at, user_id) VALUES
                ('dq-s1', 'operator', 'Operator', 'n', 'Staff', 'Bachelor', 1, '[]', '[]', 'Active', 1, @now, @now, '00000000-0000-0000-0000-00000000dead'),
                ('dq-s2', 'operator', 'Operator', 'n', 'Staff', 'Bachelor', 1, '[]', '[]', 'Active', 1, @now + interval '2 days', @now + interval '2 days', NULL);
            -- Sessions: expired 91 days ago (past retention), 89 days ago and still valid (kept).
            INSERT INTO mc.users (id, username, display_name, password_hash, security_stamp) VALUES ('00000000-0000-0000-0000-0000000000d1', 'dq-user', 'u', 'h', 's');
            INSERT INTO mc.api_tokens (id, user_id, token_hash, name, expires_at, security_stamp) VALUES
                ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000d1', 'h1', 'browser', @now - interval '91 days', 's'),
                ('00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-0000000000d1', 'h2', 'browser', @now - interval '89 days', 's'),
                ('00000000-0000-0000-0000-0000000000a3', '00000000-0000-0000-0000-0000000000d1', 'h3', 'browser', @now + interval '1 day', 's');
            -- The audit and login logs, ten years old: never touched.
            INSERT INTO mc.audit_log (occurred_at, action, result) VALUES (@now - interval '10 years', 'POST /x', 'ok');
            """);
        // Tickets: a sound one; one assigned to a party that does not exist (orphan); one whose reply limit precedes its filing
        // (impossible); a closed one whose 5-day consent passed with its contact held (expired consent); a closed one within its
        // 30 days; an assigned one past its days (still in work); a closed, expired one already anonymous.
        var c = "@now - interval '10 days'";
        await ExecAsync(connection, string.Concat(
            Ticket("DQ1", "Closed", "dq-party", c, c + " + interval '1 day'", c + " + interval '5 days'", c, 30, true, false),
            Ticket("DQ2", "Assigned", "dq-gone", c, c + " + interval '1 day'", c + " + interval '5 days'", null, null, false, false),
            Ticket("DQ3", "Received", "", c, c + " + interval '1 day'", c + " - interval '1 day'", null, null, false, false),
            Ticket("DQ4", "Closed", "", c, c + " + interval '1 day'", c + " + interval '5 days'", c, 5, true, false),
            Ticket("DQ5", "Assigned", "dq-party", c, c + " + interval '1 day'", c + " + interval '5 days'", c, 5, true, false),
            Ticket("DQ6", "Closed", "", c, c + " + interval '1 day'", c + " + interval '5 days'", c, 5, false, true)));
    }

    [Fact]
    public async Task The_data_quality_counts_are_exact_for_orphans_impossible_dates_expired_consents_and_rows_past_retention()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await using var connection = new NpgsqlConnection(deployment.ConnectionString);
        await connection.OpenAsync();
        var before = await DataGovernance.CountAsync(connection, Now);
        Assert.Equal((0L, 0L, 0L, 0L), (before["orphans"], before["impossibleDates"], before["expiredConsentsHeld"], before["pastRetention"]));
        await SeedAsync(connection);

        var figures = await DataGovernance.CountAsync(connection, Now);

        Assert.Equal((1L, 1L, 1L, 0L, 1L), (figures["orphans.terminalsWithoutApplication"], figures["orphans.notificationsWithoutIncident"],
            figures["orphans.ticketsWithoutParty"], figures["orphans.publicationsWithoutStory"], figures["orphans.staffWithoutAccount"]));
        Assert.Equal((1L, 1L, 1L, 1L, 0L), (figures["dates.incidents"], figures["dates.tickets"], figures["dates.staff"], figures["dates.terminals"], figures["dates.stories"]));
        Assert.Equal((4L, 4L, 1L, 1L), (figures["orphans"], figures["impossibleDates"], figures["expiredConsentsHeld"], figures["pastRetention"]));
        Assert.Equal(1L, figures["retention.mc.api_tokens"]);
        Assert.Equal(["DQ4"], await DataGovernance.ExpiredConsentTicketsAsync(connection, Now));
    }

    [Fact]
    public async Task The_retention_job_deletes_exactly_the_expired_rows_once_and_never_the_append_only_logs()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await using var connection = new NpgsqlConnection(deployment.ConnectionString);
        await connection.OpenAsync();
        await SeedAsync(connection);
        var rules = DataGovernance.RetentionRules();
        Assert.DoesNotContain(rules, r => r.Table is "mc.audit_log" or "mc.login_log" or "mc.event_log" or "mc.security_alerts");
        Assert.Contains(rules, r => r is { Table: "mc.tickets", Anonymise: true, DaysColumn: "consent_retention_days" });

        var deleted = await DataGovernance.DeleteExpiredAsync(connection, Now);
        var again = await DataGovernance.DeleteExpiredAsync(connection, Now);
        var id = await DataGovernance.RecordRunAsync(connection, Now, Now, "manual", deleted);

        Assert.Equal(1L, deleted["mc.api_tokens"]);
        Assert.Equal(0L, again["mc.api_tokens"]);
        Assert.False(deleted.ContainsKey("mc.tickets"));
        Assert.Equal(2L, await ScalarAsync(connection, "SELECT count(*) FROM mc.api_tokens WHERE name = 'browser' AND token_hash IN ('h2', 'h3')"));
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM mc.api_tokens WHERE token_hash = 'h1'"));
        Assert.Equal(6L, await ScalarAsync(connection, "SELECT count(*) FROM mc.tickets WHERE id LIKE 'DQ%'"));
        Assert.Equal(1L, await ScalarAsync(connection, "SELECT count(*) FROM mc.audit_log WHERE action = 'POST /x'"));
        Assert.Equal(1L, await ScalarAsync(connection, $"SELECT (counts->>'mc.api_tokens')::bigint FROM mc.retention_runs WHERE id = {id}"));
        Assert.Equal(0L, (await DataGovernance.CountAsync(connection, Now))["pastRetention"]);
    }
}
