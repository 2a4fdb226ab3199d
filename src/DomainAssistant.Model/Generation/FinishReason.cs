namespace DomainAssistant.Model.Generation;

/// <summary>Why a sequence stopped, in OpenAI's vocabulary.</summary>
public enum FinishReason
{
    /// <summary>A stop token or stop string ended it.</summary>
    Stop,

    /// <summary>It reached its token limit or the context window.</summary>
    Length,
}
