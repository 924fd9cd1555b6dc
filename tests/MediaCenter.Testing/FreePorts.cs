using System.Net;
using System.Net.Sockets;

namespace MediaCenter.Testing;

/// <summary>
/// Hands out loopback TCP ports that are free right now and not handed out before in this process, below the kernel's
/// ephemeral range: a port from that range (what binding port 0 gives) can be taken as the source port of any outgoing
/// connection between being handed out and its process listening on it, and the tests open thousands of connections.
/// </summary>
public static class FreePorts
{
    private const int Lowest = 10_000;
    private static readonly HashSet<int> Given = [];
    private static readonly int Highest = BelowEphemeralRange();

    /// <summary>A free port on 127.0.0.1.</summary>
    public static int Next()
    {
        lock (Given)
        {
            while (true)
            {
                var port = Random.Shared.Next(Lowest, Highest + 1);
                if (!Given.Add(port))
                {
                    continue;
                }

                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    listener.Stop();
                    return port;
                }
                catch (SocketException)
                {
                    // Someone listens there already: try another.
                }
            }
        }
    }

    // Linux says where its ephemeral range starts (32768 by default); elsewhere assume that default.
    private static int BelowEphemeralRange()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        var start = File.Exists(range) && int.TryParse(File.ReadAllText(range).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], out var s)
            ? s
            : 32_768;
        return Math.Max(Lowest + 1_000, start - 1);
    }
}
