using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;
using NpgsqlTypes;

namespace MediaCenter.Silo;

/// <summary>How the silo's journals write values PostgreSQL cannot infer: jsonb, nullable times, texts and numbers.</summary>
internal static class Sql
{
    /// <summary>
    /// The one JSON shape of everything the silo stores as jsonb (camel case, enums by name): the web reads the same
    /// documents back with the same settings. Read-only, so no caller can change it for the others.
    /// </summary>
    public static JsonSerializerOptions Json { get; } = CreateJson();

    /// <summary>A jsonb parameter holding <paramref name="value"/> serialized as its runtime type.</summary>
    public static NpgsqlParameter Jsonb(string name, object? value) =>
        new(name, NpgsqlDbType.Jsonb) { Value = value is null ? DBNull.Value : JsonSerializer.Serialize(value, value.GetType(), Json) };

    /// <summary>A timestamptz parameter; null is SQL NULL.</summary>
    public static NpgsqlParameter Time(string name, DateTimeOffset? value) =>
        new(name, NpgsqlDbType.TimestampTz) { Value = value is { } v ? v : DBNull.Value };

    /// <summary>A text parameter; null is SQL NULL.</summary>
    public static NpgsqlParameter Text(string name, string? value) => new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    /// <summary>A double precision parameter; null is SQL NULL.</summary>
    public static NpgsqlParameter Number(string name, double? value) => new(name, NpgsqlDbType.Double) { Value = (object?)value ?? DBNull.Value };

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
