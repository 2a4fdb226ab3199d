using DomainAssistant.Model;
using DomainAssistant.Training.Pretraining;
using DomainAssistant.Training.Sft;

namespace DomainAssistant.Training.Tests;

public class TrainingPrecisionTests
{
    [Fact]
    public void The_default_is_bf16_only_where_the_cpu_multiplies_bf16_in_hardware()
    {
        Assert.Equal(NativeBFloat16.OnThisCpu ? TrainingPrecision.Bf16 : TrainingPrecision.Fp32, TrainingPrecisions.Default);
        Assert.Equal(TrainingPrecisions.Default, TrainingPrecisions.Parse("auto"));
        Assert.Equal(TrainingPrecisions.Default, new PretrainingOptions().Precision);
        Assert.Equal(TrainingPrecisions.Default, new SftOptions().Precision);
    }

    [Fact]
    public void Named_precisions_parse_and_anything_else_is_refused_by_name()
    {
        Assert.Equal(TrainingPrecision.Fp32, TrainingPrecisions.Parse("fp32"));
        Assert.Equal(TrainingPrecision.Bf16, TrainingPrecisions.Parse("bf16"));
        Assert.Contains("'fp16'", Assert.Throws<ArgumentException>(() => TrainingPrecisions.Parse("fp16")).Message);
    }

    [Fact]
    public void Bf16_comes_with_a_caution_only_where_it_is_emulated()
    {
        Assert.Null(TrainingPrecision.Fp32.Caution());
        if (NativeBFloat16.OnThisCpu) Assert.Null(TrainingPrecision.Bf16.Caution());
        else Assert.Contains("--precision fp32", TrainingPrecision.Bf16.Caution());
    }
}
