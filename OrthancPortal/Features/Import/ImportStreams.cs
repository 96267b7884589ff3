namespace OrthancPortal.Features.Import;

/// <summary>The bytes already read to sniff the file type, followed by the rest of the stream.</summary>
internal sealed class PrefixedStream(byte[] prefix, Stream rest) : Stream
{
    private int offset;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int index, int count) => ReadAsync(buffer.AsMemory(index, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (offset < prefix.Length)
        {
            var n = Math.Min(buffer.Length, prefix.Length - offset);
            prefix.AsMemory(offset, n).CopyTo(buffer);
            offset += n;
            return n;
        }
        return await rest.ReadAsync(buffer, ct);
    }

    public override Task<int> ReadAsync(byte[] buffer, int index, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(index, count), ct).AsTask();
    public override void Flush() { }
    public override long Seek(long o, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int index, int count) => throw new NotSupportedException();
}

/// <summary>A size limit was exceeded; the message says which, for the import result.</summary>
internal sealed class LimitExceededException(string reason) : IOException(reason);

/// <summary>Counts what passes and stops with <see cref="LimitExceededException"/> past the limit (guards against lying lengths).</summary>
internal sealed class LimitedStream(Stream inner, long limit, string reason) : Stream
{
    private long read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int index, int count) => ReadAsync(buffer.AsMemory(index, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var n = await inner.ReadAsync(buffer, ct);
        read += n;
        if (read > limit) throw new LimitExceededException(reason);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int index, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(index, count), ct).AsTask();
    public override void Flush() { }
    public override long Seek(long o, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int index, int count) => throw new NotSupportedException();
}

/// <summary>
/// A zip entry that must unpack to exactly the size its header declares. The limits were checked on that size and it
/// goes to Orthanc as Content-Length, so a lying header must not get more (or fewer) bytes through: more stops with
/// <see cref="LimitExceededException"/>, fewer with <see cref="InvalidDataException"/>. The last declared bytes are
/// handed on only once the entry is known to end there, so Orthanc never receives a complete body for a lying entry.
/// </summary>
internal sealed class DeclaredLengthStream(Stream inner, long declared) : Stream
{
    private long passed;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => passed; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int index, int count) => ReadAsync(buffer.AsMemory(index, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (buffer.Length == 0) return 0;
        if (passed == declared) return 0;
        var n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, declared - passed)], ct);
        if (n == 0) throw new InvalidDataException($"it ends after {passed:N0} bytes, but its header declares {declared:N0}.");
        if (passed + n == declared && await inner.ReadAsync(new byte[1], ct) != 0)
        {
            throw new LimitExceededException($"Refused: it unpacks to more than the {declared:N0} bytes its header declares (a zip bomb?); not imported.");
        }
        passed += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int index, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(index, count), ct).AsTask();
    public override void Flush() { }
    public override long Seek(long o, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int index, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}
