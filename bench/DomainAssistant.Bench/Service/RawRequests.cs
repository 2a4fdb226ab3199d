using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace DomainAssistant.Bench.Service;

/// <summary>
/// Requests no well-behaved client sends, written on a socket: chunked bodies of any size, Content-Lengths the body
/// never reaches. Returns the status line's code (0 when the host closed without answering). The answer is read while
/// the body is still being written, so a host that refuses early is heard before it resets the connection.
/// </summary>
public static class RawRequests
{
    public static async Task<int> SendAsync(Uri server, string head, IEnumerable<byte[]> body, TimeSpan timeout)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.Host, server.Port);
        using var stream = new NetworkStream(socket, ownsSocket: false);
        using var cancel = new CancellationTokenSource(timeout);
        var reading = StatusAsync(stream, cancel.Token);
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"{head.TrimEnd()}\r\nHost: {server.Authority}\r\nConnection: close\r\n\r\n"), cancel.Token);
            foreach (var piece in body)
            {
                if (reading.IsCompleted) break;
                await stream.WriteAsync(piece, cancel.Token);
            }
        }
        catch (Exception error) when (error is IOException or OperationCanceledException)
        {
            // Answered and closed while the body was still going out.
        }
        return await reading;
    }

    /// <summary><paramref name="total"/> bytes as 64 KiB chunks after <paramref name="prefix"/>, then the last chunk.</summary>
    public static IEnumerable<byte[]> Chunked(string prefix, long total)
    {
        yield return Frame(Encoding.UTF8.GetBytes(prefix));
        var frame = Frame(Enumerable.Repeat((byte)'a', 64 * 1024).ToArray());
        for (long sent = 0; sent < total; sent += 64 * 1024) yield return frame;
        yield return "0\r\n\r\n"u8.ToArray();
    }

    static byte[] Frame(byte[] chunk) => [.. Encoding.ASCII.GetBytes(chunk.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), .. chunk, .. "\r\n"u8];

    static async Task<int> StatusAsync(Stream stream, CancellationToken cancellationToken)
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                received.AddRange(buffer.AsSpan(0, read));
                var text = Encoding.ASCII.GetString([.. received]);
                if (text.Contains("\r\n", StringComparison.Ordinal)) return int.Parse(text.Split(' ')[1], CultureInfo.InvariantCulture);
            }
        }
        catch (Exception error) when (error is IOException or OperationCanceledException)
        {
            // Closed or reset without a status line.
        }
        return 0;
    }
}
