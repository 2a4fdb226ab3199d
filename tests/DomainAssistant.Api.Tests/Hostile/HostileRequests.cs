using System.Text;
using CsCheck;
using DomainAssistant.Api.Tests.Support;

namespace DomainAssistant.Api.Tests.Hostile;

/// <summary>A request as a generator made it: where it goes (POST unless said), its content type and its raw body.</summary>
public sealed record HostileRequest(string Path, string? ContentType, byte[] Body, string Method = "POST")
{
    public override string ToString()
    {
        var text = Encoding.UTF8.GetString(Body);
        return $"{Method} {Path} ({ContentType ?? "no content type"}, {Body.Length} bytes): {(text.Length > 600 ? text[..600] + "..." : text)}";
    }
}

/// <summary>
/// Generators of what a hostile or broken client sends: JSON bodies for every JSON endpoint (chat, completions,
/// feedback, the operator's experiments, alignment runs and gates: well-formed and not, wrong types, lone surrogate escapes, invalid UTF-8, cut short, nested
/// too deep) and multipart uploads of every shape (boundaries that differ or are too long, parts without names,
/// file names that climb folders, bodies without their closing boundary).
/// </summary>
public static class HostileRequests
{
    static readonly Gen<string> Text = Gen.OneOf(
        Gen.OneOf("", " ", "hi", "When is the blue bin emptied?", "\\ud800", "a\\udc00b", "\\ud83d\\ude00", "\\u0000", "😀 €", "\\\"", "up", "down",
            "fernbrook-recycling", "user", "assistant", "system", "tool", "text", "00000000-0000-0000-0000-000000000000",
            "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "../../etc/passwd"),
        Gen.Int[0, 40_000].Select(n => new string('a', n)),
        Gen.String[Gen.Char, 0, 40].Select(s => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)));

    static readonly Gen<string> Scalar = Gen.OneOf(
        Gen.OneOf("null", "true", "false", "0", "-1", "42", "1.5", "1e400", "-0", "2147483648", "99999999999999999999"),
        Text.Select(t => $"\"{t}\""));

    static Gen<string> Value(int depth) => depth == 0 ? Scalar : Gen.Frequency(
        (6, Scalar),
        (1, Value(depth - 1).Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
        (1, Gen.Select(Text, Value(depth - 1)).Array[0, 3].Select(props => "{" + string.Join(",", props.Select(p => $"\"{p.Item1}\":{p.Item2}")) + "}")));

    /// <summary>An object with some of <paramref name="fields"/>, each holding a generated value or a likely one.</summary>
    static Gen<string> ObjectOf(params (string Name, Gen<string> Likely)[] fields) =>
        fields.Select(f => Gen.Frequency((2, f.Likely.Select(v => $"\"{f.Name}\":{v}")), (1, Value(2).Select(v => $"\"{f.Name}\":{v}")), (1, Gen.Const(""))))
            .Aggregate(Gen.Const(Array.Empty<string>()), (all, field) => Gen.Select(all, field, (items, item) => (string[])[.. items, item]))
            .Select(items => "{" + string.Join(",", items.Where(i => i.Length > 0)) + "}");

    static readonly Gen<string> Quoted = Text.Select(t => $"\"{t}\"");

    static readonly Gen<string> ChatBody = ObjectOf(("message", Quoted), ("conversationId", Gen.OneOf("null", "\"3f2504e0-4f89-11d3-9a0c-0305e82c3301\"")),
        ("domain", Gen.OneOf("\"fernbrook-recycling\"", "\"nope\"")));

    static readonly Gen<string> Message = ObjectOf(("role", Gen.OneOf("\"user\"", "\"assistant\"", "\"system\"", "\"developer\"", "\"tool\"", "\"x\"")),
        ("content", Gen.Frequency((3, Quoted), (1, Gen.Select(Quoted, Gen.OneOf("text", "image_url")).Array[0, 3]
            .Select(parts => "[" + string.Join(",", parts.Select(p => $"{{\"type\":\"{p.Item2}\",\"text\":{p.Item1}}}")) + "]")))));

    static readonly Gen<string> CompletionBody = ObjectOf(("model", Gen.OneOf("\"fernbrook-recycling\"", "\"gpt-4o\"", "null")),
        ("messages", Message.Array[0, 4].Select(m => "[" + string.Join(",", m) + "]")), ("stream", Gen.OneOf("true", "false")),
        ("temperature", Gen.OneOf("0", "0.7", "3", "-1")), ("max_tokens", Gen.OneOf("1", "8", "0", "-5", "100000")),
        ("stop", Gen.OneOf("\"\\n\"", "[\"a\",\"b\",\"c\",\"d\",\"e\"]", "7")), ("user", Quoted), ("seed", Gen.OneOf("1", "-1", "1e30")));

    static readonly Gen<string> FeedbackBody = ObjectOf(("messageId", Gen.OneOf("\"3f2504e0-4f89-11d3-9a0c-0305e82c3301\"", "\"not-a-guid\"", "null")),
        ("rating", Gen.OneOf("\"up\"", "\"down\"", "\"UP\"", "1")), ("reason", Quoted), ("tags", Quoted.Array[0, 40].Select(t => "[" + string.Join(",", t) + "]")),
        ("feedbackId", Gen.OneOf("\"3f2504e0-4f89-11d3-9a0c-0305e82c3301\"", "null")));

    /// <summary>Bytes a client might really send: the text as it is, or broken on the way.</summary>
    static Gen<byte[]> Mangled(Gen<string> json) => Gen.Select(json, Gen.Int[0, 7], Gen.Double[0, 1], (text, how, at) =>
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var cut = (int)(at * bytes.Length);
        return how switch
        {
            0 => bytes[..cut], // cut short
            1 => [.. bytes[..cut], 0xFF, 0xC3, 0x28, .. bytes[cut..]], // invalid UTF-8
            2 => [.. bytes[..cut], 0xED, 0xA0, 0x80, .. bytes[cut..]], // a surrogate encoded as UTF-8
            3 => Encoding.UTF8.GetBytes(new string('[', 200) + text + new string(']', 200)), // nested deeper than the parser allows
            4 => Encoding.Unicode.GetBytes(text), // UTF-16
            _ => bytes,
        };
    });

    static readonly Gen<string?> JsonType = Gen.Frequency<string?>((8, "application/json"), (1, "application/json; charset=utf-16"), (1, "text/plain"), (1, null));

    static readonly Gen<string> Percent = Gen.OneOf("0", "10", "50", "100", "101", "-5", "1e9", "\"10\"", "null");

    static readonly Gen<string> ExperimentBody = ObjectOf(("name", Quoted), ("domain", Gen.OneOf("\"fernbrook-recycling\"", "\"nope\"")),
        ("control", Gen.OneOf("null", "\"sft\"", "\"not-registered\"")), ("treatment", Gen.OneOf("\"candidate\"", "\"not-registered\"", "null")),
        ("treatmentPercent", Percent), ("ramp", Percent.Array[0, 5].Select(p => "[" + string.Join(",", p) + "]")),
        ("guardrails", Gen.OneOf("null", "{\"thumbs_down_rate\":0.05}", "{\"latency_p95\":-1}", "{\"nonsense\":1}")));

    static readonly Gen<string> AlignmentRunBody = ObjectOf(("domain", Gen.OneOf("\"fernbrook-recycling\"", "\"nope\"", "\"..\"")),
        ("method", Gen.OneOf("\"rloo\"", "\"kto\"", "\"ppo\"")), ("maxMinutes", Gen.OneOf("0.01", "0", "-1", "1e9")),
        ("minVotes", Gen.OneOf("1", "0", "-3", "100000")), ("seed", Gen.OneOf("1", "-1", "18446744073709551616")));

    static readonly Gen<string> ExperimentId = Gen.OneOf("3f2504e0-4f89-11d3-9a0c-0305e82c3301", "nope", "%2e%2e", new string('x', 300));

    /// <summary>
    /// A body for one of the JSON endpoints: chat, completions and feedback, and the operator's experiments (create,
    /// change the share, ramp, promote), alignment runs and adapter gates.
    /// </summary>
    public static Gen<HostileRequest> Json { get; } = Gen.Frequency(
            (3, Mangled(ChatBody).Select(b => ("POST", "/api/chat", b))),
            (3, Mangled(CompletionBody).Select(b => ("POST", "/v1/chat/completions", b))),
            (3, Mangled(FeedbackBody).Select(b => ("POST", "/api/feedback", b))),
            (1, Mangled(Value(3)).Select(b => ("POST", "/api/chat", b))),
            (2, Mangled(ExperimentBody).Select(b => ("POST", "/api/operator/experiments", b))),
            (1, Gen.Select(ExperimentId, Mangled(ObjectOf(("treatmentPercent", Percent)))).Select(x => ("PATCH", $"/api/operator/experiments/{x.Item1}", x.Item2))),
            (1, Gen.Select(ExperimentId, Gen.OneOf("ramp", "promote", "pause", "resume", "rollback"), Mangled(Value(2)))
                .Select(x => ("POST", $"/api/operator/experiments/{x.Item1}/{x.Item2}", x.Item3))),
            (1, Mangled(AlignmentRunBody).Select(b => ("POST", "/api/operator/alignment-runs", b))),
            (1, Gen.Select(Gen.OneOf("sft", "not-registered", "%2e%2e"), Mangled(Value(2))).Select(x => ("POST", $"/api/operator/adapters/{x.Item1}/gate", x.Item2))))
        .Select(JsonType, (target, type) => new HostileRequest(target.Item2, type, target.Item3, target.Item1));

    static readonly Gen<string> FileName = Gen.OneOf(
        Gen.OneOf("a.md", "pairs.jsonl", "page.html", "notes.txt", "../../escape.md", "..\\up.md", ".hidden.md", "x.pdf", "", "a b (1)+.md", "naïve.txt",
            "dir/inner.md", "con.md", "a.md\0.txt"),
        Gen.Int[100, 300].Select(n => new string('n', n) + ".md"));

    static readonly Gen<byte[]> FileContent = Gen.OneOf(
        Gen.OneOf("# Title\nSome text.", "", "   \n", "<html><body><script>x</script></body></html>", "{\"question\":\"q\",\"answer\":\"a\"}",
                "{\"question\":\"\\ud800\",\"answer\":\"a\"}", "{\"prompt\":\"p\"}", "not json\n{\"text\":\"t\"}", "{\"messages\":[{\"role\":\"user\",\"content\":\"u\"}]}")
            .Select(Encoding.UTF8.GetBytes),
        Gen.Byte.Array[0, 300],
        Gen.Int[0, 40_000].Select(n => Encoding.UTF8.GetBytes("# Big\n" + new string('b', n))));

    static readonly Gen<string> Disposition = Gen.OneOf(
        FileName.Select(n => $"Content-Disposition: form-data; name=\"files\"; filename=\"{n}\""),
        FileName.Select(n => $"Content-Disposition: form-data; name=\"files\"; filename*=UTF-8''{Uri.EscapeDataString(n)}"),
        Gen.OneOf("Content-Disposition: form-data; name=\"mode\"", "Content-Disposition: form-data; name=\"other\"", "Content-Disposition: attachment; filename=\"a.md\"",
            "Content-Disposition: form-data", "Content-Type: text/plain", ""));

    sealed record Part(string Disposition, byte[] Content, string Mode);

    /// <summary>A multipart upload of any shape, to the real domain or another.</summary>
    public static Gen<HostileRequest> Multipart { get; } = Gen.Select(
        Gen.OneOf("b", "----WebKitFormBoundary7MA4YWxkTrZu0gW", new string('x', 70), new string('y', 71), "", "\"quoted b\""),
        Gen.Frequency((5, Gen.Const(true)), (1, Gen.Const(false))),
        Gen.Select(Disposition, FileContent, Gen.OneOf("add", "replace", "", "sideways"), (d, c, m) => new Part(d, c, m)).Array[0, 4],
        Gen.Int[0, 3],
        Gen.Double[0, 1],
        Gen.Frequency((9, Gen.Const(AssistantHost.Domain)), (1, Gen.OneOf("nope", "..", "%2e%2e"))),
        (boundary, sameBoundary, parts, ending, at, domain) =>
        {
            var framing = sameBoundary ? boundary.Trim('"') : "other";
            using var body = new MemoryStream();
            void Write(string s) => body.Write(Encoding.UTF8.GetBytes(s));
            foreach (var (disposition, content, mode) in parts!)
            {
                Write($"--{framing}\r\n{disposition}\r\n\r\n");
                if (disposition.Contains("\"mode\"", StringComparison.Ordinal)) Write(mode);
                else body.Write(content);
                Write("\r\n");
            }
            if (ending != 1) Write($"--{framing}--\r\n"); // 1: no closing boundary
            var bytes = body.ToArray();
            if (ending == 2) bytes = bytes[..(int)(at * bytes.Length)]; // cut short anywhere
            var type = boundary.Length == 0 ? "multipart/form-data" : $"multipart/form-data; boundary={boundary}";
            return new HostileRequest($"/api/domains/{domain}/corpora", ending == 3 ? "application/octet-stream" : type, bytes);
        });
}
