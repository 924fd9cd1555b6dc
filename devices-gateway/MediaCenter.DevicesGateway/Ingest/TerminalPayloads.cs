using System.Buffers;
using System.Text;
using System.Text.Json;
using MediaCenter.Grains.Terminals;

namespace MediaCenter.DevicesGateway.Ingest;

/// <summary>
/// Parses and validates terminal payloads (contract v1, docs/MQTT.md). A bad payload yields a drop reason,
/// never an exception that escapes.
/// </summary>
public static class TerminalPayloads
{
    /// <summary>Payloads larger than this are dropped.</summary>
    public const int MaxPayloadBytes = 4096;

    /// <summary>A terminal clock further off than this makes its message suspicious: dropped.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Turns a publish into a message for the terminal grain, or returns the reason to drop it.</summary>
    public static TerminalMessage? Parse(string terminalId, string kind, ReadOnlySequence<byte> payload, DateTimeOffset now, out string? dropReason)
    {
        dropReason = null;
        if (payload.Length > MaxPayloadBytes)
        {
            dropReason = "payload_too_large";
            return null;
        }

        if (kind == "state")
        {
            var text = Encoding.UTF8.GetString(payload).Trim().Trim('"');
            return text switch
            {
                "online" => new TerminalMessage(terminalId, TerminalMessageKind.Online, now, null, null, 0),
                "offline" => new TerminalMessage(terminalId, TerminalMessageKind.Disconnected, now, null, null, 0),
                _ => Drop("invalid_state", out dropReason),
            };
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 8 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            return Drop("invalid_json", out dropReason);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Drop("invalid_json", out dropReason);
            }

            if (!root.TryGetProperty("v", out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var v) || v != 1)
            {
                return Drop("unsupported_version", out dropReason);
            }

            DateTimeOffset? sentAt = null;
            if (root.TryGetProperty("ts", out var ts))
            {
                if (ts.ValueKind != JsonValueKind.String || !ts.TryGetDateTimeOffset(out var sent))
                {
                    return Drop("invalid_field", out dropReason);
                }

                if ((sent - now).Duration() > MaxClockSkew)
                {
                    return Drop("clock_skew", out dropReason);
                }

                sentAt = sent;
            }

            try
            {
                var message = kind switch
                {
                    "hb" => new TerminalMessage(terminalId, TerminalMessageKind.Heartbeat, now, null, null, 0),
                    "telemetry" => new TerminalMessage(terminalId, TerminalMessageKind.Telemetry, now, Telemetry(root, now), null, 0),
                    "evt" => Usage(terminalId, root, now),
                    "ack" => Ack(terminalId, root, now),
                    _ => Drop("unknown_kind", out dropReason),
                };
                if (message is null)
                {
                    return Drop("invalid_field", out dropReason);
                }

                // The terminal's send time travels with the message so the silo can measure ingest lag (never deadlines).
                return sentAt is null ? message : message with { SentAt = sentAt };
            }
            catch (FormatException)
            {
                return Drop("invalid_field", out dropReason);
            }
        }
    }

    private static TelemetrySample Telemetry(JsonElement root, DateTimeOffset now) => new(
        now,
        Percent(root, "cpu"),
        Percent(root, "mem"),
        Percent(root, "disk"),
        Number(root, "temp", -50, 150),
        root.TryGetProperty("screenOn", out var screen) ? screen.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new FormatException(),
        } : null,
        root.TryGetProperty("appVersion", out var app) ? (app.ValueKind == JsonValueKind.String && app.GetString()!.Length <= 32 ? app.GetString() : throw new FormatException()) : null,
        root.TryGetProperty("errors", out var errors) ? (errors.TryGetInt32(out var e) && e >= 0 ? e : throw new FormatException()) : null);

    private static TerminalMessage? Usage(string terminalId, JsonElement root, DateTimeOffset now)
    {
        if (!root.TryGetProperty("type", out var type) || type.GetString() is not ("session" or "interaction"))
        {
            return null;
        }

        var count = root.TryGetProperty("count", out var c) ? (c.TryGetInt32(out var n) && n is >= 1 and <= 10_000 ? n : throw new FormatException()) : 1;
        return new TerminalMessage(terminalId, TerminalMessageKind.Usage, now, null, type.GetString(), count);
    }

    private static TerminalMessage? Ack(string terminalId, JsonElement root, DateTimeOffset now)
    {
        if (!root.TryGetProperty("id", out var id) || id.GetString() is not { Length: > 0 and <= 120 } commandId
            || !root.TryGetProperty("ok", out var ok) || ok.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return null;
        }

        var message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        return new TerminalMessage(terminalId, TerminalMessageKind.Ack, now, null, message is { Length: > 200 } ? message[..200] : message, 0,
            commandId, ok.ValueKind == JsonValueKind.True);
    }

    private static double? Percent(JsonElement root, string name) => Number(root, name, 0, 100);

    private static double? Number(JsonElement root, string name, double min, double max)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && d >= min && d <= max ? d : throw new FormatException();
    }

    private static TerminalMessage? Drop(string reason, out string? dropReason)
    {
        dropReason = reason;
        return null;
    }
}
