using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MediaCenter.Hosting.Outbound;

/// <summary>Answers host names for the outbound guard (DNS unless a test or a tool substitutes its own).</summary>
public interface IOutboundResolver
{
    /// <summary>The addresses of a host name.</summary>
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

/// <summary>The system resolver.</summary>
internal sealed class DnsOutboundResolver : IOutboundResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Dns.GetHostAddressesAsync(host, cancellationToken);
}

/// <summary>A request the outbound guard would not let through, with the reason for the operators' log.</summary>
public sealed class OutboundRefusedException(string reason) : Exception(reason);

/// <summary>A response body longer than <see cref="OutboundSettings.MaxResponseBytes"/>.</summary>
public sealed class OutboundResponseTooLargeException(long limit) : Exception($"The response is longer than {limit} bytes.");

/// <summary>
/// The one gate for server-side HTTP requests. A URL is checked before it is stored (<see cref="CheckAsync"/>), and every connection
/// is checked when it is made: the host name is resolved once, every address it has must be allowed (see
/// <see cref="OutboundAddressPolicy"/>), and the socket connects to exactly the address that was checked, so a name that answers
/// differently the second time (DNS rebinding) gains nothing. Clients made by <see cref="CreateHandler"/> follow no redirects, use no
/// proxy, keep no cookies and read at most <see cref="OutboundSettings.MaxResponseBytes"/>.
/// </summary>
public sealed partial class OutboundGuard(IOptionsMonitor<OutboundSettings> settings, IOutboundResolver resolver, ILogger<OutboundGuard> logger)
{
    /// <summary>What a person is told about a refused address (never why: which rule, what the name resolved to).</summary>
    public static readonly string RefusedMessage = Msg.Of("intake.outboundRefused");

    /// <summary>
    /// Checks a URL before it is stored: scheme, and every address its host has now. Null when it may be used, else the reason (for
    /// logs; show <see cref="RefusedMessage"/>). Passing here does not let a later request through: each connection is checked again.
    /// </summary>
    public async Task<string?> CheckAsync(Uri url, CancellationToken cancellationToken)
    {
        if (CheckUri(url) is { } refusal)
        {
            return refusal;
        }

        try
        {
            await AllowedAddressesAsync(url.IdnHost, cancellationToken);
            return null;
        }
        catch (OutboundRefusedException ex)
        {
            return ex.Message;
        }
        catch (SocketException ex)
        {
            return $"{url.IdnHost} does not resolve ({ex.SocketErrorCode})";
        }
    }

    /// <summary>The checks that need no network: an absolute http(s) URL, https unless plain http is allowed. Null when it passes.</summary>
    public string? CheckUri(Uri url)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp) || string.IsNullOrEmpty(url.IdnHost))
        {
            return "not an absolute http(s) URL";
        }

        if (url.Scheme == Uri.UriSchemeHttp && !settings.CurrentValue.AllowHttp)
        {
            return "plain http is not allowed (Outbound:AllowHttp)";
        }

        return null;
    }

    private long MaxResponseBytes => settings.CurrentValue.MaxResponseBytes;

    /// <summary>
    /// The handler for an outbound HTTP client: connections through the guard, no redirects, no proxy (a proxy would connect on our
    /// behalf to addresses we never see), no cookies, no automatic decompression (no zip bombs), a response size limit.
    /// </summary>
    public HttpMessageHandler CreateHandler()
    {
        var current = settings.CurrentValue;
        var sockets = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = current.ConnectTimeout,
            MaxResponseHeadersLength = 64,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = ConnectAsync,
        };
        return new LimitHandler(this, sockets);
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.DnsEndPoint;
        var addresses = await AllowedAddressesAsync(endpoint.Host, cancellationToken);
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>The host's addresses, normalized, each one allowed; throws <see cref="OutboundRefusedException"/> if any is not.</summary>
    private async Task<IPAddress[]> AllowedAddressesAsync(string host, CancellationToken cancellationToken)
    {
        var current = settings.CurrentValue;
        var name = host.Trim('[', ']').TrimEnd('.');
        IPAddress[] addresses;
        if (IPAddress.TryParse(name, out var literal))
        {
            addresses = [literal];
        }
        else if (current.ParsedHosts().TryGetValue(name, out var pinned))
        {
            addresses = pinned;
        }
        else
        {
            addresses = await resolver.ResolveAsync(name, cancellationToken);
        }

        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        var allowed = current.ParsedNetworks();
        // One refused address refuses the name: a name that answers with a public and an inside address is not a receiver.
        foreach (var address in addresses)
        {
            if (!OutboundAddressPolicy.IsAllowed(address, allowed))
            {
                var kind = OutboundAddressPolicy.Classify(address);
                LogRefused(logger, name, address, kind);
                throw new OutboundRefusedException($"{name} resolves to {address} ({kind}), which is not allowed (Outbound:AllowedNetworks)");
            }
        }

        return [.. addresses.Select(OutboundAddressPolicy.Normalize).Distinct()];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbound request to {Host} refused: it resolves to {Address} ({Kind})")]
    private static partial void LogRefused(ILogger logger, string host, IPAddress address, AddressKind kind);

    /// <summary>The per-request checks: the URL rules again (for every request, however its URL came about) and the size limit.</summary>
    private sealed class LimitHandler(OutboundGuard guard, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var refusal = request.RequestUri is { } url ? guard.CheckUri(url) : "no URL";
            if (refusal is not null)
            {
                throw new OutboundRefusedException(refusal);
            }

            var response = await base.SendAsync(request, cancellationToken);
            var limit = guard.MaxResponseBytes;
            if (response.Content.Headers.ContentLength > limit)
            {
                response.Dispose();
                throw new OutboundResponseTooLargeException(limit);
            }

            response.Content = new LimitedContent(response.Content, limit);
            return response;
        }
    }

    /// <summary>A response body that fails once more than the limit has been read.</summary>
    private sealed class LimitedContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly long _limit;

        public LimitedContent(HttpContent inner, long limit)
        {
            _inner = inner;
            _limit = limit;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            await SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await using var source = await _inner.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[16 * 1024];
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
                if (total > _limit)
                {
                    throw new OutboundResponseTooLargeException(_limit);
                }

                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
