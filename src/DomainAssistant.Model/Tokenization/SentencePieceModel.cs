namespace DomainAssistant.Model.Tokenization;

/// <summary>A piece's kind, numbered as in sentencepiece_model.proto's SentencePiece.Type.</summary>
internal enum SentencePieceType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}

/// <summary>One vocabulary entry of a SentencePiece model; its id is its index.</summary>
internal sealed record SentencePieceEntry(string Piece, float Score, SentencePieceType Type);

/// <summary>
/// The parts of a SentencePiece ModelProto (google/sentencepiece src/sentencepiece_model.proto) that decide how
/// text becomes ids. <see cref="ToBytes"/> writes a BPE model the library loads; <see cref="Parse"/> reads the
/// piece kinds and ids that Microsoft.ML.Tokenizers does not expose.
/// </summary>
internal sealed record SentencePieceModel
{
    // ModelProto fields.
    const int PiecesField = 1, TrainerSpecField = 2, NormalizerSpecField = 3;
    // ModelProto.SentencePiece fields.
    const int PieceField = 1, ScoreField = 2, TypeField = 3;
    // TrainerSpec fields.
    const int ModelTypeField = 3, VocabSizeField = 4, ByteFallbackField = 35;
    const int UnkIdField = 40, BosIdField = 41, EosIdField = 42, PadIdField = 43;
    const int UnkPieceField = 45, BosPieceField = 46, EosPieceField = 47;
    // NormalizerSpec fields.
    const int NameField = 1, AddDummyPrefixField = 3, RemoveExtraWhitespacesField = 4, EscapeWhitespacesField = 5;
    const int BpeModelType = 2;

    public required IReadOnlyList<SentencePieceEntry> Pieces { get; init; }

    // Defaults are the proto2 defaults, so a field absent from a parsed file means what the proto says.
    public int UnkId { get; init; }
    public int BosId { get; init; } = 1;
    public int EosId { get; init; } = 2;
    public int PadId { get; init; } = -1;
    public bool ByteFallback { get; init; }
    public bool AddDummyPrefix { get; init; } = true;
    public bool RemoveExtraWhitespaces { get; init; } = true;
    public bool EscapeWhitespaces { get; init; } = true;

    /// <summary>Serialises a BPE ModelProto with an identity normaliser (no precompiled character map).</summary>
    public byte[] ToBytes()
    {
        var model = new ProtoWriter();
        foreach (var entry in Pieces)
        {
            var piece = new ProtoWriter();
            piece.WriteString(PieceField, entry.Piece);
            piece.WriteFloat(ScoreField, entry.Score);
            piece.WriteVarint(TypeField, (int)entry.Type);
            model.WriteMessage(PiecesField, piece);
        }

        var trainer = new ProtoWriter();
        trainer.WriteVarint(ModelTypeField, BpeModelType);
        trainer.WriteVarint(VocabSizeField, Pieces.Count);
        trainer.WriteBool(ByteFallbackField, ByteFallback);
        trainer.WriteVarint(UnkIdField, UnkId);
        trainer.WriteVarint(BosIdField, BosId);
        trainer.WriteVarint(EosIdField, EosId);
        trainer.WriteVarint(PadIdField, PadId);
        WritePieceName(trainer, UnkPieceField, UnkId);
        WritePieceName(trainer, BosPieceField, BosId);
        WritePieceName(trainer, EosPieceField, EosId);
        model.WriteMessage(TrainerSpecField, trainer);

        var normalizer = new ProtoWriter();
        normalizer.WriteString(NameField, "identity");
        normalizer.WriteBool(AddDummyPrefixField, AddDummyPrefix);
        normalizer.WriteBool(RemoveExtraWhitespacesField, RemoveExtraWhitespaces);
        normalizer.WriteBool(EscapeWhitespacesField, EscapeWhitespaces);
        model.WriteMessage(NormalizerSpecField, normalizer);
        return model.ToArray();
    }

    void WritePieceName(ProtoWriter trainer, int field, int id)
    {
        if (id >= 0 && id < Pieces.Count) trainer.WriteString(field, Pieces[id].Piece);
    }

    /// <summary>
    /// Checks what Microsoft.ML.Tokenizers assumes without checking (unique pieces, the 256 byte pieces in order
    /// at consecutive ids, special ids inside the vocabulary) so a bad model fails here with a clear message.
    /// </summary>
    public void EnsureUsable(string source)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var firstByte = -1;
        for (var id = 0; id < Pieces.Count; id++)
        {
            var entry = Pieces[id];
            if (!seen.TryAdd(entry.Piece, id))
                throw new InvalidDataException($"{source}: piece {id} '{entry.Piece}' repeats piece {seen[entry.Piece]}.");
            if (entry.Type != SentencePieceType.Byte) continue;
            if (firstByte < 0) firstByte = id;
            var expected = $"<0x{id - firstByte:X2}>";
            if (id - firstByte > 255 || entry.Piece != expected)
                throw new InvalidDataException($"{source}: byte piece {id} is '{entry.Piece}', expected '{expected}' (byte pieces must be <0x00>..<0xFF> at consecutive ids).");
        }
        var byteCount = Pieces.Count(p => p.Type == SentencePieceType.Byte);
        if (byteCount is not (0 or 256))
            throw new InvalidDataException($"{source}: has {byteCount} byte pieces; byte fallback needs all 256.");
        if (ByteFallback && byteCount == 0)
            throw new InvalidDataException($"{source}: byte_fallback is set but the model has no byte pieces.");
        if (UnkId < 0 || UnkId >= Pieces.Count)
            throw new InvalidDataException($"{source}: unk_id {UnkId} is outside the {Pieces.Count} pieces.");
        if (BosId >= Pieces.Count || EosId >= Pieces.Count)
            throw new InvalidDataException($"{source}: bos_id {BosId} / eos_id {EosId} outside the {Pieces.Count} pieces.");
    }

    /// <summary>Reads pieces, special ids and normaliser flags; throws <see cref="InvalidDataException"/> naming <paramref name="source"/>.</summary>
    public static SentencePieceModel Parse(ReadOnlySpan<byte> data, string source)
    {
        try
        {
            var pieces = new List<SentencePieceEntry>();
            var model = new SentencePieceModel { Pieces = pieces };
            var reader = new ProtoReader(data);
            while (!reader.AtEnd)
            {
                var (field, type) = reader.ReadTag();
                model = field switch
                {
                    PiecesField => Add(pieces, ParsePiece(reader.ReadBytes(type), pieces.Count), model),
                    TrainerSpecField => ParseTrainerSpec(reader.ReadBytes(type), model),
                    NormalizerSpecField => ParseNormalizerSpec(reader.ReadBytes(type), model),
                    _ => SkipField(ref reader, type, model),
                };
            }
            if (pieces.Count == 0) throw new InvalidDataException("the model has no pieces.");
            return model;
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{source}: not a valid SentencePiece model: {ex.Message}", ex);
        }
    }

    static SentencePieceModel Add(List<SentencePieceEntry> pieces, SentencePieceEntry entry, SentencePieceModel model)
    {
        pieces.Add(entry);
        return model;
    }

    static SentencePieceModel SkipField(ref ProtoReader reader, WireType type, SentencePieceModel model)
    {
        reader.Skip(type);
        return model;
    }

    static SentencePieceEntry ParsePiece(ReadOnlySpan<byte> data, int id)
    {
        var reader = new ProtoReader(data);
        string? piece = null;
        float score = 0;
        var kind = SentencePieceType.Normal;
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            switch (field)
            {
                case PieceField: piece = reader.ReadString(type); break;
                case ScoreField: score = reader.ReadFloat(type); break;
                case TypeField: kind = (SentencePieceType)reader.ReadVarint(type); break;
                default: reader.Skip(type); break;
            }
        }
        if (string.IsNullOrEmpty(piece)) throw new InvalidDataException($"piece {id} has no text.");
        if (!Enum.IsDefined(kind)) throw new InvalidDataException($"piece {id} has unknown type {(int)kind}.");
        return new SentencePieceEntry(piece, score, kind);
    }

    static SentencePieceModel ParseTrainerSpec(ReadOnlySpan<byte> data, SentencePieceModel model)
    {
        var reader = new ProtoReader(data);
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            model = field switch
            {
                ByteFallbackField => model with { ByteFallback = reader.ReadVarint(type) != 0 },
                UnkIdField => model with { UnkId = (int)reader.ReadVarint(type) },
                BosIdField => model with { BosId = (int)reader.ReadVarint(type) },
                EosIdField => model with { EosId = (int)reader.ReadVarint(type) },
                PadIdField => model with { PadId = (int)reader.ReadVarint(type) },
                _ => SkipField(ref reader, type, model),
            };
        }
        return model;
    }

    static SentencePieceModel ParseNormalizerSpec(ReadOnlySpan<byte> data, SentencePieceModel model)
    {
        var reader = new ProtoReader(data);
        while (!reader.AtEnd)
        {
            var (field, type) = reader.ReadTag();
            model = field switch
            {
                AddDummyPrefixField => model with { AddDummyPrefix = reader.ReadVarint(type) != 0 },
                RemoveExtraWhitespacesField => model with { RemoveExtraWhitespaces = reader.ReadVarint(type) != 0 },
                EscapeWhitespacesField => model with { EscapeWhitespaces = reader.ReadVarint(type) != 0 },
                _ => SkipField(ref reader, type, model),
            };
        }
        return model;
    }
}
