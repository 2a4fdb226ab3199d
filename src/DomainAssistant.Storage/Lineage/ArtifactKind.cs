using System.Text.Json.Serialization;

namespace DomainAssistant.Storage.Lineage;

/// <summary>What an artifact of the loop is. Written in JSON and in the ledger as the lower-case snake_case name.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ArtifactKind>))]
public enum ArtifactKind
{
    /// <summary>A domain's corpus (or a version of it) as uploaded: the documents and Q/A pairs.</summary>
    [JsonStringEnumMemberName("corpus_version")] CorpusVersion,

    /// <summary>Training data laid out from a corpus or exported from feedback (a JSON Lines file or folder).</summary>
    [JsonStringEnumMemberName("dataset")] Dataset,

    /// <summary>A whole model (pretrained, or every weight tuned): what adapters are trained over.</summary>
    [JsonStringEnumMemberName("base_model")] BaseModel,

    /// <summary>A LoRA adapter (PEFT folder) over a base model.</summary>
    [JsonStringEnumMemberName("adapter")] Adapter,

    /// <summary>A reward model (adapter and scalar head) trained from thumbs.</summary>
    [JsonStringEnumMemberName("reward_model")] RewardModel,

    /// <summary>An offline gate's verdict on a candidate adapter.</summary>
    [JsonStringEnumMemberName("gate_verdict")] GateVerdict,

    /// <summary>An A/B experiment of adapters.</summary>
    [JsonStringEnumMemberName("experiment")] Experiment,
}
