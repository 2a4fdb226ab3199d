using System.Globalization;

namespace DomainAssistant.Model.Tokenization.Jinja;

/// <summary>
/// Parses the tokens into statements, with Jinja's precedence: conditional expression, or, and, not, comparisons
/// (in, not in), + and -, ~, * / // %, **, unary minus, then postfix (attributes, subscripts, calls) with filters
/// and tests binding tightest. A tag outside the subset is refused by name.
/// </summary>
internal sealed class JinjaParser
{
    readonly List<JinjaToken> _tokens;
    int _position;

    JinjaParser(List<JinjaToken> tokens) => _tokens = tokens;

    public static IReadOnlyList<Statement> Parse(string template)
    {
        var parser = new JinjaParser(JinjaLexer.Tokenize(template));
        var body = parser.ParseBody(out var stop);
        if (stop is not null) throw new JinjaException($"'{stop}' without an opening tag.");
        return body;
    }

    JinjaToken Current => _tokens[_position];

    // Statements until an end tag ({% endif %}, {% else %}, ...) or the end; that tag's name is returned in stop.
    List<Statement> ParseBody(out string? stop, params string[] stops)
    {
        var body = new List<Statement>();
        while (true)
        {
            var token = Current;
            switch (token.Kind)
            {
                case TokenKind.End:
                    stop = null;
                    return body;
                case TokenKind.Text:
                    body.Add(new TextStatement(token.Value));
                    _position++;
                    break;
                case TokenKind.OutputStart:
                    _position++;
                    body.Add(new OutputStatement(ParseExpression()));
                    Expect(TokenKind.TagEnd);
                    break;
                case TokenKind.StatementStart:
                    _position++;
                    var name = ExpectName();
                    if (stops.Contains(name))
                    {
                        stop = name;
                        return body;
                    }
                    body.Add(ParseStatement(name));
                    break;
                default:
                    throw Error("unexpected token");
            }
        }
    }

    Statement ParseStatement(string keyword)
    {
        switch (keyword)
        {
            case "if": return ParseIf();
            case "for": return ParseFor();
            case "set": return ParseSet();
            case "macro": return ParseMacro();
            case "break":
                Expect(TokenKind.TagEnd);
                return new BreakStatement();
            case "continue":
                Expect(TokenKind.TagEnd);
                return new ContinueStatement();
            case "endif" or "endfor" or "endset" or "endmacro" or "elif" or "else":
                throw Error($"'{keyword}' without an opening tag");
            default:
                throw Error($"the '{keyword}' tag is not supported");
        }
    }

    IfStatement ParseIf()
    {
        var branches = new List<(Expression, IReadOnlyList<Statement>)>();
        var condition = ParseExpression();
        while (true)
        {
            Expect(TokenKind.TagEnd);
            var body = ParseBody(out var stop, "elif", "else", "endif");
            branches.Add((condition, body));
            switch (stop)
            {
                case "elif":
                    condition = ParseExpression();
                    continue;
                case "else":
                    Expect(TokenKind.TagEnd);
                    var elseBody = ParseBody(out var end, "endif");
                    if (end is null) throw Error("'if' is never closed");
                    Expect(TokenKind.TagEnd);
                    return new IfStatement(branches, elseBody);
                case "endif":
                    Expect(TokenKind.TagEnd);
                    return new IfStatement(branches, []);
                default:
                    throw Error("'if' is never closed");
            }
        }
    }

    ForStatement ParseFor()
    {
        var targets = new List<string> { ExpectName() };
        while (AcceptOperator(",")) targets.Add(ExpectName());
        if (ExpectName() != "in") throw Error("expected 'in' in a for loop");
        // The iterable stops before a trailing "if" filter, so it is parsed without the conditional form.
        var iterable = ParseOr();
        Expression? filter = null;
        if (Current is { Kind: TokenKind.Name, Value: "if" })
        {
            _position++;
            filter = ParseOr();
        }
        if (Current is { Kind: TokenKind.Name, Value: "recursive" }) throw Error("recursive loops are not supported");
        Expect(TokenKind.TagEnd);
        var body = ParseBody(out var stop, "else", "endfor");
        IReadOnlyList<Statement> elseBody = [];
        if (stop == "else")
        {
            Expect(TokenKind.TagEnd);
            elseBody = ParseBody(out stop, "endfor");
        }
        if (stop != "endfor") throw Error("'for' is never closed");
        Expect(TokenKind.TagEnd);
        return new ForStatement(targets, iterable, filter, body, elseBody);
    }

    SetStatement ParseSet()
    {
        var targets = new List<string> { ExpectName() };
        string? attribute = null;
        if (AcceptOperator(".")) attribute = ExpectName();
        else while (AcceptOperator(",")) targets.Add(ExpectName());
        if (AcceptOperator("="))
        {
            var value = ParseTupleOrExpression();
            Expect(TokenKind.TagEnd);
            return new SetStatement(targets, attribute, value, null);
        }
        if (attribute is not null || targets.Count > 1) throw Error("a block set takes one plain name");
        Expect(TokenKind.TagEnd);
        var body = ParseBody(out var stop, "endset");
        if (stop is null) throw Error("'set' is never closed");
        Expect(TokenKind.TagEnd);
        return new SetStatement(targets, null, null, body);
    }

    MacroStatement ParseMacro()
    {
        var name = ExpectName();
        var parameters = new List<(string, Expression?)>();
        ExpectOperator("(");
        while (!AcceptOperator(")"))
        {
            var parameter = ExpectName();
            parameters.Add((parameter, AcceptOperator("=") ? ParseExpression() : null));
            if (!AcceptOperator(",")) { ExpectOperator(")"); break; }
        }
        Expect(TokenKind.TagEnd);
        var body = ParseBody(out var stop, "endmacro");
        if (stop is null) throw Error("'macro' is never closed");
        Expect(TokenKind.TagEnd);
        return new MacroStatement(name, parameters, body);
    }

    // "a, b" on the right of a set is a tuple.
    Expression ParseTupleOrExpression()
    {
        var first = ParseExpression();
        if (!IsOperator(",")) return first;
        var items = new List<Expression> { first };
        while (AcceptOperator(",")) items.Add(ParseExpression());
        return new TupleExpression(items);
    }

    public Expression ParseExpression()
    {
        var value = ParseOr();
        if (Current is not { Kind: TokenKind.Name, Value: "if" }) return value;
        _position++;
        var condition = ParseOr();
        Expression? otherwise = null;
        if (Current is { Kind: TokenKind.Name, Value: "else" })
        {
            _position++;
            otherwise = ParseExpression();
        }
        return new ConditionalExpression(condition, value, otherwise);
    }

    Expression ParseOr()
    {
        var left = ParseAnd();
        while (AcceptName("or")) left = new BinaryExpression("or", left, ParseAnd());
        return left;
    }

    Expression ParseAnd()
    {
        var left = ParseNot();
        while (AcceptName("and")) left = new BinaryExpression("and", left, ParseNot());
        return left;
    }

    Expression ParseNot() => AcceptName("not") ? new UnaryExpression("not", ParseNot()) : ParseComparison();

    Expression ParseComparison()
    {
        var left = ParseAdditive();
        while (true)
        {
            if (Current.Kind == TokenKind.Operator && Current.Value is "==" or "!=" or "<" or "<=" or ">" or ">=")
            {
                var op = Current.Value;
                _position++;
                left = new BinaryExpression(op, left, ParseAdditive());
            }
            else if (AcceptName("in")) left = new BinaryExpression("in", left, ParseAdditive());
            else if (Current is { Kind: TokenKind.Name, Value: "not" } && _tokens[_position + 1] is { Kind: TokenKind.Name, Value: "in" })
            {
                _position += 2;
                left = new BinaryExpression("not in", left, ParseAdditive());
            }
            else return left;
        }
    }

    Expression ParseAdditive()
    {
        var left = ParseConcat();
        while (Current.Kind == TokenKind.Operator && Current.Value is "+" or "-")
        {
            var op = Current.Value;
            _position++;
            left = new BinaryExpression(op, left, ParseConcat());
        }
        return left;
    }

    Expression ParseConcat()
    {
        var left = ParseMultiplicative();
        while (AcceptOperator("~")) left = new BinaryExpression("~", left, ParseMultiplicative());
        return left;
    }

    Expression ParseMultiplicative()
    {
        var left = ParsePower();
        while (Current.Kind == TokenKind.Operator && Current.Value is "*" or "/" or "//" or "%")
        {
            var op = Current.Value;
            _position++;
            left = new BinaryExpression(op, left, ParsePower());
        }
        return left;
    }

    Expression ParsePower()
    {
        var left = ParseUnary();
        while (AcceptOperator("**")) left = new BinaryExpression("**", left, ParseUnary());
        return left;
    }

    Expression ParseUnary()
    {
        if (Current.Kind == TokenKind.Operator && Current.Value is "-" or "+")
        {
            var op = Current.Value;
            _position++;
            return new UnaryExpression(op, ParseUnary());
        }
        return ParseFiltersAndTests(ParsePostfix(ParsePrimary()));
    }

    Expression ParseFiltersAndTests(Expression value)
    {
        while (true)
        {
            if (AcceptOperator("|"))
            {
                var name = ExpectName();
                var (arguments, keywords) = IsOperator("(") ? ParseArguments() : ([], []);
                value = ParsePostfix(new FilterExpression(value, name, arguments, keywords));
            }
            else if (AcceptName("is"))
            {
                var negated = AcceptName("not");
                var name = ExpectName();
                List<Expression> arguments = [];
                if (IsOperator("(")) arguments = ParseArguments().Positional;
                else if (Current.Kind is TokenKind.String or TokenKind.Integer or TokenKind.Float
                         || (Current.Kind == TokenKind.Name && Current.Value is not ("and" or "or" or "else" or "if" or "in" or "not" or "is")))
                    arguments = [ParsePostfix(ParsePrimary())];
                value = new TestExpression(value, name, arguments, negated);
            }
            else return value;
        }
    }

    Expression ParsePostfix(Expression value)
    {
        while (true)
        {
            if (AcceptOperator("."))
            {
                value = new AttributeExpression(value, Current.Kind == TokenKind.Integer ? Next().Value : ExpectName());
            }
            else if (AcceptOperator("["))
            {
                value = ParseSubscript(value);
            }
            else if (IsOperator("("))
            {
                var (arguments, keywords) = ParseArguments();
                value = new CallExpression(value, arguments, keywords);
            }
            else return value;
        }
    }

    Expression ParseSubscript(Expression target)
    {
        Expression? start = IsOperator(":") ? null : ParseExpression();
        if (AcceptOperator("]")) return new IndexExpression(target, start!);
        ExpectOperator(":");
        Expression? stop = IsOperator(":") || IsOperator("]") ? null : ParseExpression();
        Expression? step = null;
        if (AcceptOperator(":") && !IsOperator("]")) step = ParseExpression();
        ExpectOperator("]");
        return new SliceExpression(target, start, stop, step);
    }

    (List<Expression> Positional, List<(string, Expression)> Keywords) ParseArguments()
    {
        ExpectOperator("(");
        var positional = new List<Expression>();
        var keywords = new List<(string, Expression)>();
        while (!AcceptOperator(")"))
        {
            if (Current.Kind == TokenKind.Name && _tokens[_position + 1] is { Kind: TokenKind.Operator, Value: "=" })
            {
                var name = Next().Value;
                _position++;
                keywords.Add((name, ParseExpression()));
            }
            else positional.Add(ParseExpression());
            if (!AcceptOperator(",")) { ExpectOperator(")"); break; }
        }
        return (positional, keywords);
    }

    Expression ParsePrimary()
    {
        var token = Next();
        switch (token.Kind)
        {
            case TokenKind.String:
                // Adjacent literals join, as in Python.
                var text = token.Value;
                while (Current.Kind == TokenKind.String) text += Next().Value;
                return new LiteralExpression(text);
            case TokenKind.Integer:
                return new LiteralExpression(long.Parse(token.Value, CultureInfo.InvariantCulture));
            case TokenKind.Float:
                return new LiteralExpression(double.Parse(token.Value, CultureInfo.InvariantCulture));
            case TokenKind.Name:
                return token.Value switch
                {
                    "true" or "True" => new LiteralExpression(true),
                    "false" or "False" => new LiteralExpression(false),
                    "none" or "None" => new LiteralExpression(null),
                    _ => new NameExpression(token.Value),
                };
            case TokenKind.Operator when token.Value == "(":
                if (AcceptOperator(")")) return new TupleExpression([]);
                var first = ParseExpression();
                if (AcceptOperator(")")) return first;
                var items = new List<Expression> { first };
                while (AcceptOperator(",") && !IsOperator(")")) items.Add(ParseExpression());
                ExpectOperator(")");
                return new TupleExpression(items);
            case TokenKind.Operator when token.Value == "[":
                var list = new List<Expression>();
                while (!AcceptOperator("]"))
                {
                    list.Add(ParseExpression());
                    if (!AcceptOperator(",")) { ExpectOperator("]"); break; }
                }
                return new ListExpression(list);
            case TokenKind.Operator when token.Value == "{":
                var entries = new List<(Expression, Expression)>();
                while (!AcceptOperator("}"))
                {
                    var key = ParseExpression();
                    ExpectOperator(":");
                    entries.Add((key, ParseExpression()));
                    if (!AcceptOperator(",")) { ExpectOperator("}"); break; }
                }
                return new DictExpression(entries);
            default:
                _position--;
                throw Error("expected a value");
        }
    }

    JinjaToken Next() => _tokens[_position++];

    bool IsOperator(string op) => Current.Kind == TokenKind.Operator && Current.Value == op;

    bool AcceptOperator(string op)
    {
        if (!IsOperator(op)) return false;
        _position++;
        return true;
    }

    bool AcceptName(string name)
    {
        if (Current.Kind != TokenKind.Name || Current.Value != name) return false;
        _position++;
        return true;
    }

    void ExpectOperator(string op)
    {
        if (!AcceptOperator(op)) throw Error($"expected '{op}'");
    }

    string ExpectName() => Current.Kind == TokenKind.Name ? Next().Value : throw Error("expected a name");

    void Expect(TokenKind kind)
    {
        if (Current.Kind != kind) throw Error(kind == TokenKind.TagEnd ? "expected the end of the tag" : $"expected {kind}");
        _position++;
    }

    JinjaException Error(string problem)
    {
        var token = Current;
        var shown = token.Kind switch { TokenKind.End => "the end of the template", TokenKind.TagEnd => "the end of the tag", _ => $"'{token.Value}'" };
        return new JinjaException($"chat template, at character {token.Position}: {problem} (found {shown}).");
    }
}
