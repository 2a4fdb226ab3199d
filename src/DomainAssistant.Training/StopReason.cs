using System.Text.Json.Serialization;

namespace DomainAssistant.Training;

/// <summary>Why a training run stopped. Written in JSON (summaries, lineage, events) as the lower-case snake_case name.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StopReason>))]
public enum StopReason
{
    /// <summary>The schedule ran to its last step.</summary>
    [JsonStringEnumMemberName("schedule")] Schedule,

    /// <summary>Held-out loss stopped improving (SFT's patience ran out).</summary>
    [JsonStringEnumMemberName("early_stopping")] EarlyStopping,

    /// <summary>The time budget was spent.</summary>
    [JsonStringEnumMemberName("time_limit")] TimeLimit,

    /// <summary>The caller cancelled.</summary>
    [JsonStringEnumMemberName("cancelled")] Cancelled,

    /// <summary>A loss or gradient norm was NaN or infinite; that step was not applied.</summary>
    [JsonStringEnumMemberName("diverged")] Diverged,

    /// <summary>The policy moved further from its reference than the KL bound allows (KTO, RLOO); the last adapter within it is kept.</summary>
    [JsonStringEnumMemberName("kl_bound")] KlBound,
}

/// <summary>The names <see cref="StopReason"/> is written with.</summary>
public static class StopReasons
{
    /// <summary>The name in JSON and on the terminal, e.g. "time_limit".</summary>
    public static string Name(this StopReason reason) => reason switch
    {
        StopReason.Schedule => "schedule",
        StopReason.EarlyStopping => "early_stopping",
        StopReason.TimeLimit => "time_limit",
        StopReason.Cancelled => "cancelled",
        StopReason.Diverged => "diverged",
        StopReason.KlBound => "kl_bound",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "not a stop reason"),
    };

    /// <summary>Whether the run did what it set out to do (the schedule, or early stopping), rather than being cut short.</summary>
    public static bool Completed(this StopReason reason) => reason is StopReason.Schedule or StopReason.EarlyStopping;
}
