using System.Buffers.Binary;
using OrthancPortal.Infrastructure.Dicom;

namespace OrthancPortal.Benchmarks;

/// <summary>Synthetic CT images of realistic size, and one huge multi-frame file that is generated while it is sent.</summary>
public static class BenchDicom
{
    public const int Side = 512;
    private const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";

    public static DicomDataset Header(string patientId, string name, string date, string modality, string studyUid, string seriesUid, string sopUid, int frames)
    {
        var ds = new DicomDataset()
            .Add(0x0008, 0x0005, "CS", "ISO_IR 192")
            .Add(0x0008, 0x0016, "UI", CtImageStorage)
            .Add(0x0008, 0x0018, "UI", sopUid)
            .Add(0x0008, 0x0020, "DA", date)
            .Add(0x0008, 0x0050, "SH", patientId[^Math.Min(patientId.Length, 16)..])
            .Add(0x0008, 0x0060, "CS", modality)
            .Add(0x0008, 0x1030, "LO", $"{modality} benchmark")
            .Add(0x0010, 0x0010, "PN", name)
            .Add(0x0010, 0x0020, "LO", patientId)
            .Add(0x0020, 0x000D, "UI", studyUid)
            .Add(0x0020, 0x000E, "UI", seriesUid)
            .Add(0x0020, 0x0011, "IS", "1")
            .Add(0x0020, 0x0013, "IS", "1")
            .AddUInt16(0x0028, 0x0002, 1)
            .Add(0x0028, 0x0004, "CS", "MONOCHROME2")
            .AddUInt16(0x0028, 0x0010, Side)
            .AddUInt16(0x0028, 0x0011, Side)
            .AddUInt16(0x0028, 0x0100, 16)
            .AddUInt16(0x0028, 0x0101, 16)
            .AddUInt16(0x0028, 0x0102, 15)
            .AddUInt16(0x0028, 0x0103, 0);
        if (frames > 1) ds.Add(0x0028, 0x0008, "IS", frames.ToString());
        return ds;
    }

    /// <summary>A single 512x512x16-bit image (about 512 KB).</summary>
    public static byte[] Image(string patientId, string name, string date, string modality)
    {
        var sop = DicomFileWriter.NewUid();
        var pixels = new byte[Side * Side * 2];
        Random.Shared.NextBytes(pixels);
        var ds = Header(patientId, name, date, modality, DicomFileWriter.NewUid(), DicomFileWriter.NewUid(), sop, 1).AddBytes(0x7FE0, 0x0010, "OW", pixels);
        return DicomFileWriter.Write(ds, CtImageStorage, sop);
    }

    /// <summary>A multi-frame file of about <paramref name="bytes"/> bytes whose pixel data is produced as it is read.</summary>
    public static Stream Huge(long bytes, string patientId, out long length)
    {
        var frameBytes = Side * Side * 2L;
        var frames = (int)Math.Max(1, bytes / frameBytes);
        var sop = DicomFileWriter.NewUid();
        var header = DicomFileWriter.Write(Header(patientId, "Bench^Huge", DateTime.Today.ToString("yyyyMMdd"), "CT", DicomFileWriter.NewUid(), DicomFileWriter.NewUid(), sop, frames), CtImageStorage, sop);
        var pixelLength = frames * frameBytes;
        // (7FE0,0010) OW, explicit VR little endian: tag, VR, two reserved bytes, 32-bit length.
        var element = new byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(element, 0x7FE0);
        BinaryPrimitives.WriteUInt16LittleEndian(element.AsSpan(2), 0x0010);
        element[4] = (byte)'O';
        element[5] = (byte)'W';
        BinaryPrimitives.WriteUInt32LittleEndian(element.AsSpan(8), (uint)pixelLength);
        length = header.Length + element.Length + pixelLength;
        return new GeneratedStream([.. header, .. element], pixelLength);
    }

    /// <summary>A fixed prefix followed by pseudo-random bytes (incompressible, so zip sizes stay honest), never held in memory.</summary>
    private sealed class GeneratedStream(byte[] prefix, long generated) : Stream
    {
        private long position;
        private ulong state = 0x9E3779B97F4A7C15;
        private long Total => prefix.Length + generated;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => Total;
        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, Total - position);
            for (var i = 0; i < n; i++, position++)
            {
                if (position < prefix.Length) { buffer[i] = prefix[position]; continue; }
                state ^= state << 13; state ^= state >> 7; state ^= state << 17;
                buffer[i] = (byte)state;
            }
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => ValueTask.FromResult(Read(buffer.Span));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => Task.FromResult(Read(buffer.AsSpan(offset, count)));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
