using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Net;

namespace DomainAssistant.Api.Tests.Hostile;

/// <summary>
/// Watches, process-wide, every place .NET reaches for the network: each socket connect (System.Net.Sockets
/// ConnectStart, whatever library opens it: HttpClient, the RabbitMQ client, MassTransit), each HTTP request
/// (System.Net.Http RequestStart) and each name lookup (System.Net.NameResolution ResolutionStart, which a connect to a
/// named host needs first, so an attempt is seen even where DNS fails and no socket is ever opened).
/// </summary>
public sealed class OutboundConnections : EventListener
{
    readonly ConcurrentQueue<string> _seen = new();
    readonly ConcurrentQueue<string> _outbound = new();

    /// <summary>Every network event, in words.</summary>
    public IReadOnlyList<string> Seen => [.. _seen];

    /// <summary>The events that reached beyond loopback.</summary>
    public IReadOnlyList<string> Outbound => [.. _outbound];

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        ArgumentNullException.ThrowIfNull(eventSource);
        if (eventSource.Name is "System.Net.Sockets" or "System.Net.Http" or "System.Net.NameResolution")
            EnableEvents(eventSource, EventLevel.Informational, EventKeywords.All);
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        var target = (eventData.EventSource.Name, eventData.EventName) switch
        {
            ("System.Net.Sockets", "ConnectStart") => Argument(eventData, 0),
            ("System.Net.Http", "RequestStart") => Argument(eventData, 1),
            ("System.Net.NameResolution", "ResolutionStart") => Argument(eventData, 0),
            _ => null,
        };
        if (target is null) return;
        var line = $"{eventData.EventSource.Name} {eventData.EventName}: {target}";
        _seen.Enqueue(line);
        if (!IsLoopback(target)) _outbound.Enqueue(line);
    }

    static string Argument(EventWrittenEventArgs eventData, int index) =>
        eventData.Payload is { } payload && payload.Count > index ? Convert.ToString(payload[index], CultureInfo.InvariantCulture) ?? "" : "";

    /// <summary>
    /// A host name, an address, an endpoint, or a socket address as the sockets event writes it (<c>InterNetwork:16:{0,80,127,0,0,1,...}</c>:
    /// family, size, then the bytes after the family: port, then the IPv4 address; or port, flow info, then the IPv6 address).
    /// </summary>
    public static bool IsLoopback(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target is "localhost" || target.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)) return true;
        if (IPAddress.TryParse(target, out var address)) return Loopback(address);
        if (IPEndPoint.TryParse(target, out var endpoint)) return Loopback(endpoint.Address);
        var parts = target.Split(':', 3);
        if (parts.Length < 3) return false;
        if (parts[0] == "Unix") return true; // a socket file on this machine
        var bytes = parts[2].Trim('{', '}').Split(',', StringSplitOptions.TrimEntries).Select(b => byte.Parse(b, CultureInfo.InvariantCulture)).ToArray();
        return parts[0] switch
        {
            "InterNetwork" when bytes.Length >= 6 => Loopback(new IPAddress(bytes.AsSpan(2, 4))),
            "InterNetworkV6" when bytes.Length >= 22 => Loopback(new IPAddress(bytes.AsSpan(6, 16))),
            _ => false,
        };
    }

    static bool Loopback(IPAddress address) => IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
