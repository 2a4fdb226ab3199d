using DomainAssistant.ServiceDefaults;

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
            var (hasKey, hasHash) = (!string.IsNullOrEmpty(key.Key), !string.IsNullOrEmpty(key.KeyHash));
            if (hasKey == hasHash) yield return $"Auth:Keys:{i} must set one of Key or KeyHash (the key's digest from `da keys new`)";
            if (hasKey && key.Key!.Length < 16) yield return $"Auth:Keys:{i}:Key must be at least 16 characters";
            if (hasHash && !ApiKeyDigest.TryParse(key.KeyHash, out _))
                yield return $"Auth:Keys:{i}:KeyHash must be \"{ApiKeyDigest.Prefix}\" followed by 64 hex digits (as `da keys new` prints it)";
            if (!Roles.IsKnown(key.Role)) yield return $"Auth:Keys:{i}:Role must be one of {string.Join(", ", Roles.All)} (got \"{key.Role}\")";
        }
        var duplicate = Keys.Where(k => k.TryDigest(out _)).GroupBy(k => Convert.ToHexString(k.Digest())).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) yield return $"Auth:Keys holds the same key twice ({string.Join(", ", duplicate.Select(k => k.Name))})";
        // A name may hold two keys while one replaces the other (rotation), never two roles.
        var twoRoles = Keys.GroupBy(k => k.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Select(k => k.Role).Distinct().Count() > 1);
        if (twoRoles is not null) yield return $"Auth:Keys gives \"{twoRoles.Key}\" two roles ({string.Join(", ", twoRoles.Select(k => k.Role).Distinct())})";
    }
}

/// <summary>One configured API key.</summary>
public sealed class ApiKeyEntry
{
    /// <summary>Who holds it (a team, a service); it becomes the caller's user id.</summary>
    public string Name { get; set; } = "";

    /// <summary>
    /// The secret the caller sends as <c>Authorization: Bearer KEY</c> or <c>X-Api-Key: KEY</c>; or leave it out and set
    /// <see cref="KeyHash"/>, so the configuration never holds the key.
    /// </summary>
    public string? Key { get; set; }

    /// <summary>The key's digest (<c>sha256:</c> and 64 hex digits, as `da keys new` prints it) instead of <see cref="Key"/>.</summary>
    public string? KeyHash { get; set; }

    /// <summary>
    /// When the key stops working (ISO 8601, e.g. 2027-01-31T00:00:00Z): while a key is rotated, the old one is given an
    /// end and its replacement added under the same name. Unset: no end.
    /// </summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>user, domain-team or operator.</summary>
    public string Role { get; set; } = Roles.User;

    /// <summary>The 32-byte digest the API compares presented keys against.</summary>
    /// <exception cref="InvalidOperationException">Neither a key nor a valid digest is set (Problems() says which).</exception>
    public byte[] Digest() => TryDigest(out var digest) ? digest : throw new InvalidOperationException($"API key \"{Name}\" has neither Key nor a valid KeyHash.");

    internal bool TryDigest(out byte[] digest)
    {
        if (!string.IsNullOrEmpty(Key)) { digest = ApiKeyDigest.Bytes(Key); return true; }
        return ApiKeyDigest.TryParse(KeyHash, out digest);
    }
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
