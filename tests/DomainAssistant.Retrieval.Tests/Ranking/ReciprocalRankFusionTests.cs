using DomainAssistant.Retrieval.Ranking;

namespace DomainAssistant.Retrieval.Tests.Ranking;

public class ReciprocalRankFusionTests
{
    static List<ChunkScore> List(params string[] ids) => ids.Select((id, i) => new ChunkScore(id, 100 - i)).ToList();

    [Fact]
    public void Sums_one_over_k_plus_rank_across_lists()
    {
        // Lexical: a, b, c. Dense: c, a, d. With k = 60:
        // a = 1/61 + 1/62 = 0.032522, c = 1/63 + 1/61 = 0.032266, b = 1/62 = 0.016129, d = 1/63 = 0.015873.
        var fused = ReciprocalRankFusion.Fuse([List("a", "b", "c"), List("c", "a", "d")]);

        Assert.Equal(["a", "c", "b", "d"], fused.Select(f => f.ChunkId));
        Assert.Equal(0.032522, fused[0].Score, precision: 6);
        Assert.Equal(0.032266, fused[1].Score, precision: 6);
        Assert.Equal(0.016129, fused[2].Score, precision: 6);
        Assert.Equal(0.015873, fused[3].Score, precision: 6);
        Assert.Equal([1, 2], fused[0].Ranks);
        Assert.Equal([2, null], fused[2].Ranks);
        Assert.Equal([null, 3], fused[3].Ranks);
    }

    [Fact]
    public void A_smaller_k_rewards_the_top_of_a_single_list_more()
    {
        // x tops one list; y is second in both. k = 60 favours agreement, k = 0 favours the single top rank.
        IReadOnlyList<IReadOnlyList<ChunkScore>> lists = [List("x", "y"), List("z", "y")];

        var smooth = ReciprocalRankFusion.Fuse(lists, k: 60);
        var sharp = ReciprocalRankFusion.Fuse(lists, k: 0);

        Assert.Equal("y", smooth[0].ChunkId);
        Assert.Equal(2.0 / 62, smooth[0].Score, precision: 12);
        Assert.Equal(1.0, sharp[0].Score, precision: 12);
        Assert.Equal(["x", "z", "y"], sharp.Select(f => f.ChunkId));
    }

    [Fact]
    public void Ties_are_broken_deterministically_by_best_rank_then_id()
    {
        var fused = ReciprocalRankFusion.Fuse([List("b", "a"), List("a", "b")]);

        Assert.Equal(fused[0].Score, fused[1].Score, precision: 15);
        Assert.Equal(["a", "b"], fused.Select(f => f.ChunkId));
    }

    [Fact]
    public void Raw_scores_do_not_matter_only_ranks()
    {
        var scaled = new List<ChunkScore> { new("a", 1e9), new("b", -5) };

        Assert.Equal(
            ReciprocalRankFusion.Fuse([List("a", "b")]).Select(f => f.Score),
            ReciprocalRankFusion.Fuse([scaled]).Select(f => f.Score));
    }

    [Fact]
    public void A_duplicate_within_one_list_counts_at_its_first_rank()
    {
        var fused = ReciprocalRankFusion.Fuse([List("a", "a", "b")]);

        Assert.Equal(1.0 / 61, fused[0].Score, precision: 12);
        Assert.Equal(1.0 / 63, fused[1].Score, precision: 12);
    }
}
