namespace DomainAssistant.Model.Tokenization.Jinja;

// The template's syntax tree: statements write output, expressions compute values.

internal abstract record Statement;

internal sealed record TextStatement(string Text) : Statement;

internal sealed record OutputStatement(Expression Value) : Statement;

internal sealed record IfStatement(IReadOnlyList<(Expression Condition, IReadOnlyList<Statement> Body)> Branches, IReadOnlyList<Statement> Else) : Statement;

internal sealed record ForStatement(IReadOnlyList<string> Targets, Expression Iterable, Expression? Filter, IReadOnlyList<Statement> Body, IReadOnlyList<Statement> Else) : Statement;

/// <summary>{% set x = v %}, {% set ns.x = v %} (Attribute set) or {% set x %}body{% endset %} (Value null, Body given).</summary>
internal sealed record SetStatement(IReadOnlyList<string> Targets, string? Attribute, Expression? Value, IReadOnlyList<Statement>? Body) : Statement;

internal sealed record MacroStatement(string Name, IReadOnlyList<(string Name, Expression? Default)> Parameters, IReadOnlyList<Statement> Body) : Statement;

internal sealed record BreakStatement : Statement;

internal sealed record ContinueStatement : Statement;

internal abstract record Expression;

internal sealed record LiteralExpression(object? Value) : Expression;

internal sealed record NameExpression(string Name) : Expression;

internal sealed record ListExpression(IReadOnlyList<Expression> Items) : Expression;

internal sealed record TupleExpression(IReadOnlyList<Expression> Items) : Expression;

internal sealed record DictExpression(IReadOnlyList<(Expression Key, Expression Value)> Items) : Expression;

internal sealed record AttributeExpression(Expression Target, string Name) : Expression;

internal sealed record IndexExpression(Expression Target, Expression Index) : Expression;

internal sealed record SliceExpression(Expression Target, Expression? Start, Expression? Stop, Expression? Step) : Expression;

internal sealed record CallExpression(Expression Callee, IReadOnlyList<Expression> Arguments, IReadOnlyList<(string Name, Expression Value)> KeywordArguments) : Expression;

internal sealed record FilterExpression(Expression Value, string Name, IReadOnlyList<Expression> Arguments, IReadOnlyList<(string Name, Expression Value)> KeywordArguments) : Expression;

internal sealed record TestExpression(Expression Value, string Name, IReadOnlyList<Expression> Arguments, bool Negated) : Expression;

internal sealed record UnaryExpression(string Operator, Expression Operand) : Expression;

internal sealed record BinaryExpression(string Operator, Expression Left, Expression Right) : Expression;

internal sealed record ConditionalExpression(Expression Condition, Expression Then, Expression? Else) : Expression;
