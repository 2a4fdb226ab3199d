using System.ComponentModel;
using DomainAssistant.Retrieval.Ranking;
using Microsoft.SemanticKernel;

namespace DomainAssistant.Api.Chat;

/// <summary>
/// Retrieval as a Semantic Kernel plugin, offered to clients that build on the host's kernel: <c>retrieval.search</c>
/// runs the same retriever as the chat path, so their prompts, planners and filters see what the assistant sees.
/// </summary>
public sealed class RetrievalPlugin(IRetriever retriever)
{
    /// <summary>The plugin's name in the kernel.</summary>
    public const string PluginName = "retrieval";

    /// <summary>The search function's name.</summary>
    public const string SearchFunction = "search";

    [KernelFunction(SearchFunction)]
    [Description("Finds the passages of a domain's documents that best answer a question, best first.")]
    public Task<IReadOnlyList<RetrievedChunk>> SearchAsync(
        [Description("The user's question, as typed")] string question,
        [Description("The domain whose documents are searched")] string domain,
        [Description("How many passages at most")] int count,
        CancellationToken cancellationToken = default) =>
        retriever.RetrieveAsync(question, domain, count, cancellationToken);
}
