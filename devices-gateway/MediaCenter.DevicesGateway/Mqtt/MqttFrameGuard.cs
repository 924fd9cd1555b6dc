namespace MediaCenter.DevicesGateway.Mqtt;

/// <summary>A connection announced an MQTT packet larger than the broker takes; it is closed before anything is allocated.</summary>
public sealed class MqttPacketTooLargeException(long announced, int limit)
    : IOException($"MQTT packet of {announced} bytes announced; the limit is {limit}.")
{
    /// <summary>The size the packet's header announced (at least; reading stops once it is over the limit).</summary>
    public long Announced { get; } = announced;
}

/// <summary>
/// A read-side guard in front of the broker's packet reader. MQTT frames every packet as a fixed-header byte, a
/// "remaining length" of one to four 7-bit bytes, then that many bytes; the reader allocates the announced length before it
/// reads the body, so a few bytes claiming 256 MB would make it allocate that much. This stream follows the framing of
/// everything it hands on and fails the read that would hand on a length over the limit (or a malformed one), so the reader
/// never sees it.
/// </summary>
public sealed class MqttFrameGuard(Stream inner, int maxPacketBytes, Action<string> refused) : Stream
{
    private enum Part
    {
        Header,
        Length,
        Body,
    }

    private Part _part = Part.Header;
    private long _length;
    private int _lengthBytes;
    private long _bodyLeft;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Follow(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        Follow(buffer.AsSpan(offset, read));
        return read;
    }

    // Walks the bytes about to be handed on through the framing; throws before they are.
    private void Follow(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            switch (_part)
            {
                case Part.Header:
                    i++;
                    _part = Part.Length;
                    _length = 0;
                    _lengthBytes = 0;
                    break;
                case Part.Length:
                    var b = bytes[i++];
                    _length |= (long)(b & 0x7F) << (7 * _lengthBytes);
                    _lengthBytes++;
                    if (_length > maxPacketBytes)
                    {
                        refused("packet_too_large");
                        throw new MqttPacketTooLargeException(_length, maxPacketBytes);
                    }

                    if ((b & 0x80) == 0)
                    {
                        _bodyLeft = _length;
                        _part = _bodyLeft == 0 ? Part.Header : Part.Body;
                    }
                    else if (_lengthBytes == 4)
                    {
                        refused("malformed_length");
                        throw new IOException("Malformed MQTT remaining length (more than four bytes).");
                    }

                    break;
                default:
                    var take = (int)Math.Min(_bodyLeft, bytes.Length - i);
                    i += take;
                    _bodyLeft -= take;
                    if (_bodyLeft == 0)
                    {
                        _part = Part.Header;
                    }

                    break;
            }
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
