namespace DomainAssistant.Api.Http;

/// <summary>
/// A request body that throws a 413 <see cref="BadHttpRequestException"/> as soon as more than the limit has been read,
/// so a body whose size is unknown in advance (chunked) is never taken in beyond the limit, on any server.
/// </summary>
public sealed class LimitedReadStream(Stream inner, BodyLimit limit) : Stream
{
    long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    int Count(int read)
    {
        _read += read;
        if (_read > limit.MaxBytes)
            throw new BadHttpRequestException($"The request body is larger than {limit.MaxBytes} bytes. {limit.TooLargeMessage}", StatusCodes.Status413PayloadTooLarge);
        return read;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
