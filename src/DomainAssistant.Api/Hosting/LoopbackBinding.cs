using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace DomainAssistant.Api.Hosting;

/// <summary>
/// The embedded default listens on loopback only (http://127.0.0.1:5000), so a first run never exposes the assistant
/// to the network; any explicit URL setting (<c>--urls</c>, <c>ASPNETCORE_URLS</c>, <c>Kestrel:Endpoints</c>) wins.
/// </summary>
public static partial class LoopbackBinding
{
    public const string DefaultUrl = "http://127.0.0.1:5000";

    public static void BindLoopbackByDefault(this ConfigureWebHostBuilder webHost, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(webHost);
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = !string.IsNullOrWhiteSpace(configuration["urls"]) || !string.IsNullOrWhiteSpace(configuration["http_ports"])
            || !string.IsNullOrWhiteSpace(configuration["https_ports"]) || configuration.GetSection("Kestrel:Endpoints").Exists();
        if (!configured) webHost.UseUrls(DefaultUrl);
    }

    /// <summary>Logs where the host listens once it has started.</summary>
    public static void LogListeningUrls(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("DomainAssistant.Api");
            foreach (var address in addresses) LogListening(logger, address);
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DomainAssistant is listening on {Url} (chat: POST {Url}/api/chat, health: {Url}/health)")]
    static partial void LogListening(ILogger logger, string url);
}
