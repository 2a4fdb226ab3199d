namespace DomainAssistant.Contracts;

/// <summary>
/// Starts the ingestion of a domain's corpus into the retrieval index: the documents of its corpus folder plus those
/// of its newest uploaded version, found when the job runs (so a job delivered late never brings back an older
/// version); new and changed documents are indexed, unchanged ones skipped, and documents gone from both are removed.
/// Sent for an upload and for a reindex request; answered by <see cref="JobProgressed"/> notes (documents done of
/// all), then <see cref="CorpusIngested"/> or <see cref="JobFailed"/>. Running it twice changes nothing the second time.
/// </summary>
/// <param name="JobId">Names this run; every report about it carries the same id.</param>
/// <param name="Domain">The domain's name.</param>
/// <param name="CorpusFolder">The domain's corpus folder, as the sender found it; both hosts see the same files.</param>
/// <param name="UploadsFolder">The folder of the domain's uploaded versions (v1, v2, ...) under the shared data folder; it may not exist yet.</param>
public sealed record IngestCorpus(Guid JobId, string Domain, string CorpusFolder, string UploadsFolder);
