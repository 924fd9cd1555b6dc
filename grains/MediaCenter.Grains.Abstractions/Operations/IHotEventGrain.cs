namespace MediaCenter.Grains.Operations;

/// <summary>
/// One hot event (热点事件, F9.3.2): a major release an access party registers ahead — title, policy, time
/// window, expected traffic multiple, Q&amp;A script. An operator acknowledges it; it becomes Active by itself
/// when its window opens and Ended when it closes (a grain timer for the exact moment, a reminder as the
/// durable backstop). Keyed by the event id.
/// </summary>
[Alias("mc.IHotEventGrain")]
public interface IHotEventGrain : IGrainWithStringKey
{
    /// <summary>Applies a command (idempotent per operation id: a repeat returns the first result).</summary>
    [Alias("Execute")]
    Task<HotEventResult> ExecuteAsync(HotEventCommand command, HotEventActor actor, string operationId);

    /// <summary>The event in full, or null when there is none.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<HotEventView?> GetAsync();

    /// <summary>The public script, or null unless the event is acknowledged or active (and its window not yet closed).</summary>
    [Alias("GetScript"), Orleans.Concurrency.ReadOnly]
    Task<HotEventScript?> GetScriptAsync();
}

/// <summary>
/// The platform's hot-event mode (key 0): the events the public may see (acknowledged or active). Hot event
/// grains keep it up to date; web instances cache it (refreshed every few seconds and on the live message
/// <c>hotEventMode</c>, which it publishes to every signed-in connection whenever it changes).
/// </summary>
[Alias("mc.IHotModeGrain")]
public interface IHotModeGrain : IGrainWithIntegerKey
{
    /// <summary>The current events and the version of this snapshot; events whose window closed are left out.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<HotModeSnapshot> GetAsync();

    /// <summary>Adds or replaces an event (idempotent; an older version than the one held changes nothing).</summary>
    [Alias("Track")]
    Task TrackAsync(HotModeEntry entry);

    /// <summary>Removes an event unless a newer version of it is held (idempotent).</summary>
    [Alias("Forget")]
    Task ForgetAsync(string eventId, long version);
}
