using DomainAssistant.ServiceDefaults.Bus;

namespace DomainAssistant.Api.Corpora;

/// <summary>
/// One durable queue shared by every API process (the rows live in the one jobs.db they share, so each report is
/// written once), one report at a time, in order: a late progress note must not overwrite the job's outcome.
/// </summary>
public sealed class CorpusJobReportsConsumerDefinition() : OneAtATimeDefinition<CorpusJobReportsConsumer>("corpus-job-reports");
