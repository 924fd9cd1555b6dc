using Prometheus;

namespace MediaCenter.DevicesGateway.Mqtt;

/// <summary>
/// What the MQTT edge counts; every dropped message is counted by its reason. The kinds and reasons known here are
/// published at zero as soon as the broker side starts, so dashboards and alerts see them before the first drop.
/// </summary>
internal static class MqttMetrics
{
    /// <summary>Why a message is dropped (TopicKinds, TerminalPayloads, the embedded broker).</summary>
    private static readonly string[] DropReasons =
    [
        "foreign_topic", "malformed_topic", "unknown_kind", "topic_not_allowed", "subscriber_queue_full",
        "payload_too_large", "invalid_json", "invalid_field", "invalid_state", "unsupported_version", "clock_skew",
    ];

    /// <summary>Why the embedded broker refuses a connection or subscription.</summary>
    private static readonly string[] RefusalReasons =
    [
        "no_credentials", "client_id_mismatch", "unknown_terminal", "bad_secret", "revoked", "check_unavailable", "subscription_not_allowed",
    ];

    public static readonly Counter Received = Published(Metrics.CreateCounter(
        "mediacenter_mqtt_messages_received_total", "MQTT messages the gateway received, by topic kind.",
        new CounterConfiguration { LabelNames = ["kind"] }), TopicKinds.Known);

    public static readonly Counter Dropped = Published(Metrics.CreateCounter(
        "mediacenter_mqtt_messages_dropped_total", "MQTT messages the gateway dropped, by reason.",
        new CounterConfiguration { LabelNames = ["reason"] }), DropReasons);

    public static readonly Counter Refused = Published(Metrics.CreateCounter(
        "mediacenter_mqtt_refused_total", "MQTT connections and subscriptions the gateway refused, by reason.",
        new CounterConfiguration { LabelNames = ["reason"] }), RefusalReasons);

    public static readonly Gauge ConnectedClients = Metrics.CreateGauge(
        "mediacenter_mqtt_connected_clients", "MQTT clients connected to the embedded broker.");

    public static readonly Counter BrokerConnects = Metrics.CreateCounter(
        "mediacenter_mqtt_broker_connects_total", "Sessions the gateway opened on an external broker (more than one: it lost the connection or was taken over).");

    public static readonly Gauge BrokerUp = Metrics.CreateGauge(
        "mediacenter_mqtt_broker_up", "1 when the gateway's broker side is up (embedded started or external connected).");

    private static Counter Published(Counter counter, IEnumerable<string> labels)
    {
        foreach (var label in labels)
        {
            counter.WithLabels(label);
        }

        return counter;
    }
}
