using DomainAssistant.Alignment.Feedback;
using DomainAssistant.Alignment.Lineage;
using DomainAssistant.Training.Data;

namespace DomainAssistant.Alignment.Preferences;

/// <summary>
/// A feedback file read and made fit to learn from, with the file's path and checksum kept: a trainer gets the votes
/// loaded, and lineage still names the file they came from.
/// </summary>
/// <param name="Preferences">The votes and pairs kept by the filters.</param>
/// <param name="Path">The file as given (messages name it so).</param>
/// <param name="Sha256">The file's SHA-256.</param>
public sealed record FeedbackPreferences(PreferenceSet Preferences, string Path, string Sha256)
{
    /// <summary>Reads <paramref name="path"/> (<see cref="FeedbackFile"/>) and applies the filters of <paramref name="options"/>.</summary>
    public static FeedbackPreferences Read(string path, PreferenceOptions options) =>
        new(PreferenceSet.Build(FeedbackFile.Read(path), options), path, DatasetFiles.FileSha256(path));

    /// <summary>The feedback as lineage.json records it: the full path, checksum and what the filters made of it.</summary>
    public FeedbackLineage Lineage => new(System.IO.Path.GetFullPath(Path), Sha256, Preferences.Summary);
}
