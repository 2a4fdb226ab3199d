using System.Globalization;
using DomainAssistant.Model;
using DomainAssistant.Model.Checkpoints;
using DomainAssistant.Model.Tokenization;

namespace DomainAssistant.Cli.Commands;

/// <summary>
/// What `da inspect` reports about a Hugging Face folder, read from config.json, the safetensors headers (no tensor
/// is read) and the tokenizer files: the same readers that load it for serving, so a refusal here is a refusal there.
/// </summary>
sealed record ModelInspection(
    string Family,
    string Architecture,
    long Parameters,
    string Dtype,
    long WeightBytes,
    int Context,
    string Attention,
    string Tokenizer,
    string Template,
    IReadOnlyDictionary<string, string> SpecialTokens,
    IReadOnlyList<int> StopTokenIds,
    IReadOnlyList<string> Ignored)
{
    public static ModelInspection Of(string folder)
    {
        var configPath = Path.Combine(folder, HuggingFaceConfig.FileName);
        if (!File.Exists(configPath)) throw new FileNotFoundException($"'{folder}' has no {HuggingFaceConfig.FileName}.", configPath);
        var config = HuggingFaceConfig.Read(configPath);
        var layout = new LlamaWeightLayout(config);
        using var weights = HuggingFaceFolder.OpenWeights(folder);
        layout.Validate(weights.Entries.Select(e => KeyValuePair.Create(e.Name, e.Shape)), weights.Path);
        var used = weights.Entries.Where(e => !layout.IsIgnored(e.Name)).ToList();
        var tokenizer = TokenizerLoader.Load(folder);
        tokenizer.EnsureMatches(config);

        var ignoredTensors = weights.Entries.Where(e => layout.IsIgnored(e.Name)).Select(e => $"tensor {e.Name}");
        var dtypes = string.Join(", ", used.Select(e => e.Dtype).Distinct());
        return new ModelInspection(
            Family: config.ModelType,
            Architecture: $"{config.NumHiddenLayers} layers, hidden {config.HiddenSize}, MLP {config.IntermediateSize}, vocab {config.VocabSize}{(config.TieWordEmbeddings ? ", tied embeddings" : "")}",
            Parameters: used.Sum(e => e.Shape.Aggregate(1L, (a, b) => a * b)),
            Dtype: $"{config.TorchDtype} (stored: {dtypes})",
            WeightBytes: used.Sum(e => e.ByteLength),
            Context: config.MaxPositionEmbeddings,
            Attention: DescribeAttention(config),
            Tokenizer: $"{Path.GetFileName(tokenizer.SourcePath)}: {tokenizer.Pipeline}"
                + (tokenizer.CleansUpTokenizationSpaces ? "; decoding cleans up tokenization spaces (tokenizer_config.json's clean_up_tokenization_spaces)" : ""),
            Template: (tokenizer.ChatTemplate is JinjaChatTemplate rendered
                ? $"{rendered.Name}, rendered from {TemplateOrigin(rendered)}"
                : $"{tokenizer.ChatTemplate.Name}, hand-written (no chat_template.jinja, and tokenizer_config.json has no chat_template)")
                + (tokenizer.ChatTemplate.AcceptsSystemRole ? "" : "; it refuses system messages, so the system prompt heads the first user turn"),
            SpecialTokens: SpecialTokenNames(tokenizer),
            // What a chat answer stops on: the model's stops (PretrainedModel.Load: EOS and generation_config.json's,
            // else config.json's) and the template's turn ends (TextGenerator.PrepareChat).
            StopTokenIds: [.. new[] { tokenizer.EosId }.OfType<int>().Concat(GenerationConfig.EosTokenIds(folder))
                .Concat(tokenizer.ChatTemplate.StopTokenIds).Distinct().Order()],
            Ignored: [.. HuggingFaceConfig.IgnoredFields(configPath).Select(f => $"config.json {f}"),
                .. TokenizerLoader.IgnoredConfigFields(folder).Select(f => $"tokenizer_config.json {f}"), .. ignoredTensors]);
    }

    static string TemplateOrigin(JinjaChatTemplate template) =>
        template.SourcePath is { } path && Path.GetFileName(path) == "chat_template.jinja" ? "chat_template.jinja" : "tokenizer_config.json's chat_template";

    static string DescribeAttention(LlamaConfig config)
    {
        var parts = new List<string>
        {
            $"{config.NumAttentionHeads} heads, {config.NumKeyValueHeads} kv heads, head_dim {config.HeadDim}",
            string.Create(CultureInfo.InvariantCulture, $"rope theta {config.RopeTheta}"),
        };
        if (config.RopeScaling is { } s)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"llama3 rope scaling (factor {s.Factor}, low {s.LowFreqFactor}, high {s.HighFreqFactor}, original context {s.OriginalMaxPositions})"));
        if (config.AttentionBias) parts.Add("q/k/v biases");
        if (config.QkNorm) parts.Add("q/k RMSNorm");
        return string.Join("; ", parts);
    }

    static Dictionary<string, string> SpecialTokenNames(ModelTokenizer tokenizer)
    {
        string? TextOf(int? id) => id is null ? null : tokenizer.SpecialTokens.FirstOrDefault(kv => kv.Value == id).Key;
        var names = new Dictionary<string, string>();
        if (tokenizer.BosId is int bos) names["bos"] = $"{TextOf(bos) ?? "?"} ({bos}){(tokenizer.AddsBos ? ", added when a prompt is encoded" : "")}";
        if (tokenizer.EosId is int eos) names["eos"] = $"{TextOf(eos) ?? "?"} ({eos})";
        names["added"] = tokenizer.SpecialTokens.Count.ToString(CultureInfo.InvariantCulture);
        return names;
    }

    /// <summary>The report as `da inspect` prints it without --json.</summary>
    public IEnumerable<string> Lines()
    {
        yield return $"family:         {Family}";
        yield return $"architecture:   {Architecture}";
        yield return string.Create(CultureInfo.InvariantCulture, $"parameters:     {Parameters:N0}");
        yield return $"dtype:          {Dtype}";
        yield return string.Create(CultureInfo.InvariantCulture, $"memory:         {WeightBytes / (1024.0 * 1024.0):F1} MiB of weights as stored");
        yield return $"context:        {Context} tokens";
        yield return $"attention:      {Attention}";
        yield return $"tokenizer:      {Tokenizer}";
        yield return $"template:       {Template}";
        yield return $"special tokens: {string.Join("; ", SpecialTokens.Select(kv => $"{kv.Key} {kv.Value}"))}; stop ids {string.Join(' ', StopTokenIds)}";
        yield return $"ignored:        {(Ignored.Count == 0 ? "nothing" : string.Join(", ", Ignored))}";
    }
}
