using System.Buffers;
using MediaCenter.DevicesGateway.Mqtt;

namespace MediaCenter.DevicesGateway.Ingest;

/// <summary>What the gateway does with one terminal publish, whichever broker carried it.</summary>
internal static class TerminalTraffic
{
    /// <summary>Classifies, validates and queues a publish; false when it was dropped (counted by reason).</summary>
    public static async Task<bool> AcceptAsync(string? clientId, string topic, ReadOnlySequence<byte> payload, IngestPipeline ingest, DropLog drops, TimeProvider time)
    {
        var kind = TopicKinds.Classify(topic, out var dropReason);
        if (kind is null)
        {
            drops.Dropped(dropReason!, clientId, topic);
            return false;
        }

        if (kind is "cmd")
        {
            MqttMetrics.Received.WithLabels(kind).Inc();
            return true;
        }

        var terminalId = topic.Split('/')[2];
        var message = TerminalPayloads.Parse(terminalId, kind, payload, time.GetUtcNow(), out dropReason);
        if (message is null)
        {
            drops.Dropped(dropReason!, clientId, topic);
            return false;
        }

        MqttMetrics.Received.WithLabels(kind).Inc();
        await ingest.EnqueueAsync(message);
        return true;
    }
}
