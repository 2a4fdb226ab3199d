using System.Globalization;

namespace DomainAssistant.Experiments.Storage;

/// <summary>Times as UTC text with seven decimals: they sort as they compare, so SQL can range over them.</summary>
static class SqliteText
{
    const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    public static DateTimeOffset Time(string text) =>
        new(DateTime.ParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);
}
