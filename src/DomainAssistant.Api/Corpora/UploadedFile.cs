using System.Security.Cryptography;

namespace DomainAssistant.Api.Corpora;

/// <summary>One file of an upload, read whole (uploads are capped at <c>Uploads:MaxBytes</c>) and checked.</summary>
/// <param name="Name">The file name as stored (no folders).</param>
/// <param name="Kind">Document or Q/A pairs.</param>
/// <param name="Content">The bytes as uploaded.</param>
/// <param name="QaPairs">For Q/A files, the number of pairs; 0 for documents.</param>
public sealed record UploadedFile(string Name, CorpusFileKind Kind, byte[] Content, int QaPairs)
{
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Content));
}
