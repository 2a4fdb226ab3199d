using Microsoft.Extensions.Configuration;

namespace DomainAssistant.ServiceDefaults;

/// <summary>Binds one options class from its section: missing keys keep their defaults, unknown keys are errors.</summary>
public static class SettingsSection
{
    /// <exception cref="InvalidOperationException">A key is unknown, unparsable or out of range; the message names it.</exception>
    public static T Bind<T>(IConfiguration configuration, string section, Func<T, IEnumerable<string>> problems) where T : new()
    {
        var options = new T();
        try
        {
            configuration.GetSection(section).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException error)
        {
            // The binder's message names the key and the value it could not use.
            throw new InvalidOperationException($"Invalid configuration in section '{section}': {error.Message}", error);
        }
        var found = problems(options).ToList();
        if (found.Count > 0) throw new InvalidOperationException($"Invalid configuration: {string.Join("; ", found)}.");
        return options;
    }
}
