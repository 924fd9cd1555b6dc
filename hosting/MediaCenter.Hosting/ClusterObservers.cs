namespace MediaCenter.Hosting;

/// <summary>How web hosts and gateways keep their Orleans observer subscriptions.</summary>
public static class ClusterObservers
{
    /// <summary>
    /// How often a subscription is renewed. The grains holding subscriptions keep them in memory: when the silo holding one
    /// dies, the grain comes back empty on another silo, and a host learns nothing until it renews — so renewing often
    /// bounds the live feed's gap after a silo loss to about this long (one cheap call per host and feed). A renewal waits
    /// no longer than this either: one pending on the dead silo must not hold up the next.
    /// </summary>
    public static readonly TimeSpan Renew = TimeSpan.FromSeconds(2);
}
