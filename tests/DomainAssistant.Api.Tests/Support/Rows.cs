using Microsoft.Data.Sqlite;

namespace DomainAssistant.Api.Tests.Support;

/// <summary>Reads the host's SQLite files directly, as an auditor would.</summary>
public static class Rows
{
    public static long Count(string databasePath, string table) =>
        (long)Scalar(databasePath, $"SELECT COUNT(*) FROM {table}")!;

    /// <summary>Every row of a table as text, in rowid order: compared before and after to prove nothing changed.</summary>
    public static List<string> Dump(string databasePath, string table)
    {
        if (!File.Exists(databasePath)) return [];
        using var connection = Open(databasePath);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM {table} ORDER BY rowid";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : reader.GetValue(i).ToString())));
        return rows;
    }

    public static object? Scalar(string databasePath, string sql)
    {
        using var connection = Open(databasePath);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
