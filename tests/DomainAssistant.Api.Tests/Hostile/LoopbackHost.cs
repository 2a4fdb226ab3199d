using DomainAssistant.Api.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace DomainAssistant.Api.Tests.Hostile;

/// <summary>
/// The <see cref="AssistantHost"/> on real Kestrel on a loopback port: transfer encodings, lying Content-Lengths and
/// cut-off bodies only behave as they do in production on a real server, not on the in-memory test server.
/// </summary>
public sealed class LoopbackHost : IDisposable
{
    public LoopbackHost() : this(null) { }

    internal LoopbackHost(IReadOnlyDictionary<string, string?>? overrides, Action<IServiceCollection>? services = null)
    {
        var settings = new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:0" };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;
        Assistant = new AssistantHost(settings, services);
        Assistant.UseKestrel();
        Assistant.StartServer();
        BaseAddress = new Uri(Assistant.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    public AssistantHost Assistant { get; }

    public Uri BaseAddress { get; }

    public RawHttp Raw => new(BaseAddress);

    public HttpClient Client() => new() { BaseAddress = BaseAddress };

    public void Dispose() => Assistant.Dispose();
}
