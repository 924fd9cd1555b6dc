using Prometheus;

namespace MediaCenter.DevicesGateway.Mqtt;

/// <summary>What the MQTT edge counts; every dropped message is counted by its reason.</summary>
internal static class MqttMetrics
{
    public static readonly Counter Received = Metrics.CreateCounter(
        "mediacenter_mqtt_messages_received_total", "MQTT messages the gateway received, by topic kind.",
        new CounterConfiguration { LabelNames = ["kind"] });

    public static readonly Counter Dropped = Metrics.CreateCounter(
        "mediacenter_mqtt_messages_dropped_total", "MQTT messages the gateway dropped, by reason.",
        new CounterConfiguration { LabelNames = ["reason"] });

    public static readonly Counter Refused = Metrics.CreateCounter(
        "mediacenter_mqtt_refused_total", "MQTT connections and subscriptions the gateway refused, by reason.",
        new CounterConfiguration { LabelNames = ["reason"] });

    public static readonly Gauge ConnectedClients = Metrics.CreateGauge(
        "mediacenter_mqtt_connected_clients", "MQTT clients connected to the embedded broker.");

    public static readonly Gauge BrokerUp = Metrics.CreateGauge(
        "mediacenter_mqtt_broker_up", "1 when the gateway's broker side is up (embedded started or external connected).");
}
