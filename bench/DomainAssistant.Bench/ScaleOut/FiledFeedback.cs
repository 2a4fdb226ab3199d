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
