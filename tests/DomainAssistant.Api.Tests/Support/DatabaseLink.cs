using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace DomainAssistant.Api.Tests.Support;

/// <summary>
/// A loopback TCP relay between a host and its PostgreSQL server that a test can cut and restore: cut, it drops every
/// open connection and refuses new ones on the same port, which is what the host sees while the server is stopped or
/// restarting; restored, it relays again. The shared test server itself keeps running for the other tests.
/// </summary>
public sealed class DatabaseLink : IAsyncDisposable
{
    readonly IPEndPoint _server;
    readonly ConcurrentDictionary<TcpClient, byte> _open = new();
    TcpListener? _listener;
    CancellationTokenSource? _running;
    Task _accepting = Task.CompletedTask;

    DatabaseLink(IPEndPoint server) => _server = server;

    /// <summary>The loopback port the host connects to.</summary>
    public int Port { get; private set; }

    /// <summary>Relays from a fresh loopback port to <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static DatabaseLink Open(string host, int port)
    {
        var link = new DatabaseLink(new IPEndPoint(Dns.GetHostAddresses(host)[0], port));
        link.Listen(0);
        return link;
    }

    /// <summary>Drops every relayed connection and stops listening: connections are refused until <see cref="Restore"/>.</summary>
    public async Task CutAsync()
    {
        _running?.Cancel();
        _listener?.Stop();
        await _accepting;
        foreach (var client in _open.Keys) client.Dispose();
        _open.Clear();
    }

    /// <summary>Listens again on the same port.</summary>
    public void Restore() => Listen(Port);

    void Listen(int port)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _running?.Dispose();
        _running = new CancellationTokenSource();
        _accepting = AcceptAsync(_listener, _running.Token);
    }

    async Task AcceptAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = RelayAsync(inbound);
        }
    }

    async Task RelayAsync(TcpClient inbound)
    {
        var outbound = new TcpClient();
        _open[inbound] = 0;
        _open[outbound] = 0;
        try
        {
            await outbound.ConnectAsync(_server);
            var a = inbound.GetStream();
            var b = outbound.GetStream();
            // Either direction ending ends both, as a dropped server connection would.
            await Task.WhenAny(a.CopyToAsync(b), b.CopyToAsync(a));
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            inbound.Dispose();
            outbound.Dispose();
            _open.TryRemove(inbound, out _);
            _open.TryRemove(outbound, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CutAsync();
        _running?.Dispose();
    }
}
