namespace DomainAssistant.Model.Tokenization.Jinja;

/// <summary>Jinja's tests (value is name): defined, none, string, mapping, ... ; any other is refused by name.</summary>
internal static class JinjaTests
{
    public static bool Apply(string name, object? value, List<object?> args) => name switch
    {
        "defined" => value is not Undefined,
        "undefined" => value is Undefined,
        "none" => value is null,
        "string" => value is string,
        "number" => value is long or double,
        "integer" => value is long,
        "float" => value is double,
        "boolean" => value is bool,
        "true" => value is true,
        "false" => value is false,
        "mapping" => value is OrderedDictionary<string, object?> or JinjaNamespace,
        "iterable" => value is string or List<object?> or OrderedDictionary<string, object?>,
        "sequence" => value is string or List<object?> or OrderedDictionary<string, object?>,
        "callable" => value is JinjaFunction,
        "odd" => value is long l && Math.Abs(l % 2) == 1,
        "even" => value is long l && l % 2 == 0,
        "divisibleby" => value is long l && args is [long d] && d != 0 && l % d == 0,
        "lower" => value is string s && string.Equals(s, s.ToLowerInvariant(), StringComparison.Ordinal),
        "upper" => value is string s && string.Equals(s, s.ToUpperInvariant(), StringComparison.Ordinal),
        "eq" or "equalto" or "==" => args.Count == 1 && JinjaValues.Equals(value, args[0]),
        "ne" or "!=" => args.Count == 1 && !JinjaValues.Equals(value, args[0]),
        // jinja2's comparison tests, which select/reject and selectattr/rejectattr take by name ('gt', 2).
        "gt" or "greaterthan" or ">" => args.Count == 1 && JinjaValues.Compare(value, args[0]) > 0,
        "ge" or ">=" => args.Count == 1 && JinjaValues.Compare(value, args[0]) >= 0,
        "lt" or "lessthan" or "<" => args.Count == 1 && JinjaValues.Compare(value, args[0]) < 0,
        "le" or "<=" => args.Count == 1 && JinjaValues.Compare(value, args[0]) <= 0,
        "in" => args.Count == 1 && JinjaEvaluator.Contains(args[0], value),
        _ => throw new JinjaException($"the test '{name}' is not supported."),
    };
}
