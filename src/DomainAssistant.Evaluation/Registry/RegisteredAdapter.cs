namespace DomainAssistant.Evaluation.Registry;

/// <summary>
/// An adapter the registry keeps: its PEFT folder, bound by the SHA-256 of its weights file to the gate verdicts
/// judged on that exact file.
/// </summary>
/// <param name="Id">The registry's name for it (what experiments and flag variants use).</param>
/// <param name="Domain">The domain whose base model it runs on.</param>
/// <param name="Sha256">SHA-256 of adapter_model.safetensors as registered.</param>
/// <param name="Folder">The PEFT folder (absolute).</param>
/// <param name="Parents">Registry ids of the adapters it was trained from, oldest first.</param>
/// <param name="Lineage">The lineage.json that came with it (training's record), or null.</param>
/// <param name="CreatedAt">When it was registered.</param>
/// <param name="RegisteredBy">Who registered it.</param>
public sealed record RegisteredAdapter(string Id, string Domain, string Sha256, string Folder, IReadOnlyList<string> Parents, string? Lineage,
    DateTimeOffset CreatedAt, string RegisteredBy);
