namespace DomainAssistant.Bench.ScaleOut;

/// <summary>What infra/services/ wrote about the servers it started, in the checkout's artifacts/services/.</summary>
public static class TestServerFiles
{
    const string AdminConnection = "POSTGRES_ADMIN_CONNECTION=";

    /// <summary>
    /// The PostgreSQL server's admin connection string (database <c>postgres</c>) from postgres.env, or null when
    /// postgres.sh has not written one in <paramref name="root"/>.
    /// </summary>
    public static string? PostgresAdminConnection(string root)
    {
        var file = Path.Combine(root, "artifacts", "services", "postgres.env");
        if (!File.Exists(file)) return null;
        return File.ReadAllLines(file).FirstOrDefault(l => l.StartsWith(AdminConnection, StringComparison.Ordinal))?[AdminConnection.Length..].Trim('\'');
    }
}
