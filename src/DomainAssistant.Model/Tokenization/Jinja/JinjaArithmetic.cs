namespace DomainAssistant.Model.Tokenization.Jinja;

/// <summary>Python's number operators: integers stay integers except under /, // and % floor toward minus infinity, ** on integers stays exact.</summary>
internal static class JinjaArithmetic
{
    public static object? Apply(string op, object? left, object? right)
    {
        if (op == "*" && left is string text && right is long times) return string.Concat(Enumerable.Repeat(text, (int)Math.Max(0, times)));
        if (left is not (long or double or bool) || right is not (long or double or bool))
            throw new JinjaException($"cannot apply '{op}' to {JinjaValues.Describe(left)} and {JinjaValues.Describe(right)}.");
        if (op == "/") return JinjaValues.ToDouble(left) / Divisor(JinjaValues.ToDouble(right));
        if (Integer(left) is long a && Integer(right) is long b)
        {
            return op switch
            {
                // Arms cast to object: a switch mixing long and double arms would otherwise make every result a double.
                "+" => (object)(a + b),
                "-" => a - b,
                "*" => a * b,
                "//" => (long)Math.Floor((double)a / Divisor(b)),
                "%" => ((a % Divisor(b)) + b) % b,
                "**" when b >= 0 => (long)Math.Pow(a, b),
                "**" => Math.Pow(a, b),
                _ => throw new JinjaException($"the operator '{op}' is not supported."),
            };
        }
        var (x, y) = (JinjaValues.ToDouble(left), JinjaValues.ToDouble(right));
        return op switch
        {
            "+" => x + y,
            "-" => x - y,
            "*" => x * y,
            "//" => Math.Floor(x / Divisor(y)),
            "%" => x - (y * Math.Floor(x / Divisor(y))),
            "**" => Math.Pow(x, y),
            _ => throw new JinjaException($"the operator '{op}' is not supported."),
        };
    }

    static long? Integer(object? value) => value switch { long l => l, bool b => b ? 1 : 0, _ => null };

    static double Divisor(double value) => value != 0 ? value : throw new JinjaException("division by zero.");

    static long Divisor(long value) => value != 0 ? value : throw new JinjaException("division by zero.");
}
