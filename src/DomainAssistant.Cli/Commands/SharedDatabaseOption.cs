using System.CommandLine;
using DomainAssistant.Storage.PostgreSql;

namespace DomainAssistant.Cli.Commands;

/// <summary>
/// `--postgres CONNECTION`: the scale-out stack's shared PostgreSQL database. A command given it reads and writes what
/// the hosts keep there (gate verdicts, the lineage ledger, filed feedback) instead of the SQLite files of a data
/// folder, so a verdict recorded by hand is one the API processes see. Without the option the command takes the
/// database the hosts of this shell would take: <c>Storage__PostgreSqlConnection</c> when <c>Storage__Database</c> is
/// <c>PostgreSql</c> (what infra/scaleout.sh exports); otherwise the embedded SQLite files.
/// </summary>
public sealed class SharedDatabaseOption
{
    public Option<string?> Option { get; } = new("--postgres")
    {
        Description = "Shared PostgreSQL database of the scale-out stack (an Npgsql connection string; default: Storage__PostgreSqlConnection when Storage__Database=PostgreSql). Without it: the SQLite files.",
        DefaultValueFactory = _ => FromEnvironment(),
    };

    /// <summary>The database the command was pointed at, or null for the embedded SQLite files.</summary>
    /// <exception cref="ArgumentException">The value is not a PostgreSQL connection string.</exception>
    public PostgresDatabase? Open(ParseResult parse) =>
        parse.GetValue(Option) is { Length: > 0 } connection ? new PostgresDatabase(connection) : null;

    static string? FromEnvironment() =>
        string.Equals(Environment.GetEnvironmentVariable("Storage__Database"), "PostgreSql", StringComparison.OrdinalIgnoreCase)
            ? Environment.GetEnvironmentVariable("Storage__PostgreSqlConnection")
            : null;
}
