using Dapper;
using Npgsql;
using Prometheus;

namespace MediaCenter.Web.Newsroom;

/// <summary>
/// A file in <c>mc.media</c> read one slice at a time: a download holds at most one slice in memory, and a range request
/// (video players, resumed downloads) reads the slices of its range, not the whole file. The column is stored uncompressed
/// (migration 0019), so PostgreSQL reads only the TOAST chunks a slice covers.
/// </summary>
internal sealed class MediaSliceStream(NpgsqlDataSource db, Guid id, long length) : Stream
{
    /// <summary>Bytes fetched per query: a 20 MB file is 20 round trips.</summary>
    internal const int SliceBytes = 1024 * 1024;

    private static readonly Counter Slices = Metrics.CreateCounter("mediacenter_media_slices_read_total",
        "Slices of stored files read for downloads (one query each, at most 1 MiB): a range request reads only its range's slices.");

    private byte[] _slice = [];
    private long _sliceStart;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), "A position is never negative.");
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0 || _position >= length)
        {
            return 0;
        }

        if (_position < _sliceStart || _position >= _sliceStart + _slice.Length)
        {
            await FetchAsync(cancellationToken);
        }

        var offset = (int)(_position - _sliceStart);
        var count = Math.Min(buffer.Length, _slice.Length - offset);
        _slice.AsMemory(offset, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("A stored file is read only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("A stored file is read only.");

    private async Task FetchAsync(CancellationToken cancellationToken)
    {
        // substring counts from 1.
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var slice = await connection.ExecuteScalarAsync<byte[]?>(new CommandDefinition("SELECT substring(data FROM @from FOR @count) FROM mc.media WHERE id = @id",
            new { from = checked((int)(_position + 1)), count = (int)Math.Min(SliceBytes, length - _position), id }, cancellationToken: cancellationToken));
        if (slice is not { Length: > 0 })
        {
            throw new IOException($"The file {id} is no longer stored, or shorter than its recorded size.");
        }

        Slices.Inc();
        _slice = slice;
        _sliceStart = _position;
    }
}
