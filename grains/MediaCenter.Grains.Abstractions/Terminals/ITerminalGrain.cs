namespace MediaCenter.Grains.Terminals;

/// <summary>
/// One smart terminal (智能终端): registration, last heartbeat, health with its own deadline timer,
/// telemetry, usage, inspections (巡检).
/// </summary>
[Alias("mc.ITerminalGrain")]
public interface ITerminalGrain : IGrainWithStringKey
{
    /// <summary>Registers or updates the terminal (idempotent per operation id).</summary>
    [Alias("Register")]
    Task<TerminalSnapshot> RegisterAsync(TerminalRegistration registration, string operationId);

    /// <summary>Applies messages from the gateway in arrival order.</summary>
    [Alias("Receive")]
    Task ReceiveAsync(IReadOnlyList<TerminalMessage> messages);

    /// <summary>Puts the terminal into maintenance (no alerts) or takes it out.</summary>
    [Alias("SetMaintenance")]
    Task<TerminalSnapshot> SetMaintenanceAsync(bool on, string operationId);

    /// <summary>Records a full inspection; the next is due six months later.</summary>
    [Alias("RecordInspection")]
    Task<TerminalSnapshot> RecordInspectionAsync(InspectionRecord inspection, string operationId);

    /// <summary>Sends a command; it is delivered through the gateways and times out without an acknowledgement.</summary>
    [Alias("SendCommand")]
    Task<TerminalCommand> SendCommandAsync(TerminalCommandType type, string? text, string operationId);

    /// <summary>The terminal now.</summary>
    [Alias("Get")]
    Task<TerminalSnapshot> GetAsync();
}

/// <summary>
/// Per-silo ingest (a stateless worker): takes a batch from the gateway and fans it out to the terminal
/// grains, so the gateway makes one call per batch instead of one per message.
/// </summary>
[Alias("mc.ITerminalIngestGrain")]
public interface ITerminalIngestGrain : IGrainWithIntegerKey
{
    /// <summary>Delivers a batch; completes when every terminal grain has applied its messages.</summary>
    [Alias("Ingest")]
    Task<int> IngestAsync(IReadOnlyList<TerminalMessage> batch);
}

/// <summary>Per-silo coalescing publisher (a stateless worker): terminal grains hand it deltas; it sends them at once, or after a short minimum gap between batches.</summary>
[Alias("mc.IFleetPublisherGrain")]
public interface IFleetPublisherGrain : IGrainWithIntegerKey
{
    /// <summary>Queues a change (latest per terminal wins until the next flush).</summary>
    [Alias("Enqueue"), Orleans.Concurrency.OneWay]
    Task EnqueueAsync(TerminalDelta change);
}
