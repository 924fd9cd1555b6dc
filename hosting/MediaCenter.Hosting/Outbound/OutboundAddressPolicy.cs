using System.Net;
using System.Net.Sockets;

namespace MediaCenter.Hosting.Outbound;

/// <summary>What kind of place an address is, as far as a server-side request is concerned.</summary>
public enum AddressKind
{
    /// <summary>An ordinary public address.</summary>
    Public,

    /// <summary>A cloud instance metadata service: refused even when its network is allowed.</summary>
    Metadata,

    /// <summary>0.0.0.0/8, :: — "this host" to most stacks.</summary>
    Unspecified,

    /// <summary>127.0.0.0/8, ::1.</summary>
    Loopback,

    /// <summary>RFC 1918 networks, IPv6 unique-local (fc00::/7) and site-local addresses.</summary>
    Private,

    /// <summary>169.254.0.0/16, fe80::/10.</summary>
    LinkLocal,

    /// <summary>100.64.0.0/10, the carriers' shared address space.</summary>
    SharedAddressSpace,

    /// <summary>224.0.0.0/4, ff00::/8.</summary>
    Multicast,

    /// <summary>Documentation, benchmarking, protocol and future-use ranges, and tunnels that hide the real destination.</summary>
    Reserved,
}

/// <summary>
/// Which addresses a server-side request may connect to: public ones, and the networks an operator allowed. IPv4-mapped and
/// IPv4-embedding IPv6 forms (NAT64, 6to4) are judged by the IPv4 address they carry.
/// </summary>
public static class OutboundAddressPolicy
{
    private static readonly IPAddress[] MetadataAddresses =
    [
        IPAddress.Parse("169.254.169.254"), // AWS, Azure, GCP, Huawei, OpenStack, Oracle
        IPAddress.Parse("169.254.170.2"), // AWS ECS task metadata
        IPAddress.Parse("169.254.0.23"), // Tencent Cloud
        IPAddress.Parse("100.100.100.200"), // Alibaba Cloud
        IPAddress.Parse("fd00:ec2::254"), // AWS over IPv6
    ];

    private static readonly (IPNetwork Network, AddressKind Kind)[] V4Ranges =
    [
        (IPNetwork.Parse("0.0.0.0/8"), AddressKind.Unspecified),
        (IPNetwork.Parse("10.0.0.0/8"), AddressKind.Private),
        (IPNetwork.Parse("100.64.0.0/10"), AddressKind.SharedAddressSpace),
        (IPNetwork.Parse("127.0.0.0/8"), AddressKind.Loopback),
        (IPNetwork.Parse("169.254.0.0/16"), AddressKind.LinkLocal),
        (IPNetwork.Parse("172.16.0.0/12"), AddressKind.Private),
        (IPNetwork.Parse("192.0.0.0/24"), AddressKind.Reserved),
        (IPNetwork.Parse("192.0.2.0/24"), AddressKind.Reserved),
        (IPNetwork.Parse("192.88.99.0/24"), AddressKind.Reserved),
        (IPNetwork.Parse("192.168.0.0/16"), AddressKind.Private),
        (IPNetwork.Parse("198.18.0.0/15"), AddressKind.Reserved),
        (IPNetwork.Parse("198.51.100.0/24"), AddressKind.Reserved),
        (IPNetwork.Parse("203.0.113.0/24"), AddressKind.Reserved),
        (IPNetwork.Parse("224.0.0.0/4"), AddressKind.Multicast),
        (IPNetwork.Parse("240.0.0.0/4"), AddressKind.Reserved),
    ];

    // Checked in order: the specific ones before the wide ::/96 that contains them.
    private static readonly (IPNetwork Network, AddressKind Kind)[] V6Ranges =
    [
        (IPNetwork.Parse("::/128"), AddressKind.Unspecified),
        (IPNetwork.Parse("::1/128"), AddressKind.Loopback),
        (IPNetwork.Parse("::/96"), AddressKind.Reserved),
        (IPNetwork.Parse("64:ff9b:1::/48"), AddressKind.Reserved),
        (IPNetwork.Parse("100::/64"), AddressKind.Reserved),
        (IPNetwork.Parse("2001::/32"), AddressKind.Reserved),
        (IPNetwork.Parse("2001:2::/48"), AddressKind.Reserved),
        (IPNetwork.Parse("2001:10::/28"), AddressKind.Reserved),
        (IPNetwork.Parse("2001:20::/28"), AddressKind.Reserved),
        (IPNetwork.Parse("2001:db8::/32"), AddressKind.Reserved),
        (IPNetwork.Parse("3fff::/20"), AddressKind.Reserved),
        (IPNetwork.Parse("fc00::/7"), AddressKind.Private),
        (IPNetwork.Parse("fe80::/10"), AddressKind.LinkLocal),
        (IPNetwork.Parse("fec0::/10"), AddressKind.Private),
        (IPNetwork.Parse("ff00::/8"), AddressKind.Multicast),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>
    /// The address a connection to <paramref name="address"/> really reaches: IPv4-mapped (::ffff:a.b.c.d) becomes IPv4, the IPv6 scope
    /// is dropped.
    /// </summary>
    public static IPAddress Normalize(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0 ? new IPAddress(address.GetAddressBytes()) : address;
    }

    /// <summary>What kind of place the address is.</summary>
    public static AddressKind Classify(IPAddress address)
    {
        var a = Normalize(address);
        if (MetadataAddresses.Contains(a))
        {
            return AddressKind.Metadata;
        }

        if (a.AddressFamily == AddressFamily.InterNetwork)
        {
            foreach (var (network, kind) in V4Ranges)
            {
                if (network.Contains(a))
                {
                    return kind;
                }
            }

            return AddressKind.Public;
        }

        if (a.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return AddressKind.Reserved;
        }

        // Translators and tunnels deliver to the IPv4 address inside: judge that one.
        var bytes = a.GetAddressBytes();
        if (Nat64.Contains(a))
        {
            return Classify(new IPAddress(bytes.AsSpan(12, 4)));
        }

        if (SixToFour.Contains(a))
        {
            return Classify(new IPAddress(bytes.AsSpan(2, 4)));
        }

        foreach (var (network, kind) in V6Ranges)
        {
            if (network.Contains(a))
            {
                return kind;
            }
        }

        return AddressKind.Public;
    }

    /// <summary>
    /// True when a request may connect to the address: public ones always, others when one of <paramref name="allowed"/> contains
    /// them, metadata services never.
    /// </summary>
    public static bool IsAllowed(IPAddress address, IReadOnlyList<IPNetwork> allowed)
    {
        var kind = Classify(address);
        if (kind == AddressKind.Public)
        {
            return true;
        }

        if (kind == AddressKind.Metadata)
        {
            return false;
        }

        var normalized = Normalize(address);
        return allowed.Any(n => n.Contains(normalized));
    }
}
