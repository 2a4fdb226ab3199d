namespace DomainAssistant.Storage.PostgreSql;

/// <summary>Times as PostgreSQL's timestamptz keeps them: UTC, to the microsecond.</summary>
public static class PostgresTime
{
    /// <summary>
    /// <paramref name="time"/> in UTC without its sub-microsecond ticks, so what a store hands back at once equals what
    /// it reads back later.
    /// </summary>
    public static DateTimeOffset Stored(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % (TimeSpan.TicksPerMillisecond / 1000), TimeSpan.Zero);
    }

    /// <summary>A timestamptz column (Npgsql reads it as a UTC DateTime).</summary>
    public static DateTimeOffset Read(Npgsql.NpgsqlDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetFieldValue<DateTime>(ordinal), DateTimeKind.Utc), TimeSpan.Zero);
}
