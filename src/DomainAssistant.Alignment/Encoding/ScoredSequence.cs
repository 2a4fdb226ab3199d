namespace DomainAssistant.Alignment.Encoding;

/// <summary>A prompt followed by one answer, as token ids: what a reward model scores and a policy assigns a probability.</summary>
/// <param name="Ids">Prompt ids then answer ids (answer end token included).</param>
/// <param name="PromptLength">How many of <paramref name="Ids"/> are prompt; the rest is the answer.</param>
public sealed record ScoredSequence(int[] Ids, int PromptLength)
{
    public int Length => Ids.Length;

    public int ResponseLength => Ids.Length - PromptLength;
}
