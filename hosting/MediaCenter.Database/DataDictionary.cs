using System.Text.Json;
using Npgsql;

namespace MediaCenter.Database;

/// <summary>One column as the data dictionary describes it: the schema's type plus the annotations kept next to the migrations.</summary>
public sealed record DictionaryColumn(string Name, string Type, bool Nullable, string Meaning, string? Personal);

/// <summary>One table of the data dictionary.</summary>
public sealed record DictionaryTable(string Name, string Domain, string Meaning, string Retention, IReadOnlyList<DictionaryColumn> Columns);

/// <summary>
/// The data dictionary (F10.3): the live schema's tables and columns (schemas <c>public</c> and <c>mc</c>) merged with
/// <c>deploy/db/dictionary.json</c>, embedded in this assembly like the migrations. A column without an annotation is answered
/// with an empty meaning (the dictionary test keeps that from being committed).
/// </summary>
public static class DataDictionary
{
    /// <summary>The annotations as shipped with this build.</summary>
    public static JsonDocument Annotations()
    {
        using var stream = typeof(DataDictionary).Assembly.GetManifestResourceStream("dictionary.json")
            ?? throw new InvalidOperationException("dictionary.json is not embedded in MediaCenter.Database.");
        return JsonDocument.Parse(stream);
    }

    /// <summary>The tables and columns visible on the connection, described.</summary>
    public static async Task<IReadOnlyList<DictionaryTable>> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken = default)
    {
        using var annotations = Annotations();
        var tables = annotations.RootElement.GetProperty("tables");
        await using var command = new NpgsqlCommand("""
            SELECT c.table_schema || '.' || c.table_name, c.column_name,
                   CASE WHEN c.data_type = 'ARRAY' THEN substr(c.udt_name, 2) || '[]' WHEN c.data_type = 'USER-DEFINED' THEN c.udt_name ELSE c.data_type END,
                   c.is_nullable = 'YES'
              FROM information_schema.columns c
              JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
             WHERE c.table_schema IN ('public', 'mc')
             ORDER BY 1, c.ordinal_position
            """, connection);
        var rows = new List<(string Table, string Column, string Type, bool Nullable)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3)));
            }
        }

        string Text(JsonElement element, string name) => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) ? v.GetString() ?? "" : "";
        return rows.GroupBy(r => r.Table).Select(g =>
        {
            var entry = tables.TryGetProperty(g.Key, out var e) ? e : default;
            var columns = entry.ValueKind == JsonValueKind.Object ? entry.GetProperty("columns") : default;
            var personal = entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("personal", out var p) ? p : default;
            return new DictionaryTable(g.Key, Text(entry, "domain"), Text(entry, "meaning"), Text(entry, "retention"),
                g.Select(c => new DictionaryColumn(c.Column, c.Type, c.Nullable, Text(columns, c.Column), Text(personal, c.Column) is { Length: > 0 } k ? k : null)).ToList());
        }).ToList();
    }
}
