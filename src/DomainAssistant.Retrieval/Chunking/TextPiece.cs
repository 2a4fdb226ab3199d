namespace DomainAssistant.Retrieval.Chunking;

/// <summary>
/// A span [Start, End) of the document that fits in one chunk and is never cut further.
/// Consecutive pieces touch, so any run of them is one contiguous span.
/// </summary>
readonly record struct TextPiece(int Start, int End, bool StartsSection, bool IsHeading);
