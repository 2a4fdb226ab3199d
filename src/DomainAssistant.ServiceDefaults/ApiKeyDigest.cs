using System.Security.Cryptography;
using System.Text;

namespace DomainAssistant.ServiceDefaults;

/// <summary>
/// How an API key is kept in configuration without the key itself: <c>sha256:</c> and the SHA-256 of its UTF-8 bytes
/// in hex. `da keys new` writes it; the API compares presented keys against it. A plain hash is enough because keys are
/// 32 random bytes, not passwords: there is nothing to guess from a leaked digest.
/// </summary>
public static class ApiKeyDigest
{
    public const string Prefix = "sha256:";

    /// <summary>The configuration form of <paramref name="key"/>.</summary>
    public static string Of(string key) => Prefix + Convert.ToHexStringLower(Bytes(key));

    /// <summary>The 32-byte digest of <paramref name="key"/>, as the API compares it.</summary>
    public static byte[] Bytes(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }

    /// <summary>Reads a <c>sha256:</c> digest; false when <paramref name="text"/> is not one.</summary>
    public static bool TryParse(string? text, out byte[] digest)
    {
        digest = [];
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var hex = text[Prefix.Length..];
        if (hex.Length != 64 || !hex.All(Uri.IsHexDigit)) return false;
        digest = Convert.FromHexString(hex);
        return true;
    }

    /// <summary>A fresh key: "da_" and 32 random bytes, base64url.</summary>
    public static string NewKey() =>
        "da_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
