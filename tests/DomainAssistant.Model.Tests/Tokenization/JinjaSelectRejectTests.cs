using DomainAssistant.Model.Tokenization.Jinja;

namespace DomainAssistant.Model.Tests.Tokenization;

/// <summary>
/// The select and reject filters as Python's jinja2 defines them: a test name and its arguments, or each item's
/// truthiness without one. @huggingface/jinja has neither filter, so the expectations are written out by hand from
/// jinja2's semantics (each was checked against jinja2 3.1.6, the engine transformers renders templates with).
/// </summary>
public class JinjaSelectRejectTests
{
    static string Render(string source) => JinjaTemplate.Parse(source).Render(new Dictionary<string, object?>());

    [Theory]
    [InlineData("{{ [1,2,3,4,5] | select('odd') | list }}", "[1, 3, 5]")]
    [InlineData("{{ [1,2,3,4,5] | reject('odd') | list }}", "[2, 4]")]
    [InlineData("{{ [3, 6, 7] | select('divisibleby', 3) | list }}", "[3, 6]")]
    [InlineData("{{ [1,5,9] | select('gt', 4) | list }}", "[5, 9]")]
    [InlineData("{{ [1,2,3] | reject('le', 2) | first }}", "3")]
    [InlineData("{{ ['a','B'] | select('lower') | list }}", "['a']")]
    [InlineData("{{ 'aBc' | select('upper') | join }}", "B")]
    [InlineData("{{ [1, 'a', none] | select('none') | list }}", "[None]")]
    [InlineData("{{ {'x': 1, 'y': 2} | reject('eq', 'x') | list }}", "['y']")]
    public void Keeps_or_drops_the_items_a_named_test_passes(string source, string expected) =>
        Assert.Equal(expected, Render(source));

    [Fact]
    public void Without_a_test_name_keeps_or_drops_by_truthiness()
    {
        Assert.Equal("[1, 'a', [0]]", Render("{{ [0, 1, '', 'a', none, [], [0]] | select | list }}"));
        Assert.Equal("[0, '', None]", Render("{{ [0, 1, '', 'a', none] | reject | list }}"));
    }

    [Fact]
    public void Drops_code_interpreter_from_the_builtin_tools_as_Llama_3_1_does()
    {
        const string source = "{{ builtin_tools | reject('equalto', 'code_interpreter') | join(', ') }}";
        var rendered = JinjaTemplate.Parse(source).Render(new Dictionary<string, object?>
        {
            ["builtin_tools"] = new List<object?> { "brave_search", "code_interpreter", "wolfram_alpha" },
        });
        Assert.Equal("brave_search, wolfram_alpha", rendered);
    }

    [Fact]
    public void Refuses_an_unknown_test_by_name() =>
        Assert.Contains("'nope'", Assert.Throws<JinjaException>(() => Render("{{ [1] | select('nope') | list }}")).Message);
}
