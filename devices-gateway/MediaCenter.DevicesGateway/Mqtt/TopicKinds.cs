namespace MediaCenter.DevicesGateway.Mqtt;

/// <summary>Classifies topics of the terminal contract <c>mc/t/{terminalId}/{kind}</c>.</summary>
internal static class TopicKinds
{
    public const string Prefix = "mc/t/";
    public static readonly string[] Known = ["hb", "telemetry", "evt", "state", "ack", "cmd"];

    /// <summary>Returns the kind of a terminal topic, or null with a drop reason when it is not one.</summary>
    public static string? Classify(string topic, out string? dropReason)
    {
        dropReason = null;
        if (!topic.StartsWith(Prefix, StringComparison.Ordinal))
        {
            dropReason = "foreign_topic";
            return null;
        }

        var rest = topic.AsSpan(Prefix.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0 || slash == rest.Length - 1 || rest[(slash + 1)..].Contains('/'))
        {
            dropReason = "malformed_topic";
            return null;
        }

        var kind = rest[(slash + 1)..].ToString();
        if (Array.IndexOf(Known, kind) < 0)
        {
            dropReason = "unknown_kind";
            return null;
        }

        return kind;
    }
}
