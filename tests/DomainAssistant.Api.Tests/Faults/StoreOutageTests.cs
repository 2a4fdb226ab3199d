using System.Net.Sockets;
using DomainAssistant.Api.Http;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DomainAssistant.Api.Tests.Faults;

/// <summary>Which driver failures are a store outage (503) and which stay failures of the request (500 or its own answer).</summary>
public sealed class StoreOutageTests
{
    [Theory]
    [InlineData("57P01")] // admin_shutdown: the server is stopping, or ended the connection
    [InlineData("57P02")] // crash_shutdown
    [InlineData("57P03")] // cannot_connect_now: the server is starting
    [InlineData("08006")] // connection_failure
    [InlineData("08001")] // sqlclient_unable_to_establish_sqlconnection
    [InlineData("53300")] // too_many_connections
    [InlineData("53100")] // disk_full
    [InlineData("25006")] // read_only_sql_transaction: a standby during failover
    public void A_server_that_cannot_serve_is_an_outage(string sqlState)
    {
        var outage = StoreOutage.Classify(new PostgresException("down", "FATAL", "FATAL", sqlState));

        Assert.NotNull(outage);
        Assert.Equal("PostgreSQL", outage.Engine);
        Assert.Contains(sqlState, outage.Cause, StringComparison.Ordinal);
        Assert.True(outage.RetryAfterSeconds > 0);
    }

    [Theory]
    [InlineData("23505")] // unique_violation: the request's own conflict
    [InlineData("42P01")] // undefined_table: a bug, not an outage
    [InlineData("40001")] // serialization_failure: the store retries or reports a conflict itself
    public void A_failure_of_the_request_itself_is_not_an_outage(string sqlState) =>
        Assert.Null(StoreOutage.Classify(new PostgresException("no", "ERROR", "ERROR", sqlState)));

    [Fact]
    public void A_refused_or_dropped_connection_is_an_outage_even_wrapped()
    {
        var refused = new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused));

        var outage = StoreOutage.Classify(new InvalidOperationException("the store failed", refused));

        Assert.Equal("PostgreSQL", outage?.Engine);
        Assert.Equal(StoreOutage.PassingOutageSeconds, outage?.RetryAfterSeconds);
    }

    [Theory]
    [InlineData(5, 5, "locked")] // SQLITE_BUSY
    [InlineData(8, 8, "read-only")] // SQLITE_READONLY
    [InlineData(8, 1032, "read-only")] // SQLITE_READONLY_DBMOVED: extended codes keep the primary code
    [InlineData(13, 13, "full")] // SQLITE_FULL
    [InlineData(14, 14, "cannot be opened")] // SQLITE_CANTOPEN
    [InlineData(10, 778, "I/O error")] // SQLITE_IOERR_WRITE
    public void An_sqlite_file_that_cannot_be_written_is_an_outage(int code, int extended, string cause)
    {
        var outage = StoreOutage.Classify(new SqliteException("SQLite Error", code, extended));

        Assert.Equal("SQLite", outage?.Engine);
        Assert.Contains(cause, outage?.Cause, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(19)] // SQLITE_CONSTRAINT
    [InlineData(1)] // SQLITE_ERROR (bad SQL)
    [InlineData(11)] // SQLITE_CORRUPT: not something retrying fixes
    public void Other_sqlite_errors_are_not_outages(int code) =>
        Assert.Null(StoreOutage.Classify(new SqliteException("SQLite Error", code)));

    [Fact]
    public void Other_exceptions_are_not_outages() => Assert.Null(StoreOutage.Classify(new InvalidOperationException("a bug")));

    [Fact]
    public void The_detail_names_the_store_the_engine_and_when_to_retry()
    {
        var detail = new StoreOutage("PostgreSQL", "conversation store", "the database server could not be reached", 5).Detail;

        Assert.Equal("The conversation store is unavailable: PostgreSQL reports the database server could not be reached. " +
                     "Nothing of this request was stored; retry after 5 seconds.", detail);
    }
}
