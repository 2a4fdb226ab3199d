namespace DomainAssistant.Api.Configuration;

/// <summary>API keys and what each may do (section <c>Auth</c>).</summary>
public sealed class AuthOptions : ISelfValidating
{
    public const string Section = "Auth";

    /// <summary>The keys, each with a name (shown in logs, used as the user id) and a role.</summary>
    public List<ApiKeyEntry> Keys { get; set; } = [];

    /// <summary>
    /// Whether chat (<c>/api/chat</c>, <c>/v1/*</c>) needs a key. Default false: end users chat without one. A key that
    /// is sent but unknown is refused (401) everywhere, whatever this says.
    /// </summary>
    public bool ChatRequiresKey { get; set; }

    public IEnumerable<string> Problems()
    {
        for (var i = 0; i < Keys.Count; i++)
        {
            var key = Keys[i];
            if (string.IsNullOrWhiteSpace(key.Name)) yield return $"Auth:Keys:{i}:Name must not be empty";
            if (key.Key is null || key.Key.Length < 16) yield return $"Auth:Keys:{i}:Key must be at least 16 characters";
            if (!Roles.IsKnown(key.Role)) yield return $"Auth:Keys:{i}:Role must be one of {string.Join(", ", Roles.All)} (got \"{key.Role}\")";
        }
        var duplicate = Keys.GroupBy(k => k.Key, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) yield return $"Auth:Keys holds the same key twice ({string.Join(", ", duplicate.Select(k => k.Name))})";
        var sameName = Keys.GroupBy(k => k.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (sameName is not null) yield return $"Auth:Keys names \"{sameName.Key}\" twice";
    }
}

/// <summary>One configured API key.</summary>
public sealed class ApiKeyEntry
{
    /// <summary>Who holds it (a team, a service); it becomes the caller's user id.</summary>
    public string Name { get; set; } = "";

    /// <summary>The secret the caller sends as <c>Authorization: Bearer KEY</c> or <c>X-Api-Key: KEY</c>.</summary>
    public string Key { get; set; } = "";

    /// <summary>user, domain-team or operator.</summary>
    public string Role { get; set; } = Roles.User;
}

/// <summary>The roles a key can carry; each includes the ones before it.</summary>
public static class Roles
{
    /// <summary>End users: chat and feedback.</summary>
    public const string User = "user";

    /// <summary>Domain teams: also corpus upload and re-indexing.</summary>
    public const string DomainTeam = "domain-team";

    /// <summary>Operators: also admin endpoints (model, adapters, experiments).</summary>
    public const string Operator = "operator";

    public static IReadOnlyList<string> All { get; } = [User, DomainTeam, Operator];

    public static bool IsKnown(string? role) => role is User or DomainTeam or Operator;

    /// <summary>The role itself and every role it includes.</summary>
    public static IEnumerable<string> Granted(string role) => All.Take(IndexOf(role) + 1);

    static int IndexOf(string role) => All.ToList().IndexOf(role) is var i and >= 0 ? i : throw new ArgumentException($"unknown role '{role}'", nameof(role));
}
