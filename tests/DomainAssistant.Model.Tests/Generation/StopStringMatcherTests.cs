using DomainAssistant.Model.Generation;

namespace DomainAssistant.Model.Tests.Generation;

public class StopStringMatcherTests
{
    [Fact]
    public void Holds_back_a_possible_stop_prefix_and_releases_it_when_it_is_not_one()
    {
        var matcher = new StopStringMatcher(["<|end|>"]);
        Assert.Equal("Hello ", matcher.Push("Hello <|"));
        Assert.Equal("<|x", matcher.Push("x"));
        Assert.False(matcher.Stopped);
    }

    [Fact]
    public void Stops_before_a_stop_string_split_across_pieces()
    {
        var matcher = new StopStringMatcher(["\nUser:"]);
        var released = matcher.Push("Fine.\nUs") + matcher.Push("er: more") + matcher.Push(" ignored");
        Assert.Equal("Fine.", released);
        Assert.True(matcher.Stopped);
        Assert.Equal("", matcher.Flush());
    }

    [Fact]
    public void Flush_releases_the_held_tail_when_generation_ends_otherwise()
    {
        var matcher = new StopStringMatcher(["###"]);
        Assert.Equal("a", matcher.Push("a##"));
        Assert.Equal("##", matcher.Flush());
    }

    [Fact]
    public void Without_stop_strings_everything_passes_through()
    {
        var matcher = new StopStringMatcher([]);
        Assert.Equal("abc", matcher.Push("abc"));
    }
}
