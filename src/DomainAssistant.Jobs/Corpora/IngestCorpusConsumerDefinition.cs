using DomainAssistant.ServiceDefaults.Bus;

namespace DomainAssistant.Jobs.Corpora;

/// <summary>
/// One ingestion at a time per host, as before the bus: a run embeds on every core it gets, and two runs of one domain
/// would write its vector file at once. Order does not matter: each run reads the domain's newest version.
/// </summary>
public sealed class IngestCorpusConsumerDefinition() : OneAtATimeDefinition<IngestCorpusConsumer>("ingest-corpus");
