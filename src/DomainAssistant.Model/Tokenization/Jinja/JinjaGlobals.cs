namespace DomainAssistant.Model.Tokenization.Jinja;

/// <summary>
/// The functions transformers puts in every chat template's scope: raise_exception, strftime_now (the local time, as
/// Python's datetime.now()), and Jinja's range and namespace.
/// </summary>
internal static class JinjaGlobals
{
    public static IReadOnlyList<(string Name, JinjaFunction Function)> All { get; } =
    [
        ("raise_exception", new JinjaFunction("raise_exception", (args, _) =>
            throw new JinjaRaisedException(args.Count > 0 ? JinjaValues.ToText(args[0]) : "the chat template raised an exception."))),
        ("strftime_now", new JinjaFunction("strftime_now", (args, _) =>
            PythonDateFormat.Format(DateTime.Now, args is [string format] ? format : throw new JinjaException("strftime_now takes one format string.")))),
        ("range", new JinjaFunction("range", (args, _) => Range(args))),
        ("namespace", new JinjaFunction("namespace", (args, keywords) =>
        {
            var values = new OrderedDictionary<string, object?>();
            foreach (var initial in args.OfType<OrderedDictionary<string, object?>>()) foreach (var (k, v) in initial) values[k] = v;
            foreach (var (k, v) in keywords) values[k] = v;
            return new JinjaNamespace(values);
        })),
    ];

    static List<object?> Range(List<object?> args)
    {
        var numbers = args.Select(a => a is long l ? l : throw new JinjaException("range takes integers.")).ToList();
        var (start, stop, step) = numbers.Count switch
        {
            1 => (0L, numbers[0], 1L),
            2 => (numbers[0], numbers[1], 1L),
            3 => (numbers[0], numbers[1], numbers[2]),
            _ => throw new JinjaException("range takes one to three integers."),
        };
        if (step == 0) throw new JinjaException("range's step cannot be zero.");
        var result = new List<object?>();
        for (var i = start; step > 0 ? i < stop : i > stop; i += step) result.Add(i);
        return result;
    }
}
