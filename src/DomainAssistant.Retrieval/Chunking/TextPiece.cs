namespace DomainAssistant.Retrieval.Chunking;

/// <summary>
/// A span [Start, End) of the document that fits in one chunk and is never cut further.
/// Consecutive pieces touch, so any run of them is one contiguous span. <see cref="Tokens"/> is the piece's own
/// count; a run's count is close to the sum (a tokenizer may merge across a boundary), so the sum only guides
/// packing and the exact count of the run decides.
/// </summary>
readonly record struct TextPiece(int Start, int End, int Tokens, bool StartsSection, bool IsHeading);
