using System.Text.Json;
using System.Text.Json.Serialization;

namespace MediaCenter.Database.Data;

/// <summary>
/// The one JSON shape of everything stored as JSON in the database (jsonb columns, event payloads): camel case, enums by
/// name. Writers and readers in every process use this instance, so a document written by the silo reads back the same in
/// the web. Read-only, so no caller can change it for the others.
/// </summary>
public static class PersistedJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>The value as JSON, serialized as its runtime type (so a derived record keeps its own properties).</summary>
    public static string Serialize(object value) => JsonSerializer.Serialize(value, value.GetType(), Options);

    /// <summary>A stored document read back as <typeparamref name="T"/>.</summary>
    public static T? Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options);

    /// <summary>A stored document read back as <paramref name="type"/>.</summary>
    public static object? Deserialize(string json, Type type) => JsonSerializer.Deserialize(json, type, Options);

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
