using DomainAssistant.ServiceDefaults.Bus;

namespace DomainAssistant.Jobs.Corpora;

/// <summary>
/// One re-embedding at a time per host: each run starts its target store from empty, so two runs at once would delete
/// each other's vectors, and one already embeds on every core it gets.
/// </summary>
public sealed class ReembedIndexConsumerDefinition() : OneAtATimeDefinition<ReembedIndexConsumer>("reembed-index");
