using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;

namespace MediaCenter.DevicesGateway.Mqtt;

/// <summary>
/// The embedded broker's listeners (plain and TLS), in place of MQTTnet's own: MQTTnet's server has no packet-size limit and
/// no per-address cap, so every connection passes through here first. A connection over <see cref="MqttSettings.MaxConnectionsPerAddress"/>
/// for its address is closed at once; every connection's reads go through <see cref="MqttFrameGuard"/>, so a packet
/// announced over <see cref="MqttSettings.MaxPacketBytes"/> closes it before the broker allocates anything.
/// </summary>
internal sealed partial class GuardedListener(MqttSettings settings, X509Certificate2? certificate, DropLog drops, ILogger logger)
    : IMqttServerAdapter
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);
    private readonly List<TcpListener> _listeners = [];
    private readonly ConcurrentDictionary<IPAddress, int> _perAddress = new();
    private readonly CancellationTokenSource _stop = new();
    private MqttServerOptions? _options;
    private IMqttNetLogger? _mqttLogger;

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        _options = options;
        _mqttLogger = logger;
        if (settings.PlainListener)
        {
            Listen(IPAddress.Parse(settings.Host), settings.Port, tls: false);
        }

        if (settings.Tls.Enabled)
        {
            Listen(IPAddress.Parse(settings.Tls.Host), settings.Tls.Port, tls: true);
        }

        return Task.CompletedTask;
    }

    private void Listen(IPAddress address, int port, bool tls)
    {
        var listener = new TcpListener(address, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        // Thousands of terminals reconnect together after a gateway restart: a deep queue of pending connections.
        listener.Start(1024);
        _listeners.Add(listener);
        _ = AcceptAsync(listener, tls);
    }

    private async Task AcceptAsync(TcpListener listener, bool tls)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // A connection reset while still queued; the listener itself is fine.
                LogAcceptFailed(logger, ex.Message);
                continue;
            }

            _ = ServeAsync(socket, tls);
        }
    }

    private async Task ServeAsync(Socket socket, bool tls)
    {
        var remote = (IPEndPoint)socket.RemoteEndPoint!;
        var address = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;
        var admitted = false;
        var released = 0;
        // A connection closed by the guard stops counting against its address at once, not when the broker lets go of it.
        void ReleaseOnce()
        {
            if (admitted && Interlocked.Exchange(ref released, 1) == 0)
            {
                Release(address);
            }
        }

        try
        {
            admitted = Admit(address);
            if (!admitted)
            {
                drops.Refused("too_many_connections", null);
                return;
            }

            socket.NoDelay = true;
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                handshake.CancelAfter(HandshakeTimeout);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = certificate,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    ClientCertificateRequired = false,
                }, handshake.Token);
            }

            await using var guarded = new MqttFrameGuard(stream, settings.MaxPacketBytes, reason =>
            {
                drops.Refused(reason, null);
                ReleaseOnce();
            });
            var options = _options!;
            var channel = new MqttTcpChannel(guarded, socket.LocalEndPoint!, remote, null!);
            using var adapter = new MqttChannelAdapter(channel,
                new MqttPacketFormatterAdapter(new MqttBufferWriter(options.WriterBufferSize, options.WriterBufferSizeMax)), _mqttLogger!);
            if (ClientHandler is { } handle)
            {
                // Returns when the client's session on this connection ends.
                await handle(adapter);
            }
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or SocketException)
        {
            if (tls && ex is AuthenticationException or OperationCanceledException)
            {
                drops.Refused("tls_handshake", null);
            }
        }
        catch (Exception ex)
        {
            LogServeFailed(logger, address.ToString(), ex.Message);
        }
        finally
        {
            ReleaseOnce();
            socket.Dispose();
        }
    }

    // Loopback is a local simulator or test bench unless the settings say otherwise.
    private bool Admit(IPAddress address)
    {
        if (settings.MaxConnectionsPerAddress <= 0 || (IPAddress.IsLoopback(address) && !settings.CapLoopback))
        {
            _perAddress.AddOrUpdate(address, 1, (_, n) => n + 1);
            return true;
        }

        while (true)
        {
            var current = _perAddress.GetValueOrDefault(address);
            if (current >= settings.MaxConnectionsPerAddress)
            {
                return false;
            }

            if (current == 0 ? _perAddress.TryAdd(address, 1) : _perAddress.TryUpdate(address, current + 1, current))
            {
                return true;
            }
        }
    }

    private void Release(IPAddress address)
    {
        while (true)
        {
            var current = _perAddress.GetValueOrDefault(address);
            if (current <= 1 ? ((ICollection<KeyValuePair<IPAddress, int>>)_perAddress).Remove(new(address, current)) : _perAddress.TryUpdate(address, current - 1, current))
            {
                return;
            }
        }
    }

    public Task StopAsync()
    {
        Stop();
        return Task.CompletedTask;
    }

    private void Stop()
    {
        _stop.Cancel();
        foreach (var listener in _listeners)
        {
            listener.Stop();
        }

        _listeners.Clear();
    }

    public void Dispose()
    {
        Stop();
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT accept failed: {Reason}")]
    private static partial void LogAcceptFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT connection from {Address} ended with an error: {Reason}")]
    private static partial void LogServeFailed(ILogger logger, string address, string reason);
}
