namespace DomainAssistant.Contracts;

/// <summary>
/// Starts the offline gate of a registered adapter: its domain's gate suite run against the adapter in production,
/// the verdict stored with the candidate's checksum in the shared data folder. Answered by <see cref="JobProgressed"/>
/// notes, then <see cref="AdapterGated"/> (the gate ran, pass or fail) or <see cref="JobFailed"/> (it could not run).
/// </summary>
/// <param name="JobId">Names this run; every report about it carries the same id.</param>
/// <param name="AdapterId">The registry's id of the candidate.</param>
/// <param name="Domain">The domain whose suite judges it.</param>
/// <param name="SuitePath">The gate suite file (eval-suites/{domain}/gate.json).</param>
/// <param name="BaseModel">The base model both adapters run on (a checkpoint folder or .bin).</param>
/// <param name="CandidateFolder">The candidate's PEFT folder.</param>
/// <param name="CandidateSha256">The checksum the registry holds for it; a file that no longer has it is not judged.</param>
/// <param name="BaselineFolder">The production adapter's PEFT folder; null when production serves the base alone.</param>
public sealed record GateAdapter(Guid JobId, string AdapterId, string Domain, string SuitePath, string BaseModel, string CandidateFolder,
    string CandidateSha256, string? BaselineFolder);
