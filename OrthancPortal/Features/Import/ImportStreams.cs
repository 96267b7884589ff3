namespace OrthancPortal.Features.Import;

/// <summary>
/// A stream that is only read, front to back, through <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>: the
/// three import streams below share everything else.
/// </summary>
internal abstract class ForwardReadStream : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default);

    public override int Read(byte[] buffer, int index, int count) => ReadAsync(buffer.AsMemory(index, count)).AsTask().GetAwaiter().GetResult();
    public override Task<int> ReadAsync(byte[] buffer, int index, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(index, count), ct).AsTask();
    public override void Flush() { }
    public override long Seek(long o, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int index, int count) => throw new NotSupportedException();
}

/// <summary>The bytes already read to sniff the file type, followed by the rest of the stream.</summary>
internal sealed class PrefixedStream(byte[] prefix, Stream rest) : ForwardReadStream
{
    private int offset;

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
}

/// <summary>A size limit was exceeded; the message says which, for the import result.</summary>
internal sealed class LimitExceededException(string reason) : IOException(reason);

/// <summary>Counts what passes and stops with <see cref="LimitExceededException"/> past the limit (guards against lying lengths).</summary>
internal sealed class LimitedStream(Stream inner, long limit, string reason) : ForwardReadStream
{
    private long read;

    public override long Position { get => read; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var n = await inner.ReadAsync(buffer, ct);
        read += n;
        if (read > limit) throw new LimitExceededException(reason);
        return n;
    }
}

/// <summary>
/// A zip entry that must unpack to exactly the bytes its header declares: that size and that CRC-32. The limits were
/// checked on the size and it goes to Orthanc as Content-Length, so a lying header must get nothing through. .NET's
/// reader silently stops at the declared size, so a header declaring less than the entry holds shows only as a wrong
/// CRC; more bytes than declared stop with <see cref="LimitExceededException"/>, fewer or a wrong CRC with
/// <see cref="InvalidDataException"/>. The last declared bytes are handed on only once all of it is checked, so
/// Orthanc never receives a complete body for a lying entry.
/// </summary>
internal sealed class DeclaredLengthStream(Stream inner, long declared, uint crc32) : ForwardReadStream
{
    private long passed;
    private uint crc;

    public override long Position { get => passed; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (buffer.Length == 0 || passed == declared) return 0;
        var n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, declared - passed)], ct);
        if (n == 0) throw new InvalidDataException($"it ends after {passed:N0} bytes, but its header declares {declared:N0}.");
        crc = ZipCrc32.Append(crc, buffer.Span[..n]);
        if (passed + n == declared)
        {
            if (await inner.ReadAsync(new byte[1], ct) != 0)
            {
                throw new LimitExceededException($"Refused: it unpacks to more than the {declared:N0} bytes its header declares (a zip bomb?); not imported.");
            }
            if (crc != crc32) throw new InvalidDataException("its content does not match the checksum in its header (damaged, or its header lies about its size).");
        }
        passed += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}

/// <summary>The CRC-32 zip uses (reflected polynomial 0xEDB88320); System.IO.Hashing is not among the packages served here.</summary>
internal static class ZipCrc32
{
    private static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>The CRC of what was checked so far (0 for nothing) extended by <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        crc = ~crc;
        foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }
}
