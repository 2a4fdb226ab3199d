using System.Security.Cryptography;
using System.Text;

namespace DomainAssistant.Retrieval.Documents;

/// <summary>Derives chunk ids that stay the same across runs and machines.</summary>
public static class ChunkIds
{
    /// <summary>
    /// A UUID-shaped id hashed (SHA-256) from domain, document id, version and ordinal. UUID-shaped because
    /// Qdrant accepts only unsigned integers or UUIDs as point ids; the version nibble says "custom" (8, RFC 9562).
    /// </summary>
    public static string For(string domain, string documentId, string version, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentNullException.ThrowIfNull(version);
        // Unit separators keep ("a", "bc") and ("ab", "c") apart.
        var key = $"{domain}\u001f{documentId}\u001f{version}\u001f{ordinal}";
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true).ToString("D");
    }
}
