using DomainAssistant.Retrieval.Chunking;
using DomainAssistant.Retrieval.Documents;

namespace DomainAssistant.Retrieval.Tests.Support;

/// <summary>A small inline corpus about running a service: each document has one clear topic.</summary>
public static class Corpus
{
    public const string Domain = "ops";

    public static readonly SourceDocument Backups = Doc("backups.md", "Backups",
        "# Backups\n\nThe database is backed up every night at 02:00 to object storage. Backups are kept for 30 days. " +
        "To restore a backup, stop the service, download the snapshot and run the restore command.");

    public static readonly SourceDocument Certificates = Doc("tls.md", "TLS certificates",
        "# TLS certificates\n\nCertificates are renewed automatically 14 days before they expire. " +
        "If renewal fails, the on-call engineer receives an alert and can renew the certificate by hand.");

    public static readonly SourceDocument Scaling = Doc("scaling.md", "Scaling",
        "# Scaling\n\nThe web tier scales out when CPU stays above 70 percent for five minutes. " +
        "Workers scale with the length of the job queue; each worker handles four jobs at a time.");

    public static readonly SourceDocument Onboarding = Doc("onboarding.md", "Onboarding",
        "# Onboarding\n\nNew engineers get access to the dashboards on their first day and join the on-call rotation after a month.");

    public static IReadOnlyList<SourceDocument> All => [Backups, Certificates, Scaling, Onboarding];

    public static SourceDocument Doc(string id, string title, string text, string domain = Domain, string version = "v1") =>
        new(id, domain, "corpus/" + id, title, text, version);

    public static TextChunker Chunker(int maxTokens = 64, int overlapTokens = 8) =>
        new(new ApproximateTokenCounter(), new ChunkingOptions { MaxTokens = maxTokens, OverlapTokens = overlapTokens });
}
