namespace DomainAssistant.Model.Tokenization.Jinja;

/// <summary>
/// A Jinja template in the subset that chat templates use (for/if/elif/else, set with namespace(), macros,
/// filters, tests, string methods, loop variables, slicing, whitespace control), parsed once and rendered as
/// transformers renders it (trim_blocks and lstrip_blocks on).
/// </summary>
public sealed class JinjaTemplate
{
    readonly IReadOnlyList<Statement> _statements;

    JinjaTemplate(IReadOnlyList<Statement> statements) => _statements = statements;

    /// <summary>Parses <paramref name="source"/>.</summary>
    /// <exception cref="JinjaException">A construct outside the supported subset, or a syntax error; the message says which and where.</exception>
    public static JinjaTemplate Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new JinjaTemplate(JinjaParser.Parse(source));
    }

    /// <summary>
    /// Renders with <paramref name="context"/>: strings, booleans, numbers, lists and string-keyed dictionaries
    /// (nested freely), as the template's variables.
    /// </summary>
    /// <exception cref="JinjaRaisedException">The template called raise_exception.</exception>
    /// <exception cref="JinjaException">A runtime error, such as an unsupported filter or an attribute of an undefined name.</exception>
    public string Render(IReadOnlyDictionary<string, object?> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return JinjaEvaluator.Render(_statements, context);
    }
}
