using System.Text.Json;
using DomainAssistant.Jobs.Corpora;

namespace DomainAssistant.Api.Corpora;

/// <summary>
/// manifest.json of one stored corpus version: what it holds (every file with size and SHA-256, and the version
/// that first brought it), who uploaded it and when. Written before the version becomes visible, never changed after.
/// </summary>
/// <param name="Domain">The domain the corpus belongs to.</param>
/// <param name="Version">1, 2, ... per domain.</param>
/// <param name="CreatedAt">When the version was stored.</param>
/// <param name="UploadedBy">The uploader's id (<c>key:NAME</c> for an API key).</param>
/// <param name="Mode">"add" (previous files carried over) or "replace".</param>
/// <param name="BasedOn">The version the files were carried over from; null for the first or a replacing version.</param>
/// <param name="Files">Every file of the version, by path.</param>
public sealed record CorpusManifest(string Domain, int Version, DateTimeOffset CreatedAt, string? UploadedBy, string Mode, int? BasedOn,
    IReadOnlyList<CorpusManifestFile> Files)
{
    public const string FileName = UploadedVersions.ManifestFileName;

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Question/answer pairs over all Q/A files (SFT examples).</summary>
    public int QaPairs => Files.Sum(f => f.QaPairs);

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <exception cref="InvalidDataException">The file is not a manifest; the message names it.</exception>
    public static CorpusManifest Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<CorpusManifest>(File.ReadAllBytes(path), Json) ?? throw new InvalidDataException($"{path}: the manifest is null.");
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"{path}: not a corpus manifest ({error.Message}).", error);
        }
    }
}

/// <summary>One file of a corpus version.</summary>
/// <param name="Name">The file name.</param>
/// <param name="Kind">Document (retrieval) or Q/A pairs (SFT).</param>
/// <param name="Path">Where it is inside the version folder ("documents/x.md", "qa/y.jsonl").</param>
/// <param name="Bytes">Its size.</param>
/// <param name="Sha256">SHA-256 of its bytes, hex.</param>
/// <param name="QaPairs">Question/answer pairs in it (0 for documents).</param>
/// <param name="AddedInVersion">The version whose upload brought these bytes.</param>
public sealed record CorpusManifestFile(string Name, CorpusFileKind Kind, string Path, long Bytes, string Sha256, int QaPairs, int AddedInVersion);
