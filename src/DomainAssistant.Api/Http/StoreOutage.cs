using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DomainAssistant.Api.Http;

/// <summary>
/// A store that cannot serve right now: the shared PostgreSQL database unreachable or refusing connections, or an
/// SQLite file that cannot be written (disk full, read-only, busy past its timeout, unopenable, I/O error). Recognised
/// from the driver's exception (<see cref="Classify"/>), answered 503 with Retry-After by <see cref="StoreOutages"/>.
/// </summary>
/// <param name="Engine">"PostgreSQL" or "SQLite".</param>
/// <param name="Store">The store that failed, in words ("conversation store"), or "database" when the call stack names none.</param>
/// <param name="Cause">What went wrong, in words.</param>
/// <param name="RetryAfterSeconds">How long a client should wait: seconds for a restart or a lock, longer for a full or read-only disk, which needs an operator.</param>
public sealed partial record StoreOutage(string Engine, string Store, string Cause, int RetryAfterSeconds)
{
    /// <summary>For a restarting server, a dropped connection or a lock: what clears without anyone's help.</summary>
    public const int PassingOutageSeconds = 5;

    /// <summary>For a full or read-only disk: someone has to free space or fix the mount.</summary>
    public const int OperatorOutageSeconds = 30;

    /// <summary>The outage <paramref name="exception"/> (or one it wraps) reports; null for any other failure.</summary>
    public static StoreOutage? Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            var outage = cause switch
            {
                PostgresException server => FromPostgres(server),
                // Npgsql's own failures (no server error): refused or dropped connection, I/O, timeout, an exhausted pool.
                NpgsqlException client => (Engine: "PostgreSQL", Cause: $"the database server could not be reached ({client.InnerException?.Message ?? client.Message})",
                    Seconds: PassingOutageSeconds),
                SqliteException file => FromSqlite(file),
                _ => null,
            };
            if (outage is { } found) return new StoreOutage(found.Engine, StoreNamedBy(exception), found.Cause, found.Seconds);
        }
        return null;
    }

    /// <summary>The message a client reads: the store, the engine and the cause, and that the request can be retried.</summary>
    public string Detail =>
        $"The {Store} is unavailable: {Engine} reports {Cause}. Nothing of this request was stored; retry after {RetryAfterSeconds} seconds.";

    static (string Engine, string Cause, int Seconds)? FromPostgres(PostgresException error) => error.SqlState switch
    {
        // 08: connection exceptions; 57P: the server shutting down, crashed or still starting (admin_shutdown, cannot_connect_now).
        var state when state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("57P", StringComparison.Ordinal) =>
            ("PostgreSQL", $"the server is unavailable ({error.SqlState}: {error.MessageText})", PassingOutageSeconds),
        // 53: insufficient resources (disk full, out of memory, too many connections).
        var state when state.StartsWith("53", StringComparison.Ordinal) =>
            ("PostgreSQL", $"the server is out of resources ({error.SqlState}: {error.MessageText})", OperatorOutageSeconds),
        // A read-only transaction where writes were expected: a standby serving while the primary fails over.
        "25006" => ("PostgreSQL", $"the server accepts no writes ({error.SqlState}: {error.MessageText})", PassingOutageSeconds),
        _ => null,
    };

    // Primary result codes (https://sqlite.org/rescode.html); extended codes keep the primary in their low byte.
    const int SqliteBusy = 5, SqliteReadOnly = 8, SqliteIoError = 10, SqliteFull = 13, SqliteCantOpen = 14;

    static (string Engine, string Cause, int Seconds)? FromSqlite(SqliteException error) => (error.SqliteErrorCode & 0xFF) switch
    {
        SqliteBusy => ("SQLite", "the database file stayed locked past its timeout", PassingOutageSeconds),
        SqliteReadOnly => ("SQLite", "the data directory is read-only", OperatorOutageSeconds),
        SqliteFull => ("SQLite", "the disk holding the data directory is full", OperatorOutageSeconds),
        SqliteCantOpen => ("SQLite", "a database file in the data directory cannot be opened (the directory is missing, read-only or full)",
            OperatorOutageSeconds),
        SqliteIoError => ("SQLite", $"an I/O error on the data directory ({error.Message})", OperatorOutageSeconds),
        _ => null,
    };

    /// <summary>
    /// The first store class on the failed call's stack ("PostgresConversationStore" reads "conversation store"): the
    /// driver's exception does not say which of the host's stores it came from, and the operator needs to know.
    /// </summary>
    static string StoreNamedBy(Exception exception)
    {
        foreach (var frame in new StackTrace(exception, fNeedFileInfo: false).GetFrames())
        {
            var type = frame.GetMethod()?.DeclaringType;
            // An async method runs in a compiler-made state machine nested in the class that declares it.
            while (type is { DeclaringType: not null } && type.Name.StartsWith('<')) type = type.DeclaringType;
            if (type?.Namespace is not { } space || !space.StartsWith("DomainAssistant.", StringComparison.Ordinal)) continue;
            if (StoreClass().Match(type.Name) is { Success: true } store) return Words(store.Groups["name"].Value);
        }
        return "database";
    }

    static string Words(string pascal) => string.Join(' ', WordStart().Split(pascal).Where(w => w.Length > 0).Select(w => w.ToLowerInvariant()));

    [GeneratedRegex("^(Postgres|Sqlite)?(?<name>[A-Za-z]+(Store|Inbox|Catalog|Records|Ledger|Log))$")]
    private static partial Regex StoreClass();

    [GeneratedRegex("(?<!^)(?=[A-Z])")]
    private static partial Regex WordStart();
}
