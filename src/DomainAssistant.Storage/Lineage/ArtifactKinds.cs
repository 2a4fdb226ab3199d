namespace DomainAssistant.Storage.Lineage;

/// <summary>The names <see cref="ArtifactKind"/> is written with.</summary>
public static class ArtifactKinds
{
    /// <summary>The name in JSON and in the ledger, e.g. "base_model".</summary>
    public static string Name(this ArtifactKind kind) => kind switch
    {
        ArtifactKind.CorpusVersion => "corpus_version",
        ArtifactKind.Dataset => "dataset",
        ArtifactKind.BaseModel => "base_model",
        ArtifactKind.Adapter => "adapter",
        ArtifactKind.RewardModel => "reward_model",
        ArtifactKind.GateVerdict => "gate_verdict",
        ArtifactKind.Experiment => "experiment",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an artifact kind"),
    };

    /// <summary>The kind a name stands for.</summary>
    /// <exception cref="InvalidDataException">No kind has that name.</exception>
    public static ArtifactKind Parse(string name)
    {
        foreach (var kind in Enum.GetValues<ArtifactKind>())
            if (kind.Name() == name) return kind;
        throw new InvalidDataException($"'{name}' is not an artifact kind ({string.Join(", ", Enum.GetValues<ArtifactKind>().Select(k => k.Name()))}).");
    }
}
