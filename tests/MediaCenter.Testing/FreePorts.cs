using System.Net;
using System.Net.Sockets;

namespace MediaCenter.Testing;

/// <summary>Hands out loopback TCP ports that are free right now and not handed out before in this process.</summary>
public static class FreePorts
{
    private static readonly HashSet<int> Given = [];

    /// <summary>A free port on 127.0.0.1.</summary>
    public static int Next()
    {
        lock (Given)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (Given.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
