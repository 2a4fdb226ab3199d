using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DomainAssistant.Api.Tests.Support;

/// <summary>
/// The real host (Program) over its own temp folder: SQLite files there, the fernbrook sample domain copied in, the
/// in-memory bus, the <see cref="ScriptedModel"/> with its two adapters, and three API keys. Tests add or override
/// settings by key, exactly as configuration would.
/// </summary>
public sealed class AssistantHost : WebApplicationFactory<Program>
{
    public const string UserKey = "user-key-0123456789abcdef";
    public const string TeamKey = "team-key-0123456789abcdef";
    public const string OperatorKey = "operator-key-0123456789abcdef";
    public const string Domain = "fernbrook-recycling";

    readonly TempFolder _folder = new();
    readonly Dictionary<string, string?> _settings;
    readonly Action<IServiceCollection>? _services;

    /// <param name="overrides">Settings by key.</param>
    /// <param name="services">Changes to the host's services after its own registrations (for what no setting reaches).</param>
    public AssistantHost(IReadOnlyDictionary<string, string?>? overrides = null, Action<IServiceCollection>? services = null)
    {
        _services = services;
        RepositoryFiles.CopyDomain(Domain, _folder.Combine("domains"));
        _settings = new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = DataDirectory,
            ["Domains:Root"] = _folder.Combine("domains"),
            ["Model:Path"] = ScriptedModel.Instance.ModelFolder,
            ["Model:Adapters:sft"] = ScriptedModel.Instance.Adapters["sft"],
            ["Model:Adapters:candidate"] = ScriptedModel.Instance.Adapters["candidate"],
            ["Model:DefaultAdapter"] = "sft",
            ["Model:Name"] = "scripted",
            ["Auth:Keys:0:Name"] = "web", ["Auth:Keys:0:Key"] = UserKey, ["Auth:Keys:0:Role"] = "user",
            ["Auth:Keys:1:Name"] = "fernbrook-team", ["Auth:Keys:1:Key"] = TeamKey, ["Auth:Keys:1:Role"] = "domain-team",
            ["Auth:Keys:2:Name"] = "ops", ["Auth:Keys:2:Key"] = OperatorKey, ["Auth:Keys:2:Role"] = "operator",
            ["Bus:Outbox:SweepInterval"] = "00:00:00.200",
            // Tests send many requests from one caller in moments; the rate-limit tests set the limits they check.
            ["RateLimits:UserBurst"] = "1000000", ["RateLimits:UserPerMinute"] = "1000000",
            ["RateLimits:ClientBurst"] = "1000000", ["RateLimits:ClientPerMinute"] = "1000000", ["RateLimits:ChatStreamsPerUser"] = "1000",
        };
        // An override with a null value removes the setting (e.g. Model:Path to bootstrap instead).
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            if (value is null) _settings.Remove(key);
            else _settings[key] = value;
        }
    }

    /// <summary>Settings without the scripted model: for tests that bring their own model or bootstrap one.</summary>
    public static Dictionary<string, string?> WithoutScriptedModel() => new()
    {
        ["Model:Path"] = null, ["Model:Adapters:sft"] = null, ["Model:Adapters:candidate"] = null, ["Model:DefaultAdapter"] = null, ["Model:Name"] = null,
    };

    /// <summary>Settings that serve <paramref name="model"/> (with its adapters) in place of <see cref="ScriptedModel.Instance"/>.</summary>
    public static Dictionary<string, string?> Serving(ScriptedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new()
        {
            ["Model:Path"] = model.ModelFolder, ["Model:Adapters:sft"] = model.Adapters["sft"], ["Model:Adapters:candidate"] = model.Adapters["candidate"],
        };
    }

    /// <summary>Every line the host logged.</summary>
    public CapturedLog Log { get; } = new();

    public string DataDirectory => _folder.Combine("data");

    public string DomainsRoot => _folder.Combine("domains");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.AddProvider(Log));
        if (_services is not null) builder.ConfigureTestServices(_services);
    }

    /// <summary>Waits until /health answers 200 (model loaded and index built).</summary>
    public async Task<HttpClient> ReadyClientAsync(TimeSpan? timeout = null)
    {
        var client = CreateClient();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(2));
        while (true)
        {
            using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
            if (health.StatusCode == HttpStatusCode.OK) return client;
            var report = await health.Content.ReadAsStringAsync();
            if (report.Contains("\"status\":\"failed\"", StringComparison.Ordinal)) throw new InvalidOperationException($"the host failed to start: {report}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the host was not ready in time: {report}");
            await Task.Delay(100);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _folder.Dispose();
    }
}
