namespace DomainAssistant.Api.Tests.Support;

/// <summary>The embedded default with no Model:Path, its bootstrap shrunk to seconds: a tiny base, a few steps, one epoch of each tuning stage.</summary>
public static class TinyBootstrap
{
    public static Dictionary<string, string?> Settings(string dataDirectory)
    {
        var settings = AssistantHost.WithoutScriptedModel();
        settings["Storage:DataDirectory"] = dataDirectory;
        settings["Model:Bootstrap:Size"] = "tiny";
        settings["Model:Bootstrap:VocabSize"] = "400";
        settings["Model:Bootstrap:ContextLength"] = "1024";
        settings["Model:Bootstrap:SftSequenceLength"] = "1000";
        settings["Model:Bootstrap:BaseSteps"] = "3";
        settings["Model:Bootstrap:BatchRows"] = "4";
        settings["Model:Bootstrap:SftEpochs"] = "1";
        settings["Model:Bootstrap:SftMinutes"] = "2";
        settings["Model:Bootstrap:QuestionsPerSentence"] = "1";
        settings["Model:Bootstrap:MaxSentenceExamples"] = "20";
        settings["Model:Bootstrap:SftRank"] = "4";
        return settings;
    }
}
