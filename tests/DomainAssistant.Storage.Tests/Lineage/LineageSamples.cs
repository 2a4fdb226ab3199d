using System.Security.Cryptography;
using System.Text;
using DomainAssistant.Storage.Lineage;

namespace DomainAssistant.Storage.Tests.Lineage;

/// <summary>Checksums and records the lineage tests share.</summary>
internal static class LineageSamples
{
    /// <summary>A stand-in checksum: the SHA-256 of a name.</summary>
    public static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public sealed record Details(string Method, int Steps, string StopReason);

    public static LineageRecord Adapter(string name, params LineageLink[] parents) =>
        LineageRecord.Of(ArtifactKind.Adapter, Sha(name), $"/models/{name}", parents, "da train sft", new Details("lora-sft", 12, "schedule"));
}
