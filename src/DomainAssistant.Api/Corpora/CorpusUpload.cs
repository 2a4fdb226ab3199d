namespace DomainAssistant.Api.Corpora;

/// <summary>How a new corpus version relates to the one before it.</summary>
public enum CorpusUploadMode
{
    /// <summary>The new version holds the previous version's files plus the uploaded ones (same name: the upload wins). The default.</summary>
    Add,

    /// <summary>The new version holds only the uploaded files; documents of earlier uploads leave the index.</summary>
    Replace,
}

/// <summary>A read and checked upload: its files and how they combine with the domain's previous corpus version.</summary>
public sealed record CorpusUpload(IReadOnlyList<UploadedFile> Files, CorpusUploadMode Mode);
