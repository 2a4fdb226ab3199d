using DomainAssistant.Model;
using static TorchSharp.torch;

namespace DomainAssistant.Training.Data;

/// <summary>
/// Picks the token that ends a trained response when the chat template writes no turn-end token of its own: a stop
/// token of the model that its output layer can tell apart from every other token.
/// </summary>
/// <remarks>
/// A LoRA adapter cannot change the output embedding, so it can only teach a token whose head row is distinct. Base
/// models that never emitted their EOS in pretraining (llama2.c's TinyStories models delimit stories with BOS) have an
/// EOS row identical to other unused rows: training towards it raises all of them alike and greedy decoding picks
/// another. Candidates are tried in order: the tokenizer's EOS, config.json's eos_token_id, then the other stop tokens
/// (generation_config.json's, e.g. BOS for llama2.c conversions); the first distinct one wins.
/// </remarks>
public static class ResponseEnd
{
    public static int? Choose(PretrainedModel pretrained)
    {
        ArgumentNullException.ThrowIfNull(pretrained);
        var model = pretrained.Model;
        int?[] preferred = [pretrained.Tokenizer.EosId, model.Config.EosTokenId];
        var candidates = preferred.OfType<int>().Concat(pretrained.StopTokens.Order()).Distinct().Where(id => id >= 0 && id < model.Config.VocabSize).ToList();
        using var noGrad = no_grad();
        var head = model.named_parameters().First(p => p.name == (model.Config.TieWordEmbeddings ? "model.embed_tokens.weight" : "lm_head.weight")).parameter;
        foreach (var id in candidates)
            if (IsDistinct(head, id)) return id;
        return candidates.Count > 0 ? candidates[0] : null;
    }

    /// <summary>
    /// Whether row <paramref name="id"/> of <paramref name="head"/> [vocab, hidden] is at least 5% of its norm away from
    /// every other row. Untrained rows differ only by noise (about 0.01% in stories260K), trained ones by their norm.
    /// </summary>
    static bool IsDistinct(Tensor head, int id)
    {
        using var scope = NewDisposeScope();
        var rows = head.to_type(ScalarType.Float32);
        var row = rows[id];
        var offsets = rows.sub(row);
        var distances = offsets.mul(offsets).sum(1).sqrt(); // [vocab] L2 distance of every row to this one
        distances[id] = float.PositiveInfinity;
        return distances.min().item<float>() > 0.05f * row.mul(row).sum().sqrt().item<float>();
    }
}
