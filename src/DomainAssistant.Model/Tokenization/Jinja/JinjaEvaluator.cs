using System.Text;

namespace DomainAssistant.Model.Tokenization.Jinja;

/// <summary>
/// Runs a parsed template. Scopes follow Jinja: a for loop's body and a macro's body see the outer names but their
/// own set statements stay inside (namespace() objects are how a loop changes something outside); if blocks share
/// the enclosing scope.
/// </summary>
internal sealed class JinjaEvaluator
{
    enum Flow { Normal, Break, Continue }

    sealed class Scope(Scope? parent)
    {
        readonly Dictionary<string, object?> _names = new(StringComparer.Ordinal);

        public object? Lookup(string name)
        {
            for (var scope = this; scope is not null; scope = scope.Parent)
                if (scope._names.TryGetValue(name, out var value)) return value;
            return new Undefined(name);
        }

        public Scope? Parent { get; } = parent;

        public void Set(string name, object? value) => _names[name] = value;
    }

    readonly StringBuilder _output = new();

    public static string Render(IReadOnlyList<Statement> template, IReadOnlyDictionary<string, object?> context)
    {
        var globals = new Scope(null);
        foreach (var (name, function) in JinjaGlobals.All) globals.Set(name, function);
        var scope = new Scope(globals);
        foreach (var (name, value) in context) scope.Set(name, JinjaValues.FromData(value));
        var evaluator = new JinjaEvaluator();
        if (evaluator.Execute(template, scope) != Flow.Normal) throw new JinjaException("break or continue outside a loop.");
        return evaluator._output.ToString();
    }

    Flow Execute(IReadOnlyList<Statement> statements, Scope scope)
    {
        foreach (var statement in statements)
        {
            var flow = Execute(statement, scope);
            if (flow != Flow.Normal) return flow;
        }
        return Flow.Normal;
    }

    Flow Execute(Statement statement, Scope scope)
    {
        switch (statement)
        {
            case TextStatement text:
                _output.Append(text.Text);
                return Flow.Normal;
            case OutputStatement output:
                _output.Append(JinjaValues.ToText(Evaluate(output.Value, scope)));
                return Flow.Normal;
            case IfStatement conditional:
                foreach (var (condition, body) in conditional.Branches)
                    if (JinjaValues.IsTrue(Evaluate(condition, scope))) return Execute(body, scope);
                return Execute(conditional.Else, scope);
            case ForStatement loop:
                ExecuteFor(loop, scope);
                return Flow.Normal;
            case SetStatement set:
                ExecuteSet(set, scope);
                return Flow.Normal;
            case MacroStatement macro:
                scope.Set(macro.Name, DefineMacro(macro, scope));
                return Flow.Normal;
            case BreakStatement:
                return Flow.Break;
            case ContinueStatement:
                return Flow.Continue;
            default:
                throw new JinjaException($"cannot run a {statement.GetType().Name}.");
        }
    }

    void ExecuteFor(ForStatement loop, Scope scope)
    {
        var items = JinjaValues.Iterate(Evaluate(loop.Iterable, scope));
        if (loop.Filter is not null)
        {
            items = [.. items.Where(item =>
            {
                var filterScope = new Scope(scope);
                Bind(loop.Targets, item, filterScope);
                return JinjaValues.IsTrue(Evaluate(loop.Filter, filterScope));
            })];
        }
        if (items.Count == 0)
        {
            Execute(loop.Else, new Scope(scope));
            return;
        }
        for (var i = 0; i < items.Count; i++)
        {
            var body = new Scope(scope);
            Bind(loop.Targets, items[i], body);
            body.Set("loop", LoopVariable(items, i));
            if (Execute(loop.Body, body) == Flow.Break) break;
        }
    }

    static OrderedDictionary<string, object?> LoopVariable(List<object?> items, int i) => new()
    {
        ["index"] = (long)i + 1,
        ["index0"] = (long)i,
        ["revindex"] = (long)(items.Count - i),
        ["revindex0"] = (long)(items.Count - i - 1),
        ["first"] = i == 0,
        ["last"] = i == items.Count - 1,
        ["length"] = (long)items.Count,
        ["previtem"] = i > 0 ? items[i - 1] : new Undefined("previtem"),
        ["nextitem"] = i + 1 < items.Count ? items[i + 1] : new Undefined("nextitem"),
        ["cycle"] = new JinjaFunction("cycle", (args, _) => args.Count > 0 ? args[i % args.Count] : throw new JinjaException("loop.cycle needs values.")),
    };

    static void Bind(IReadOnlyList<string> targets, object? value, Scope scope)
    {
        if (targets.Count == 1)
        {
            scope.Set(targets[0], value);
            return;
        }
        var parts = JinjaValues.Iterate(value);
        if (parts.Count != targets.Count) throw new JinjaException($"cannot unpack {parts.Count} values into {targets.Count} names.");
        for (var i = 0; i < targets.Count; i++) scope.Set(targets[i], parts[i]);
    }

    void ExecuteSet(SetStatement set, Scope scope)
    {
        object? value;
        if (set.Body is not null)
        {
            var outer = _output.Length;
            Execute(set.Body, scope);
            value = _output.ToString(outer, _output.Length - outer);
            _output.Length = outer;
        }
        else value = Evaluate(set.Value!, scope);

        if (set.Attribute is null)
        {
            Bind(set.Targets, value, scope);
            return;
        }
        if (scope.Lookup(set.Targets[0]) is not JinjaNamespace ns)
            throw new JinjaException($"cannot set '{set.Targets[0]}.{set.Attribute}': '{set.Targets[0]}' is not a namespace.");
        ns.Values[set.Attribute] = value;
    }

    JinjaFunction DefineMacro(MacroStatement macro, Scope definition) =>
        new(macro.Name, (args, keywords) =>
        {
            var scope = new Scope(definition);
            for (var i = 0; i < macro.Parameters.Count; i++)
            {
                var (name, fallback) = macro.Parameters[i];
                var value = i < args.Count ? args[i]
                    : keywords.TryGetValue(name, out var k) ? k
                    : fallback is not null ? Evaluate(fallback, definition)
                    : new Undefined(name);
                scope.Set(name, value);
            }
            var inner = new JinjaEvaluator();
            inner.Execute(macro.Body, scope);
            return inner._output.ToString();
        });

    object? Evaluate(Expression expression, Scope scope)
    {
        switch (expression)
        {
            case LiteralExpression literal: return literal.Value;
            case NameExpression name: return scope.Lookup(name.Name);
            case ListExpression list: return list.Items.Select(item => Evaluate(item, scope)).ToList();
            case TupleExpression tuple: return tuple.Items.Select(item => Evaluate(item, scope)).ToList();
            case DictExpression dict:
                var result = new OrderedDictionary<string, object?>();
                foreach (var (key, value) in dict.Items)
                    result[Evaluate(key, scope) as string ?? throw new JinjaException("mapping keys must be strings.")] = Evaluate(value, scope);
                return result;
            case AttributeExpression attribute: return GetAttribute(Evaluate(attribute.Target, scope), attribute.Name);
            case IndexExpression index: return GetItem(Evaluate(index.Target, scope), Evaluate(index.Index, scope));
            case SliceExpression slice: return Slice(Evaluate(slice.Target, scope), Optional(slice.Start, scope), Optional(slice.Stop, scope), Optional(slice.Step, scope));
            case CallExpression call: return Call(call, scope);
            case FilterExpression filter:
                return JinjaFilters.Apply(filter.Name, Evaluate(filter.Value, scope),
                    [.. filter.Arguments.Select(a => Evaluate(a, scope))], Keywords(filter.KeywordArguments, scope), JinjaTests.Apply);
            case TestExpression test:
                var passed = JinjaTests.Apply(test.Name, Evaluate(test.Value, scope), [.. test.Arguments.Select(a => Evaluate(a, scope))]);
                return passed != test.Negated;
            case UnaryExpression unary:
                var operand = Evaluate(unary.Operand, scope);
                return unary.Operator switch
                {
                    "not" => !JinjaValues.IsTrue(operand),
                    "-" => operand switch { long l => (object)(-l), double d => -d, _ => throw new JinjaException($"cannot negate {JinjaValues.Describe(operand)}.") },
                    _ => operand,
                };
            case BinaryExpression binary: return EvaluateBinary(binary, scope);
            case ConditionalExpression conditional:
                return JinjaValues.IsTrue(Evaluate(conditional.Condition, scope))
                    ? Evaluate(conditional.Then, scope)
                    : conditional.Else is null ? new Undefined("else") : Evaluate(conditional.Else, scope);
            default:
                throw new JinjaException($"cannot evaluate a {expression.GetType().Name}.");
        }
    }

    object? Optional(Expression? expression, Scope scope) => expression is null ? null : Evaluate(expression, scope);

    Dictionary<string, object?> Keywords(IReadOnlyList<(string Name, Expression Value)> keywords, Scope scope) =>
        keywords.ToDictionary(k => k.Name, k => Evaluate(k.Value, scope));

    object? Call(CallExpression call, Scope scope)
    {
        var callee = Evaluate(call.Callee, scope);
        if (callee is not JinjaFunction function)
            throw new JinjaException($"{(call.Callee is NameExpression n ? $"'{n.Name}'" : "the value")} is {JinjaValues.Describe(callee)}, not something to call.");
        return function.Invoke([.. call.Arguments.Select(a => Evaluate(a, scope))], Keywords(call.KeywordArguments, scope));
    }

    static object? GetAttribute(object? target, string name) => target switch
    {
        Undefined u => throw new JinjaException($"'{u.Name}' is undefined, so it has no attribute '{name}'."),
        JinjaNamespace ns => ns.Values.TryGetValue(name, out var value) ? value : new Undefined(name),
        OrderedDictionary<string, object?> dict when dict.TryGetValue(name, out var value) => value,
        _ => (object?)JinjaMethods.Find(target, name) ?? new Undefined(name),
    };

    static object? GetItem(object? target, object? index)
    {
        switch (target, index)
        {
            case (Undefined u, _): throw new JinjaException($"'{u.Name}' is undefined, so it has no item {JinjaValues.Repr(index)}.");
            case (OrderedDictionary<string, object?> dict, string key): return dict.TryGetValue(key, out var value) ? value : new Undefined(key);
            case (JinjaNamespace ns, string key): return ns.Values.TryGetValue(key, out var nsValue) ? nsValue : new Undefined(key);
            case (List<object?> list, long i):
                var position = i < 0 ? list.Count + i : i;
                return position >= 0 && position < list.Count ? list[(int)position] : new Undefined($"[{i}]");
            case (string s, long i):
                var runes = s.EnumerateRunes().ToList();
                var at = i < 0 ? runes.Count + i : i;
                return at >= 0 && at < runes.Count ? runes[(int)at].ToString() : new Undefined($"[{i}]");
            case (_, string name): return GetAttribute(target, name);
            default: throw new JinjaException($"cannot index {JinjaValues.Describe(target)} with {JinjaValues.Describe(index)}.");
        }
    }

    // Python slicing, negative steps included ([::-1] reverses).
    static object? Slice(object? target, object? start, object? stop, object? step)
    {
        List<object?> items = target switch
        {
            List<object?> list => list,
            string s => [.. s.EnumerateRunes().Select(r => (object?)r.ToString())],
            _ => throw new JinjaException($"cannot slice {JinjaValues.Describe(target)}."),
        };
        var count = items.Count;
        var by = step is null ? 1 : (long)step;
        if (by == 0) throw new JinjaException("slice step cannot be zero.");
        long Clamp(object? bound, long fallback, long low, long high)
        {
            if (bound is null) return fallback;
            var value = (long)bound;
            if (value < 0) value += count;
            return Math.Clamp(value, low, high);
        }
        var picked = new List<object?>();
        if (by > 0)
            for (var i = Clamp(start, 0, 0, count); i < Clamp(stop, count, 0, count); i += by) picked.Add(items[(int)i]);
        else
            for (var i = Clamp(start, count - 1, -1, count - 1); i > Clamp(stop, -1, -1, count - 1); i += by) picked.Add(items[(int)i]);
        return target is string ? string.Concat(picked.Cast<string>()) : picked;
    }

    object? EvaluateBinary(BinaryExpression binary, Scope scope)
    {
        var left = Evaluate(binary.Left, scope);
        switch (binary.Operator)
        {
            case "and": return JinjaValues.IsTrue(left) ? Evaluate(binary.Right, scope) : left;
            case "or": return JinjaValues.IsTrue(left) ? left : Evaluate(binary.Right, scope);
        }
        var right = Evaluate(binary.Right, scope);
        return binary.Operator switch
        {
            "==" => JinjaValues.Equals(left, right),
            "!=" => !JinjaValues.Equals(left, right),
            "<" => JinjaValues.Compare(left, right) < 0,
            "<=" => JinjaValues.Compare(left, right) <= 0,
            ">" => JinjaValues.Compare(left, right) > 0,
            ">=" => JinjaValues.Compare(left, right) >= 0,
            "in" => Contains(right, left),
            "not in" => !Contains(right, left),
            "~" => JinjaValues.ToText(left) + JinjaValues.ToText(right),
            "+" => Add(left, right),
            _ => JinjaArithmetic.Apply(binary.Operator, left, right),
        };
    }

    static object? Add(object? left, object? right) => (left, right) switch
    {
        (string a, string b) => a + b,
        (List<object?> a, List<object?> b) => a.Concat(b).ToList(),
        _ => JinjaArithmetic.Apply("+", left, right),
    };

    /// <summary>Python's "in": a substring, a list member or a mapping key.</summary>
    public static bool Contains(object? container, object? item) => container switch
    {
        string s when item is string part => s.Contains(part, StringComparison.Ordinal),
        List<object?> list => list.Any(element => JinjaValues.Equals(element, item)),
        OrderedDictionary<string, object?> dict => item is string key && dict.ContainsKey(key),
        Undefined u => throw new JinjaException($"'{u.Name}' is undefined, so nothing is in it."),
        _ => throw new JinjaException($"cannot look for {JinjaValues.Describe(item)} in {JinjaValues.Describe(container)}."),
    };
}
