using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace MediaCenter.Web.Live;

/// <summary>
/// Every live event leaves through here, in the language of each connection: a connection joins its groups in the
/// language it chose (<see cref="LiveHub.InLanguage"/>), and an event that carries messages (titles, notification
/// texts, refusals) is rendered once per language and sent to that language's groups. An event without a message
/// (the common case: states, counts, codes) is serialised once and sent to every language's groups in one call.
/// </summary>
public sealed class LiveSender
{
    private readonly IHubContext<LiveHub> _hub;
    private readonly JsonSerializerOptions _plain;
    private readonly Dictionary<string, JsonSerializerOptions> _rendered;

    /// <summary>Creates the sender with the hub's own payload options (names, enums), plus rendering.</summary>
    /// <param name="hub">The hub.</param>
    /// <param name="protocol">The hub's JSON protocol options.</param>
    public LiveSender(IHubContext<LiveHub> hub, IOptions<JsonHubProtocolOptions> protocol)
    {
        _hub = hub;
        var payload = protocol.Value.PayloadSerializerOptions;
        _plain = new JsonSerializerOptions(payload);
        _rendered = Languages.All.ToDictionary(l => l, l => Api.ReaderLanguage.OptionsFor(l, o =>
        {
            o.PropertyNamingPolicy = payload.PropertyNamingPolicy;
            o.DictionaryKeyPolicy = payload.DictionaryKeyPolicy;
            foreach (var converter in payload.Converters)
            {
                o.Converters.Add(converter);
            }
        }));
    }

    /// <summary>Sends an event to the connections of some groups, each in its own language.</summary>
    /// <param name="method">The client method.</param>
    /// <param name="payload">The event.</param>
    /// <param name="cancellationToken">Stops the send.</param>
    /// <param name="groups">The groups (as <see cref="LiveHub"/> names them, without a language).</param>
    public async Task SendAsync(string method, object payload, CancellationToken cancellationToken, params IReadOnlyList<string> groups)
    {
        var plain = JsonSerializer.SerializeToElement(payload, payload.GetType(), _plain);
        if (!CarriesMessage(plain))
        {
            await _hub.Clients.Groups(groups.SelectMany(g => Languages.All.Select(l => LiveHub.InLanguage(g, l))).ToList())
                .SendAsync(method, plain, cancellationToken);
            return;
        }

        foreach (var language in Languages.All)
        {
            var rendered = JsonSerializer.SerializeToElement(payload, payload.GetType(), _rendered[language]);
            await _hub.Clients.Groups(groups.Select(g => LiveHub.InLanguage(g, language)).ToList()).SendAsync(method, rendered, cancellationToken);
        }
    }

    /// <summary>True when any string of the event holds a message (written escaped, as the default encoder does).</summary>
    private static bool CarriesMessage(JsonElement element) => MessageJson.Holds(element.GetRawText());
}
