using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace MediaCenter.Messages;

/// <summary>
/// JSON that leaves the system as a document (a webhook's body, an audit entry's details) with every message in its
/// strings rendered in one language; names, numbers and people's text stay as they are, Chinese is written unescaped.
/// </summary>
public static class MessageJson
{
    private static readonly JsonSerializerOptions Output = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    /// <summary>The JSON text with its messages rendered; text without a message is returned as it is.</summary>
    /// <param name="json">A JSON document.</param>
    /// <param name="language">A language of <see cref="Languages.All"/>.</param>
    public static string Render(string json, string language) =>
        !Holds(json) || JsonNode.Parse(json) is not { } node ? json : Render(node, language)!.ToJsonString(Output);

    /// <summary>A JSON element with its messages rendered.</summary>
    /// <param name="json">A JSON element.</param>
    /// <param name="language">A language of <see cref="Languages.All"/>.</param>
    public static JsonElement Render(JsonElement json, string language)
    {
        var text = json.GetRawText();
        return Holds(text) ? JsonSerializer.SerializeToElement(Render(JsonNode.Parse(text), language), Output) : json;
    }

    /// <summary>True when the JSON text holds a message, written as itself or escaped (as the default encoder writes it).</summary>
    /// <param name="json">JSON text.</param>
    public static bool Holds(string json) => Msg.IsIn(json) || json.Contains("\\uE000", StringComparison.OrdinalIgnoreCase);

    private static JsonNode? Render(JsonNode? node, string language)
    {
        switch (node)
        {
            case JsonObject members:
                foreach (var (name, value) in members.ToList())
                {
                    // Containers are rendered in place; only a rendered string is a new node to put in the old one's place.
                    if (Render(value, language) is var rendered && !ReferenceEquals(rendered, value))
                    {
                        members[name] = rendered;
                    }
                }

                return members;
            case JsonArray items:
                for (var i = 0; i < items.Count; i++)
                {
                    if (Render(items[i], language) is var rendered && !ReferenceEquals(rendered, items[i]))
                    {
                        items[i] = rendered;
                    }
                }

                return items;
            case JsonValue value when value.TryGetValue<string>(out var text) && Msg.IsIn(text):
                return JsonValue.Create(MessageCatalog.Render(text, language));
            default:
                return node;
        }
    }
}
