namespace DomainAssistant.Retrieval.Chunking;

/// <summary>Where a text may be cut, from the most preferred boundary to the least.</summary>
enum SplitLevel
{
    /// <summary>Before a Markdown heading.</summary>
    Section,
    /// <summary>After a blank line (a heading stays glued to the paragraph under it).</summary>
    Paragraph,
    /// <summary>At a line start or after sentence-ending punctuation.</summary>
    Sentence,
    /// <summary>Before a word.</summary>
    Word,
}
