using DomainAssistant.Training.Checkpointing;
using DomainAssistant.Training.Optimization;
using DomainAssistant.Training.Tests.Support;

namespace DomainAssistant.Training.Tests.Optimization;

public sealed class ScheduleAndCheckpointTests
{
    [Fact]
    public void The_schedule_warms_up_linearly_then_decays_by_half_cosine_to_the_floor()
    {
        var schedule = new CosineSchedule(Peak: 1e-3, WarmupSteps: 10, TotalSteps: 110, MinRatio: 0.1);

        Assert.Equal(1e-4, schedule.At(0), 12);
        Assert.Equal(1e-3, schedule.At(9), 12);
        Assert.Equal(1e-3, schedule.At(10), 12);
        Assert.Equal(0.55e-3, schedule.At(60), 12); // halfway through the decay: the mean of peak and floor
        Assert.Equal(1e-4, schedule.At(110), 12);
        Assert.Equal(1e-4, schedule.At(500), 12);
        Assert.True(Enumerable.Range(10, 100).All(s => schedule.At(s + 1) <= schedule.At(s)));
    }

    [Fact]
    public void A_partial_checkpoint_folder_is_never_taken_for_a_checkpoint()
    {
        using var work = new TempFolder();
        work.File("checkpoint.partial/trainer_state.json", "{ half written");
        Assert.Null(TrainingCheckpoint.Find(work.Path));

        // A kill between the two renames leaves only the previous checkpoint: it is the one found.
        work.File("checkpoint.previous/trainer_state.json", "{}");
        Assert.Equal(Path.Combine(work.Path, "checkpoint.previous"), TrainingCheckpoint.Find(work.Path));
        work.File("checkpoint/trainer_state.json", "{}");
        Assert.Equal(Path.Combine(work.Path, "checkpoint"), TrainingCheckpoint.Find(work.Path));
    }
}
