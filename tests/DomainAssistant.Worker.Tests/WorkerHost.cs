using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DomainAssistant.Worker.Tests;

/// <summary>The worker host as docker-compose runs it, over the given settings (host settings: seen while the host composes itself).</summary>
public sealed class WorkerHost(IDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
    }
}
