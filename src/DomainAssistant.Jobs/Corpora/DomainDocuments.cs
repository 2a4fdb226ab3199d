using DomainAssistant.Retrieval.Documents;
using DomainAssistant.Retrieval.Ingestion;

namespace DomainAssistant.Jobs.Corpora;

/// <summary>
/// What a domain's retrieval index holds: the documents of its corpus folder plus those of its newest uploaded
/// version (<see cref="UploadedVersions"/>), the uploaded ones with ids and citation paths under
/// <see cref="UploadedPrefix"/> so the two never collide. Read when an ingestion runs, never earlier.
/// </summary>
public static class DomainDocuments
{
    /// <summary>Document ids (and citation paths) of uploaded documents start with this.</summary>
    public const string UploadedPrefix = "uploads/";

    /// <exception cref="DirectoryNotFoundException">The corpus folder does not exist (an empty list would empty the domain's index).</exception>
    public static async Task<IReadOnlyList<SourceDocument>> LoadAsync(string domain, string corpusFolder, string uploadsFolder, CancellationToken cancellationToken)
    {
        var documents = new List<SourceDocument>();
        foreach (var path in DocumentLoader.FindFiles(corpusFolder))
            documents.Add(await DocumentLoader.LoadAsync(path, domain, corpusFolder, cancellationToken));
        if (UploadedVersions.NewestDocuments(uploadsFolder) is { } uploaded)
        {
            foreach (var path in DocumentLoader.FindFiles(uploaded))
            {
                var document = await DocumentLoader.LoadAsync(path, domain, uploaded, cancellationToken);
                documents.Add(document with { Id = UploadedPrefix + document.Id, Path = UploadedPrefix + document.Path });
            }
        }
        return documents;
    }
}
