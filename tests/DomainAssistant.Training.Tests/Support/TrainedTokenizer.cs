using DomainAssistant.Training.Tokenizers;
using Microsoft.ML.Tokenizers;

namespace DomainAssistant.Training.Tests.Support;

/// <summary>
/// One vocabulary trained on <see cref="SampleCorpus"/>, saved as a Hugging Face folder and loaded back through
/// Microsoft.ML.Tokenizers; shared by the tests of a class because training is the slow part.
/// </summary>
public sealed class TrainedTokenizer : IDisposable
{
    public const int VocabularySize = 700;

    readonly TempFolder folder = new();

    public TrainedTokenizer()
    {
        Vocabulary = new BpeTrainer(new BpeTrainerOptions { VocabularySize = VocabularySize }).Train([SampleCorpus.Text(3000)]);
        HuggingFaceTokenizerFolder.Save(Vocabulary, folder.Path);
        Library = LibraryBpeLoader.Load(folder.Path);
    }

    public BpeVocabulary Vocabulary { get; }

    /// <summary>The saved folder as Microsoft.ML.Tokenizers loads it.</summary>
    public BpeTokenizer Library { get; }

    public string Folder => folder.Path;

    public void Dispose() => folder.Dispose();
}
