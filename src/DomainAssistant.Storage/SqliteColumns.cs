using Microsoft.Data.Sqlite;

namespace DomainAssistant.Storage;

/// <summary>Bringing a table written by an older release up to date: the columns added since, when missing.</summary>
public static class SqliteColumns
{
    /// <summary>
    /// Adds each of <paramref name="added"/> that <paramref name="table"/> lacks, in one immediate transaction, so two
    /// processes opening the same old file never both add a column. Each definition must be nullable or have a
    /// default, so the rows already there stay valid.
    /// </summary>
    /// <param name="connection">An open connection to the file.</param>
    /// <param name="table">The table's name.</param>
    /// <param name="added">Column names with their ALTER TABLE definitions ("user_id TEXT").</param>
    public static void AddMissing(SqliteConnection connection, string table, IReadOnlyList<(string Name, string Definition)> added)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(added);
        using var transaction = connection.BeginTransaction(deferred: false);
        var present = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using (var columns = connection.CreateCommand())
        {
            columns.Transaction = transaction;
            columns.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
            using var reader = columns.ExecuteReader();
            while (reader.Read()) present.Add(reader.GetString(0));
        }
        foreach (var (name, definition) in added)
        {
            if (present.Contains(name)) continue;
            using var alter = connection.CreateCommand();
            alter.Transaction = transaction;
            alter.CommandText = $"ALTER TABLE {table} ADD COLUMN {definition}";
            alter.ExecuteNonQuery();
        }
        transaction.Commit();
    }
}
