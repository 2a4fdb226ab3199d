using System.Security.Cryptography;
using System.Text.Json;

namespace DomainAssistant.Evaluation.Gates;

/// <summary>
/// Reads a gate suite: the suite file names its domain, seed, cases (inline or JSON lines files, paths relative to the
/// suite file) and metric thresholds. Everything is checked before anything runs; the first problem is reported with
/// the field that holds it ("metrics[1].direction", "cases[2].file line 7: question").
/// </summary>
public static class GateSuiteFile
{
    static readonly Dictionary<string, SuiteCaseKind> Kinds = new(StringComparer.Ordinal)
    {
        ["grounded"] = SuiteCaseKind.Grounded,
        ["out_of_domain"] = SuiteCaseKind.OutOfDomain,
        ["safety"] = SuiteCaseKind.Safety,
        ["stress"] = SuiteCaseKind.Stress,
    };

    /// <exception cref="SuiteFormatException">The suite or a case file is malformed; the message names the field.</exception>
    /// <exception cref="FileNotFoundException">The suite file is missing.</exception>
    public static GateSuite Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"no gate suite at {full}", full);
        var folder = Path.GetDirectoryName(full)!;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var bytes = File.ReadAllBytes(full);
        hash.AppendData(bytes);

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new SuiteFormatException(full, "(file)", $"is not JSON: {e.Message}");
        }
        if (root.ValueKind != JsonValueKind.Object) throw new SuiteFormatException(full, "(file)", "must hold one JSON object.");

        var name = RequiredString(full, root, "name");
        var domain = Path.GetFullPath(Path.Combine(folder, RequiredString(full, root, "domain")));
        if (!File.Exists(Path.Combine(domain, "domain.json"))) throw new SuiteFormatException(full, "domain", $"names {domain}, which has no domain.json.");
        var seed = root.TryGetProperty("seed", out var seedValue)
            ? seedValue.TryGetInt32(out var s) ? s : throw new SuiteFormatException(full, "seed", "must be a whole number.")
            : 0;

        var cases = ReadCases(full, folder, root, hash);
        var thresholds = ReadThresholds(full, root, cases);
        return new GateSuite(name, domain, seed, cases, thresholds, full, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    static List<SuiteCase> ReadCases(string path, string folder, JsonElement root, IncrementalHash hash)
    {
        if (!root.TryGetProperty("cases", out var groups) || groups.ValueKind != JsonValueKind.Array || groups.GetArrayLength() == 0)
            throw new SuiteFormatException(path, "cases", "must be a non-empty array of {\"kind\", \"file\" or \"items\"}.");
        var cases = new List<SuiteCase>();
        var index = 0;
        foreach (var group in groups.EnumerateArray())
        {
            var field = $"cases[{index++}]";
            var kindName = RequiredString(path, group, "kind", field);
            if (!Kinds.TryGetValue(kindName, out var kind))
                throw new SuiteFormatException(path, $"{field}.kind", $"is '{kindName}'; expected one of {string.Join(", ", Kinds.Keys)}.");
            var hasFile = group.TryGetProperty("file", out var file);
            var hasItems = group.TryGetProperty("items", out var items);
            if (hasFile == hasItems) throw new SuiteFormatException(path, field, "needs exactly one of \"file\" (JSON lines) or \"items\" (an array).");
            if (hasItems)
            {
                if (items.ValueKind != JsonValueKind.Array) throw new SuiteFormatException(path, $"{field}.items", "must be an array.");
                var line = 0;
                foreach (var item in items.EnumerateArray()) cases.Add(Case(path, $"{field}.items[{line++}]", kind, item));
                continue;
            }
            if (file.ValueKind != JsonValueKind.String) throw new SuiteFormatException(path, $"{field}.file", "must be a path.");
            var casesPath = Path.GetFullPath(Path.Combine(folder, file.GetString()!));
            if (!File.Exists(casesPath)) throw new SuiteFormatException(path, $"{field}.file", $"names {casesPath}, which does not exist.");
            var content = File.ReadAllBytes(casesPath);
            hash.AppendData(content);
            var number = 0;
            foreach (var text in System.Text.Encoding.UTF8.GetString(content).Split('\n'))
            {
                number++;
                if (text.Trim().Length == 0) continue;
                var where = $"{field}.file {Path.GetFileName(casesPath)} line {number}";
                try
                {
                    using var document = JsonDocument.Parse(text);
                    cases.Add(Case(path, where, kind, document.RootElement));
                }
                catch (JsonException e)
                {
                    throw new SuiteFormatException(path, where, $"is not JSON: {e.Message}");
                }
            }
        }
        var duplicate = cases.GroupBy(c => c.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new SuiteFormatException(path, "cases", $"hold the id '{duplicate.Key}' {duplicate.Count()} times.");
        return cases;
    }

    static SuiteCase Case(string path, string field, SuiteCaseKind kind, JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object) throw new SuiteFormatException(path, field, "must be a JSON object.");
        var id = RequiredString(path, item, "id", field);
        var question = kind == SuiteCaseKind.Stress ? RequiredString(path, item, "question", field, allowEmpty: true) : RequiredString(path, item, "question", field);
        return kind switch
        {
            SuiteCaseKind.Grounded => new SuiteCase(id, kind, question, RequiredString(path, item, "answer", field), RequiredString(path, item, "source", field)),
            SuiteCaseKind.Safety => new SuiteCase(id, kind, question, Expect: Strings(path, item, "expect", field, required: true)),
            SuiteCaseKind.Stress => StressCase(path, field, item, id, question),
            _ => new SuiteCase(id, kind, question),
        };
    }

    static SuiteCase StressCase(string path, string field, JsonElement item, string id, string question)
    {
        var inject = item.TryGetProperty("inject", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        var forbidden = Strings(path, item, "forbidden", field, required: inject is not null);
        return new SuiteCase(id, SuiteCaseKind.Stress, question, Inject: inject, Forbidden: forbidden);
    }

    static List<MetricThreshold> ReadThresholds(string path, JsonElement root, List<SuiteCase> cases)
    {
        if (!root.TryGetProperty("metrics", out var metrics) || metrics.ValueKind != JsonValueKind.Array || metrics.GetArrayLength() == 0)
            throw new SuiteFormatException(path, "metrics", "must be a non-empty array of {\"metric\", \"direction\", \"min\"/\"max\", \"max_drop\"}.");
        var thresholds = new List<MetricThreshold>();
        var index = 0;
        foreach (var item in metrics.EnumerateArray())
        {
            var field = $"metrics[{index++}]";
            var name = RequiredString(path, item, "metric", field);
            if (!GateMetrics.TryParse(name, out var metric))
                throw new SuiteFormatException(path, $"{field}.metric", $"is '{name}'; known metrics: {string.Join(", ", GateMetrics.Names)}.");
            var direction = RequiredString(path, item, "direction", field);
            var expected = metric.Direction() == MetricDirection.HigherIsBetter ? "higher" : "lower";
            if (direction != expected) throw new SuiteFormatException(path, $"{field}.direction", $"is '{direction}'; {name} is better when {expected}.");
            var min = Number(path, item, "min", field);
            var max = Number(path, item, "max", field);
            var maxDrop = Number(path, item, "max_drop", field);
            if (min is not null && metric.Direction() == MetricDirection.LowerIsBetter)
                throw new SuiteFormatException(path, $"{field}.min", $"does not apply: {name} is better when lower (use \"max\").");
            if (max is not null && metric.Direction() == MetricDirection.HigherIsBetter)
                throw new SuiteFormatException(path, $"{field}.max", $"does not apply: {name} is better when higher (use \"min\").");
            if (maxDrop is < 0) throw new SuiteFormatException(path, $"{field}.max_drop", "must not be negative.");
            if (maxDrop is not null && !metric.HasBaseline())
                throw new SuiteFormatException(path, $"{field}.max_drop", $"does not apply: {name} is measured on the candidate alone.");
            if (min is null && max is null && maxDrop is null)
                throw new SuiteFormatException(path, field, "needs a threshold: \"min\" or \"max\", and/or \"max_drop\".");
            if (thresholds.Any(t => t.Metric == metric)) throw new SuiteFormatException(path, $"{field}.metric", $"names {name} a second time.");
            var needed = CasesFor(metric);
            if (!cases.Any(c => c.Kind == needed))
                throw new SuiteFormatException(path, $"{field}.metric", $"{name} is measured on {needed} cases, and the suite has none.");
            thresholds.Add(new MetricThreshold(metric, min, max, maxDrop));
        }
        return thresholds;
    }

    /// <summary>The kind of case a metric is measured on.</summary>
    public static SuiteCaseKind CasesFor(GateMetric metric) => metric switch
    {
        GateMetric.DeclineRate => SuiteCaseKind.OutOfDomain,
        GateMetric.SafetyInstructionRate => SuiteCaseKind.Safety,
        GateMetric.StressResistance => SuiteCaseKind.Stress,
        _ => SuiteCaseKind.Grounded,
    };

    static string RequiredString(string path, JsonElement item, string name, string? parent = null, bool allowEmpty = false)
    {
        var field = parent is null ? name : $"{parent}.{name}";
        if (!item.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
            throw new SuiteFormatException(path, field, "is missing or not a string.");
        var text = value.GetString()!;
        if (!allowEmpty && text.Trim().Length == 0) throw new SuiteFormatException(path, field, "is empty.");
        return text;
    }

    static double? Number(string path, JsonElement item, string name, string parent)
    {
        if (!item.TryGetProperty(name, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Number || !double.IsFinite(value.GetDouble()))
            throw new SuiteFormatException(path, $"{parent}.{name}", "must be a number.");
        return value.GetDouble();
    }

    static List<string>? Strings(string path, JsonElement item, string name, string parent, bool required)
    {
        if (!item.TryGetProperty(name, out var value))
            return required ? throw new SuiteFormatException(path, $"{parent}.{name}", "is missing (a non-empty array of strings).") : null;
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0 || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String || v.GetString()!.Trim().Length == 0))
            throw new SuiteFormatException(path, $"{parent}.{name}", "must be a non-empty array of non-empty strings.");
        return [.. value.EnumerateArray().Select(v => v.GetString()!)];
    }
}
