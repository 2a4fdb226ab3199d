using Npgsql;

namespace DomainAssistant.Bench.ScaleOut;

/// <summary>The stack's training examples in its PostgreSQL database: which of a set of feedbacks were filed, and how often.</summary>
public sealed class FiledFeedback(string connectionString)
{
    /// <summary>Rows in <c>training_examples</c> for <paramref name="ids"/>, and how many distinct feedbacks they hold.</summary>
    public async Task<(long Rows, long Distinct)> CountAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var count = new NpgsqlCommand(
            "SELECT count(*), count(DISTINCT feedback_id) FROM training_examples WHERE feedback_id = ANY(@ids)", connection);
        count.Parameters.AddWithValue("ids", ids.ToArray());
        await using var reader = await count.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>The highest sequence filed so far (0 when none, or when the worker has not made the table yet): what a drain counts after.</summary>
    public async Task<long> LastSequenceAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('training_examples') IS NOT NULL", connection))
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!) return 0;
        await using var last = new NpgsqlCommand("SELECT COALESCE(max(sequence), 0) FROM training_examples", connection);
        return (long)(await last.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Rows filed after <paramref name="sequence"/> (a range of the primary key: cheap enough to poll); 0 before the table exists.</summary>
    public async Task<long> CountAfterAsync(long sequence, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('training_examples') IS NOT NULL", connection))
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!) return 0;
        await using var count = new NpgsqlCommand("SELECT count(*) FROM training_examples WHERE sequence > @after", connection);
        count.Parameters.AddWithValue("after", sequence);
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Of <paramref name="ids"/>, how many the API processes stored but the outbox has not yet seen confirmed.</summary>
    public async Task<long> PendingAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM feedback WHERE feedback_id = ANY(@ids) AND published_at IS NULL", connection);
        count.Parameters.AddWithValue("ids", ids.ToArray());
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }
}
