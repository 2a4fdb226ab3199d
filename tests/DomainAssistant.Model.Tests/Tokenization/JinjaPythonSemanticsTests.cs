using DomainAssistant.Model.Tokenization.Jinja;

namespace DomainAssistant.Model.Tests.Tokenization;

/// <summary>
/// Where @huggingface/jinja departs from Python's jinja2, which transformers renders chat templates with, we follow
/// Python: values print as Python prints them, strip takes characters, tests take arguments without parentheses,
/// strings repeat and compare. Expectations are Python's documented results.
/// </summary>
public class JinjaPythonSemanticsTests
{
    static string Render(string source, Dictionary<string, object?>? context = null) =>
        JinjaTemplate.Parse(source).Render(context ?? []);

    [Fact]
    public void Prints_values_as_Python_str_does()
    {
        Assert.Equal("True False None", Render("{{ true }} {{ false }} {{ none }}"));
        Assert.Equal("['a', 1, None, True, 2.5]", Render("{{ ['a', 1, none, true, 2.5] }}"));
        Assert.Equal("{'k': 'v'}", Render("{{ {'k': 'v'} }}"));
        Assert.Equal("[\"it's\", 'a\\nb', 'say \"x\"']", Render("{{ [\"it's\", 'a\\nb', 'say \"x\"'] }}"));
        Assert.Equal("", Render("{{ missing }}"));
    }

    [Fact]
    public void Strips_given_characters()
    {
        // Qwen 3's template cuts reasoning with .lstrip('\n'): a leading space must survive.
        Assert.Equal(" there", Render("{{ 'x</think> there'.split('</think>')[-1].lstrip('\\n') }}"));
        Assert.Equal("hi", Render("{{ 'xxhixx'.strip('x') }}"));
        Assert.Equal("hi", Render("{{ 'xxhixx' | trim('x') }}"));
    }

    [Fact]
    public void Takes_a_test_argument_without_parentheses_and_repeats_and_compares_strings()
    {
        Assert.Equal("yes", Render("{% if 21 is divisibleby 7 %}yes{% endif %}"));
        Assert.Equal("ababab", Render("{{ 'ab' * 3 }}"));
        Assert.Equal("yes", Render("{% if 'a' < 'b' %}yes{% endif %}"));
        Assert.Equal("-3 2", Render("{{ -7 // 3 }} {{ -7 % 3 }}"));
    }

    [Fact]
    public void Strftime_now_gives_the_local_date_as_transformers_does_for_llama_3_2()
    {
        var before = DateTime.Now.ToString("dd MMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
        var rendered = Render("{%- if strftime_now is defined %}{{ strftime_now('%d %b %Y') }}{% else %}26 Jul 2024{% endif %}");
        var after = DateTime.Now.ToString("dd MMM yyyy", System.Globalization.CultureInfo.InvariantCulture);

        Assert.Contains(rendered, new[] { before, after });
        Assert.Contains("'%Q'", Assert.Throws<JinjaException>(() => Render("{{ strftime_now('%Q') }}")).Message);
    }

    [Fact]
    public void Refuses_what_it_does_not_support_by_name()
    {
        Assert.Contains("'include'", Assert.Throws<JinjaException>(() => JinjaTemplate.Parse("{% include 'x' %}")).Message);
        Assert.Contains("'wordwrap'", Assert.Throws<JinjaException>(() => Render("{{ 'x' | wordwrap }}")).Message);
        Assert.Contains("'nope'", Assert.Throws<JinjaException>(() => Render("{{ nope.attr }}")).Message);
        Assert.Contains("never closed", Assert.Throws<JinjaException>(() => JinjaTemplate.Parse("{% if x %}open")).Message);
    }
}
