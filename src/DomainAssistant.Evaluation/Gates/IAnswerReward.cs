namespace DomainAssistant.Evaluation.Gates;

/// <summary>
/// The domain's reward model as a gate asks it: a score for each answer to its prompt, higher for the answer users
/// would prefer. The gate compares the candidate's and the baseline's answers to the same prompt with it.
/// </summary>
public interface IAnswerReward
{
    /// <summary>Checksum of the reward model's files, named in the verdict's reasons so a result can be traced to it.</summary>
    string Sha256 { get; }

    /// <summary>One score per answer, in order.</summary>
    /// <param name="answers">The prompt's ids as the model is fed them, and the answer's ids.</param>
    IReadOnlyList<double> Score(IReadOnlyList<(IReadOnlyList<int> Prompt, IReadOnlyList<int> Answer)> answers);
}
