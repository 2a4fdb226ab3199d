using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace DomainAssistant.Api.Tests.Hostile;

/// <summary>
/// HTTP/1.1 written byte by byte on a socket, for requests no well-behaved client sends: bodies that stop short of
/// their Content-Length, chunked bodies of any size, raw invalid UTF-8. The response is read while the request is
/// still being written, so a server that answers early and closes is heard before its reset arrives.
/// </summary>
public sealed class RawHttp(Uri server)
{
    /// <summary>A response: status, headers (names lower-cased) and body (de-chunked).</summary>
    public sealed record Response(int Status, IReadOnlyDictionary<string, string> Headers, string Body);

    /// <summary>
    /// Sends <paramref name="head"/> (request line and headers, without the blank line) and then each piece of
    /// <paramref name="body"/>; <paramref name="thenHalfClose"/> shuts the sending side so the server sees the body end.
    /// </summary>
    public async Task<Response> SendAsync(string head, IEnumerable<byte[]> body, bool thenHalfClose = false, TimeSpan? timeout = null)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.Host, server.Port);
        using var stream = new NetworkStream(socket, ownsSocket: false);
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        var reading = ReadAllAsync(stream, cancel.Token);
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.TrimEnd() + "\r\nConnection: close\r\n\r\n"), cancel.Token);
            foreach (var piece in body)
            {
                if (reading.IsCompleted) break; // answered already: the rest of the body would go nowhere
                await stream.WriteAsync(piece, cancel.Token);
            }
            if (thenHalfClose) socket.Shutdown(SocketShutdown.Send);
        }
        catch (IOException)
        {
            // The server answered and closed while we were still sending: its answer is what the test checks.
        }
        return Parse(await reading);
    }

    public Task<Response> SendAsync(string head, byte[] body, bool thenHalfClose = false, TimeSpan? timeout = null) =>
        SendAsync(head, [body], thenHalfClose, timeout);

    /// <summary>A POST with a JSON (or any) body and its true Content-Length.</summary>
    public Task<Response> PostAsync(string path, byte[] body, string contentType = "application/json", string? extraHeaders = null) =>
        SendAsync($"POST {path} HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\n{extraHeaders}", body);

    /// <summary>The body as HTTP/1.1 chunks of <paramref name="chunkSize"/> bytes, ending with the zero chunk.</summary>
    public static IEnumerable<byte[]> Chunked(long totalBytes, int chunkSize, string prefix = "", byte fill = (byte)'a')
    {
        if (prefix.Length > 0) yield return Frame(Encoding.UTF8.GetBytes(prefix));
        var frame = Frame(Enumerable.Repeat(fill, chunkSize).ToArray());
        for (long sent = 0; sent < totalBytes; sent += chunkSize) yield return frame;
        yield return "0\r\n\r\n"u8.ToArray();
    }

    static byte[] Frame(byte[] chunk) =>
        [.. Encoding.ASCII.GetBytes(chunk.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), .. chunk, .. "\r\n"u8];

    static async Task<byte[]> ReadAllAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var received = new MemoryStream();
        var buffer = new byte[16384];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0) received.Write(buffer, 0, read);
        }
        catch (IOException) when (received.Length > 0)
        {
            // A reset after the answer arrived.
        }
        return received.ToArray();
    }

    static Response Parse(byte[] raw)
    {
        var end = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0) throw new InvalidOperationException($"no complete response came back ({raw.Length} bytes: {Encoding.UTF8.GetString(raw)})");
        var lines = Encoding.ASCII.GetString(raw, 0, end).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        var body = raw.AsSpan(end + 4).ToArray();
        if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase)) body = Dechunk(body);
        return new Response(status, headers, Encoding.UTF8.GetString(body));
    }

    static byte[] Dechunk(byte[] body)
    {
        using var result = new MemoryStream();
        var at = 0;
        while (true)
        {
            var lineEnd = body.AsSpan(at).IndexOf("\r\n"u8);
            if (lineEnd < 0) return result.ToArray();
            var size = int.Parse(Encoding.ASCII.GetString(body, at, lineEnd).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0) return result.ToArray();
            result.Write(body, at + lineEnd + 2, size);
            at += lineEnd + 2 + size + 2;
        }
    }
}
