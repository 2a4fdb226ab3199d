using Microsoft.Extensions.Configuration.Memory;

namespace DomainAssistant.Api.Configuration;

/// <summary>
/// Settings the embedded default needs whatever the working directory (an appsettings.json is found only when the
/// host starts in its own folder): the adapter flag with one variant serving the model's default adapter, and Semantic
/// Kernel's logs quiet (the other log levels are every host's: ServiceDefaults). Added as a low-precedence source, so
/// appsettings, environment and command line override them.
/// </summary>
public static class EmbeddedDefaults
{
    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Microsoft.SemanticKernel"] = "Warning",
        ["feature_management:feature_flags:0:id"] = "AssistantAdapter",
        ["feature_management:feature_flags:0:enabled"] = "true",
        ["feature_management:feature_flags:0:variants:0:name"] = "current",
        ["feature_management:feature_flags:0:variants:0:configuration_value"] = "default",
        ["feature_management:feature_flags:0:allocation:default_when_enabled"] = "current",
    };

    public static void AddEmbeddedDefaults(this IConfigurationBuilder configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Settings });
    }
}
