using System.Text;
using System.Text.Json;
using Npgsql;

namespace MediaCenter.IntegrationTests.Database;

/// <summary>
/// The data dictionary (F10.3): every table and column of the migrated schema has an entry in deploy/db/dictionary.json, and
/// docs/DATA_DICTIONARY.md is what the schema plus those annotations generate. Set MC_WRITE_DATA_DICTIONARY=1 to write the
/// document after changing a migration or an annotation.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class DataDictionaryTests(IntegrationFixture fixture)
{
    private static readonly string[] PersonalKinds = ["masked", "encrypted", "hashed", "plain"];

    private sealed record Column(string Table, string Name, string Type, bool Nullable);

    private static async Task<List<Column>> SchemaAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT c.table_schema || '.' || c.table_name, c.column_name,
                   CASE WHEN c.data_type = 'ARRAY' THEN substr(c.udt_name, 2) || '[]' WHEN c.data_type = 'USER-DEFINED' THEN c.udt_name ELSE c.data_type END,
                   c.is_nullable = 'YES'
              FROM information_schema.columns c
              JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
             WHERE c.table_schema IN ('public', 'mc')
             ORDER BY 1, c.ordinal_position
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var columns = new List<Column>();
        while (await reader.ReadAsync())
        {
            columns.Add(new Column(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3)));
        }

        return columns;
    }

    [Fact]
    public async Task Every_column_of_the_schema_has_an_entry_and_the_published_dictionary_is_current()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        var columns = await SchemaAsync(deployment.ConnectionString);
        using var annotations = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Repo.Root, "deploy", "db", "dictionary.json")));
        var tables = annotations.RootElement.GetProperty("tables");

        var problems = new List<string>();
        foreach (var table in columns.GroupBy(c => c.Table))
        {
            if (!tables.TryGetProperty(table.Key, out var entry))
            {
                problems.Add($"table {table.Key} has no entry");
                continue;
            }

            foreach (var field in new[] { "domain", "meaning", "retention" })
            {
                if (!entry.TryGetProperty(field, out var value) || string.IsNullOrWhiteSpace(value.GetString()))
                {
                    problems.Add($"table {table.Key} has no {field}");
                }
            }

            var described = entry.GetProperty("columns");
            problems.AddRange(table.Where(c => !described.TryGetProperty(c.Name, out var m) || string.IsNullOrWhiteSpace(m.GetString()))
                .Select(c => $"column {c.Table}.{c.Name} has no entry"));
            problems.AddRange(described.EnumerateObject().Where(p => table.All(c => c.Name != p.Name)).Select(p => $"entry {table.Key}.{p.Name} names no column"));
            if (entry.TryGetProperty("personal", out var personal))
            {
                problems.AddRange(personal.EnumerateObject().Where(p => table.All(c => c.Name != p.Name) || !PersonalKinds.Contains(p.Value.GetString()))
                    .Select(p => $"personal {table.Key}.{p.Name} names no column or no kind of {string.Join("/", PersonalKinds)}"));
            }
        }

        problems.AddRange(tables.EnumerateObject().Where(t => columns.All(c => c.Table != t.Name)).Select(t => $"entry {t.Name} names no table"));
        Assert.True(problems.Count == 0, "deploy/db/dictionary.json does not match the schema:\n" + string.Join("\n", problems));

        var document = Render(columns, tables);
        var path = Path.Combine(Repo.Root, "docs", "DATA_DICTIONARY.md");
        if (Environment.GetEnvironmentVariable("MC_WRITE_DATA_DICTIONARY") == "1")
        {
            await File.WriteAllTextAsync(path, document);
        }

        Assert.True(File.Exists(path) && (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n") == document,
            "docs/DATA_DICTIONARY.md is not what the schema and deploy/db/dictionary.json generate: run this test with MC_WRITE_DATA_DICTIONARY=1.");
    }

    [Fact]
    public async Task The_dictionary_is_served_to_auditors_with_the_personal_data_marked()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("dd-auditor", MediaCenter.Identity.PlatformRoles.Auditor);
        using var auditor = await shared.SignInAsync("dd-auditor");

        var tables = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<JsonElement>(auditor, "/api/v1/data-dictionary");

        var tickets = tables.EnumerateArray().Single(t => t.GetProperty("name").GetString() == "mc.tickets");
        Assert.Equal("tickets", tickets.GetProperty("domain").GetString());
        var phone = tickets.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "phone_masked");
        Assert.Equal(("masked", "text"), (phone.GetProperty("personal").GetString(), phone.GetProperty("type").GetString()));
        Assert.All(tables.EnumerateArray().SelectMany(t => t.GetProperty("columns").EnumerateArray()),
            c => Assert.False(string.IsNullOrEmpty(c.GetProperty("meaning").GetString()), c.GetProperty("name").GetString()));
    }

    private static string Render(List<Column> columns, JsonElement tables)
    {
        var md = new StringBuilder("""
            # Data dictionary

            Generated by `DataDictionaryTests` from the migrated schema (types, nullability) and the annotations in
            `deploy/db/dictionary.json` (meaning, owning domain, retention, personal data). Do not edit by hand: change the
            annotations (or a migration) and run the test with `MC_WRITE_DATA_DICTIONARY=1`. The test fails when a column has
            no entry. Personal data: **masked** (a masked copy for lists), **encrypted** (Data Protection, personal-data key),
            **hashed**, **plain** (stored as given; access restricted and audited).

            """.ReplaceLineEndings("\n"));
        md.Append('\n').Append(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{columns.Select(c => c.Table).Distinct().Count()} tables, {columns.Count} columns.\n"));
        foreach (var table in columns.GroupBy(c => c.Table))
        {
            var entry = tables.GetProperty(table.Key);
            var personal = entry.TryGetProperty("personal", out var p) ? p : default;
            md.Append($"\n## `{table.Key}`\n\n{entry.GetProperty("meaning").GetString()}\n\n");
            md.Append($"Domain: {entry.GetProperty("domain").GetString()}. Retention: {entry.GetProperty("retention").GetString()}\n\n");
            md.Append("| column | type | null | personal | meaning |\n|---|---|---|---|---|\n");
            foreach (var c in table)
            {
                var kind = personal.ValueKind == JsonValueKind.Object && personal.TryGetProperty(c.Name, out var k) ? k.GetString() : "";
                md.Append($"| `{c.Name}` | {c.Type} | {(c.Nullable ? "yes" : "")} | {kind} | {entry.GetProperty("columns").GetProperty(c.Name).GetString()} |\n");
            }
        }

        return md.ToString();
    }
}
