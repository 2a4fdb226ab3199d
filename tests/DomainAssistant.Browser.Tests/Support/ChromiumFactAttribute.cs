namespace DomainAssistant.Browser.Tests.Support;

/// <summary>
/// A fact that needs Debian's Chromium: skipped, with the reason, when <c>CHROMIUM_PATH</c> is unset or names no file
/// (<c>infra/services/chromium.sh start</c> installs it and writes the variable; <c>infra/test.sh</c> runs that).
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Variable = "CHROMIUM_PATH";

    public ChromiumFactAttribute()
    {
        var path = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(path))
            Skip = $"Skipped: {Variable} is not set. Run `infra/services/chromium.sh start` and set {Variable} from artifacts/services/chromium.env (infra/test.sh does both).";
        else if (!File.Exists(path))
            Skip = $"Skipped: {Variable}={path} is not a file. Run `infra/services/chromium.sh start` to install Chromium.";
    }

    /// <summary>The browser to drive; only read in facts that were not skipped.</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable(Variable)!;
}
