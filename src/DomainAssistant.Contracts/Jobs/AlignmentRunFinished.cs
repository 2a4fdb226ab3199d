namespace DomainAssistant.Contracts;

/// <summary>
/// An alignment run (<see cref="StartAlignmentRun"/>) trained its adapter and gated it: where the adapter is and the
/// gate's verdict. A failed gate is a finished run: the adapter is kept (with its lineage and the report) but no
/// rollout may take it (the verdict store says why).
/// </summary>
/// <param name="JobId">The run.</param>
/// <param name="Domain">The domain.</param>
/// <param name="Method">"rloo" or "kto".</param>
/// <param name="AdapterFolder">The new PEFT adapter (lineage.json beside it).</param>
/// <param name="AdapterSha256">SHA-256 of its adapter_model.safetensors, the key of its gate verdict.</param>
/// <param name="Verdict">"pass" or "fail".</param>
/// <param name="FailedMetrics">"metric: reason" for each metric that failed; empty on pass.</param>
/// <param name="ReportPath">The gate's report (report.md).</param>
/// <param name="Votes">Filed votes of the domain the run learned from.</param>
/// <param name="FirstSequence">Filing sequence of the first of them.</param>
/// <param name="LastSequence">Filing sequence of the last of them.</param>
public sealed record AlignmentRunFinished(Guid JobId, string Domain, string Method, string AdapterFolder, string AdapterSha256, string Verdict,
    IReadOnlyList<string> FailedMetrics, string ReportPath, int Votes, long? FirstSequence, long? LastSequence);
