namespace DomainAssistant.Api.Configuration;

/// <summary>Binds an options class from its configuration section and validates it, failing at startup with every problem named.</summary>
public static class OptionsSection
{
    /// <summary>Binds section <paramref name="section"/> (missing keys keep their defaults; unknown keys are errors) and validates it.</summary>
    /// <exception cref="InvalidOperationException">A key is unknown, unparsable or out of range; the message names it.</exception>
    public static T Bind<T>(IConfiguration configuration, string section) where T : ISelfValidating, new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
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
        var problems = options.Problems().ToList();
        if (problems.Count > 0)
            throw new InvalidOperationException($"Invalid configuration: {string.Join("; ", problems)}.");
        return options;
    }
}
