namespace DomainAssistant.Experiments.Statistics;

/// <summary>What the always-valid test says about treatment minus control so far.</summary>
public enum ExperimentDecision
{
    /// <summary>Zero is still inside the confidence sequence: keep collecting.</summary>
    Inconclusive,

    /// <summary>The whole confidence sequence lies above zero.</summary>
    TreatmentBetter,

    /// <summary>The whole confidence sequence lies below zero.</summary>
    TreatmentWorse,
}
