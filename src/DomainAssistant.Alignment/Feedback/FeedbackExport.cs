using System.Runtime.CompilerServices;
using DomainAssistant.Contracts;
using DomainAssistant.Feedback;
using DomainAssistant.Feedback.Filing;
using DomainAssistant.ServiceDefaults;
namespace DomainAssistant.Alignment.Feedback;

/// <summary>
/// Writes filed feedback (the inbox where the FeedbackSubmitted consumer files each vote once) as a
/// <see cref="FeedbackFile"/>, in filing order, so the votes move to other tools and every <c>da align</c> command
/// reads one format. Alignment runs export from their host's registered inbox (SQLite or the shared PostgreSQL
/// database); the data-directory overloads, for <c>da feedback export</c>, read the embedded mode's
/// <c>Storage:DataDirectory</c>/training-examples.db.
/// </summary>
public static class FeedbackExport
{
    const int Page = 500;

    /// <summary>What an export wrote.</summary>
    /// <param name="Votes">Lines written.</param>
    /// <param name="Database">The inbox read (its file, or the shared database).</param>
    /// <param name="FirstSequence">Filing sequence of the first vote, null when there was none.</param>
    /// <param name="LastSequence">Filing sequence of the last vote.</param>
    public sealed record Result(int Votes, string Database, long? FirstSequence, long? LastSequence);

    /// <param name="dataDirectory">The host's data directory.</param>
    /// <param name="outputFile">The JSON lines file to write (replaced).</param>
    /// <param name="afterSequence">Only votes filed after this sequence (0: all), for incremental exports.</param>
    /// <param name="cancellationToken">Stops between pages.</param>
    public static Task<Result> ExportAsync(string dataDirectory, string outputFile, long afterSequence = 0, CancellationToken cancellationToken = default) =>
        ExportAsync(dataDirectory, outputFile, null, afterSequence, cancellationToken);

    /// <param name="dataDirectory">The host's data directory.</param>
    /// <param name="outputFile">The JSON lines file to write (replaced).</param>
    /// <param name="domain">Only votes on this domain's answers (null: every domain's), as an alignment run of one domain needs.</param>
    /// <param name="afterSequence">Only votes filed after this sequence (0: all), for incremental exports.</param>
    /// <param name="cancellationToken">Stops between pages.</param>
    public static Task<Result> ExportAsync(string dataDirectory, string outputFile, string? domain, long afterSequence = 0,
        CancellationToken cancellationToken = default)
    {
        var database = new StorageOptions { DataDirectory = dataDirectory }.TrainingExamplesDatabase;
        // The inbox creates a missing file; a typo in --data must not produce an empty export instead of an error.
        if (!File.Exists(database))
            throw new FileNotFoundException($"no filed feedback in '{dataDirectory}': {Path.GetFileName(database)} not found (Storage:DataDirectory of the host).", database);
        var inbox = new SqliteFeedbackInbox(database);
        return ExportAsync(inbox, inbox.DatabasePath, outputFile, domain, afterSequence, cancellationToken: cancellationToken);
    }

    /// <summary>Exports from <paramref name="inbox"/>, whichever engine keeps it (a host's registered inbox).</summary>
    /// <param name="inbox">The filed feedback.</param>
    /// <param name="inboxName">How <see cref="Result.Database"/> names the inbox (its file, or the shared database).</param>
    /// <param name="outputFile">The JSON lines file to write (replaced).</param>
    /// <param name="domain">Only votes on this domain's answers (null: every domain's).</param>
    /// <param name="afterSequence">Only votes filed after this sequence (0: all), for incremental exports.</param>
    /// <param name="newest">Only the last this many of those votes, in filing order, held in memory until the inbox's end
    /// (an alignment run's bound); null: all of them, written page by page as they are read.</param>
    /// <param name="cancellationToken">Stops between pages.</param>
    public static async Task<Result> ExportAsync(IFeedbackInbox inbox, string inboxName, string outputFile, string? domain, long afterSequence = 0,
        int? newest = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inbox);
        if (newest is < 1) throw new ArgumentOutOfRangeException(nameof(newest), newest, "an export keeps at least one vote");
        var votes = Votes(inbox, domain, afterSequence, cancellationToken);
        var written = new Tally();
        await FeedbackFile.WriteAsync(outputFile, written.Count(newest is { } n ? Newest(votes, n) : votes), cancellationToken);
        return new Result(written.Votes, inboxName, written.FirstSequence, written.LastSequence);
    }

    // The inbox's votes in filing order, a page at a time.
    static async IAsyncEnumerable<FeedbackVote> Votes(IFeedbackInbox inbox, string? domain, long afterSequence,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var after = afterSequence; ;)
        {
            var page = await inbox.ReadAsync(after, Page, cancellationToken);
            foreach (var filed in page.Where(f => domain is null || f.Feedback.Domain == domain)) yield return ToVote(filed);
            if (page.Count < Page) yield break;
            after = page[^1].Sequence;
        }
    }

    // The last `newest` of the votes, in order: no more than that many held at once.
    static async IAsyncEnumerable<FeedbackVote> Newest(IAsyncEnumerable<FeedbackVote> votes, int newest)
    {
        var window = new Queue<FeedbackVote>(Math.Min(newest, Page));
        await foreach (var vote in votes)
        {
            if (window.Count == newest) window.Dequeue();
            window.Enqueue(vote);
        }
        foreach (var vote in window) yield return vote;
    }

    // What went into the file, counted as it is written.
    sealed class Tally
    {
        public int Votes { get; private set; }

        public long? FirstSequence { get; private set; }

        public long? LastSequence { get; private set; }

        public async IAsyncEnumerable<FeedbackVote> Count(IAsyncEnumerable<FeedbackVote> votes)
        {
            await foreach (var vote in votes)
            {
                Votes++;
                FirstSequence ??= vote.Sequence;
                LastSequence = vote.Sequence;
                yield return vote;
            }
        }
    }

    /// <summary>
    /// What an earlier export wrote to <paramref name="file"/>: its votes and the filing sequences they span, read back
    /// so that a resumed run keeps the feedback its first attempt trained on.
    /// </summary>
    public static Result Describe(string file, string inboxName)
    {
        var votes = FeedbackFile.Read(file);
        return new Result(votes.Count, inboxName, votes.Count == 0 ? null : votes.Min(v => v.Sequence), votes.Count == 0 ? null : votes.Max(v => v.Sequence));
    }

    /// <summary>
    /// A filed feedback as a vote, with the rating user (null for anonymous callers and feedback filed before the host
    /// recorded users) and the chunk ids cited with the answer.
    /// </summary>
    public static FeedbackVote ToVote(FiledFeedback filed)
    {
        ArgumentNullException.ThrowIfNull(filed);
        var f = filed.Feedback;
        return new FeedbackVote
        {
            Prompt = f.Prompt, Response = f.Response, IsUp = f.Rating == FeedbackRating.Up, Reason = f.Reason, Tags = f.Tags,
            AdapterChecksum = f.AdapterChecksum, Adapter = f.Adapter, Variant = f.Variant, MessageId = f.MessageId.ToString("D"),
            FeedbackId = f.FeedbackId.ToString("D"), Sequence = filed.Sequence, At = f.At, RetrievedChunkIds = f.RetrievedChunkIds,
            User = f.User, Citations = f.CitedChunkIds,
        };
    }
}
