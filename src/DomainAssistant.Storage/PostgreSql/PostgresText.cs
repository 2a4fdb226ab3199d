namespace DomainAssistant.Storage.PostgreSql;

/// <summary>
/// What PostgreSQL's text type cannot hold: U+0000. Text that the scale-out mode stores is checked where it enters, on
/// both engines, so it is refused once with an error naming the field instead of failing its insert as if the database
/// were down.
/// </summary>
public static class PostgresText
{
    /// <summary>The rule, to follow a field's name in an error.</summary>
    public const string NoNul = "must not contain the NUL character (U+0000)";

    /// <summary>Whether <paramref name="text"/> breaks <see cref="NoNul"/>.</summary>
    public static bool HasNul(string? text) => text is not null && text.Contains('\0', StringComparison.Ordinal);
}
