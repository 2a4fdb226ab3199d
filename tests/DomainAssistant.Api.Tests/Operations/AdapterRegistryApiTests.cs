using System.Net;
using System.Text.Json;
using DomainAssistant.Api.Tests.Support;
using DomainAssistant.Model.Lora;

namespace DomainAssistant.Api.Tests.Operations;

/// <summary>
/// The adapter registry through the real host (issue 18): an operator uploads a zip of a PEFT folder; a valid one is
/// kept with its checksum and listed; every refusal names what is wrong, with the status that says what kind it is.
/// </summary>
public sealed class AdapterRegistryApiTests : IClassFixture<AdapterRegistryApiTests.Host>
{
    public sealed class Host : IAsyncLifetime
    {
        public AssistantHost Assistant { get; } = new(new Dictionary<string, string?> { ["Operator:MaxAdapterBytes"] = "2000000", ["Operator:MaxAdapterExtractedBytes"] = "1000000" });

        public HttpClient Client { get; private set; } = null!;

        public TempFolder Scratch { get; } = new();

        public async Task InitializeAsync() => Client = AdapterZips.OperatorClient(await Assistant.ReadyClientAsync());

        public Task DisposeAsync()
        {
            Client.Dispose();
            Assistant.Dispose();
            Scratch.Dispose();
            return Task.CompletedTask;
        }
    }

    readonly Host _host;

    public AdapterRegistryApiTests(Host host) => _host = host;

    static readonly Uri Adapters = new("/api/operator/adapters", UriKind.Relative);

    async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(byte[] zip, string mediaType = "application/zip", string query = "")
    {
        using var response = await _host.Client.PostAsync(new Uri(Adapters + query, UriKind.Relative), AdapterZips.Body(zip, mediaType));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    async Task<string> RefusedAsync(byte[] zip, HttpStatusCode expected, string mediaType = "application/zip")
    {
        var (status, body) = await PostAsync(zip, mediaType);
        Assert.Equal(expected, status);
        return body.GetProperty("detail").GetString()!;
    }

    [Fact]
    public async Task A_valid_zip_is_registered_with_its_checksum_and_listed_without_a_verdict()
    {
        var folder = ScriptedModel.Instance.Adapters["candidate"];
        var (status, body) = await PostAsync(AdapterZips.Zip(folder, "candidate/"), query: "?domain=fernbrook-recycling");

        Assert.Equal(HttpStatusCode.Created, status);
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal(PeftAdapter.WeightsSha256(folder), body.GetProperty("sha256").GetString());

        var list = JsonDocument.Parse(await _host.Client.GetStringAsync(Adapters)).RootElement;
        var listed = list.EnumerateArray().Single(a => a.GetProperty("id").GetString() == id);
        Assert.Equal("fernbrook-recycling", listed.GetProperty("domain").GetString());
        Assert.Equal("ops", listed.GetProperty("registeredBy").GetString());
        Assert.False(listed.GetProperty("releasable").GetBoolean());
        Assert.Contains("has no gate verdict", listed.GetProperty("notReleasableBecause").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, listed.GetProperty("verdicts").GetArrayLength());

        var (again, same) = await PostAsync(AdapterZips.Zip(folder));
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(id, same.GetProperty("id").GetString());
    }

    [Fact]
    public async Task The_list_and_upload_need_an_operator_key()
    {
        using var anonymous = _host.Assistant.CreateClient();
        using var list = await anonymous.GetAsync(Adapters);
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        using var team = _host.Assistant.CreateClient();
        team.DefaultRequestHeaders.Authorization = new("Bearer", AssistantHost.TeamKey);
        using var upload = await team.PostAsync(Adapters, AdapterZips.Body(AdapterZips.Zip(ScriptedModel.Instance.Adapters["sft"])));
        Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
    }

    [Theory]
    [InlineData("../adapter_config.json", "path traversal")]
    [InlineData("/etc/evil", "absolute path")]
    [InlineData("run.sh", "is not part of a PEFT adapter")]
    public async Task A_path_trick_or_foreign_file_is_a_422_naming_the_entry(string entry, string reason)
    {
        var detail = await RefusedAsync(AdapterZips.Zip(ScriptedModel.Instance.Adapters["sft"], "", (entry, "x"u8.ToArray())), HttpStatusCode.UnprocessableEntity);
        Assert.Contains(entry, detail, StringComparison.Ordinal);
        Assert.Contains(reason, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tensor_that_is_not_a_lora_factor_is_a_422_naming_it()
    {
        var folder = AdapterZips.WithTensor(ScriptedModel.Instance.Adapters["sft"], _host.Scratch.Combine("non-lora"), "base_model.model.lm_head.weight", [8, 64]);
        var detail = await RefusedAsync(AdapterZips.Zip(folder), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("'base_model.model.lm_head.weight' is not a LoRA factor", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Factors_shaped_for_another_base_are_a_422_naming_the_shapes()
    {
        var detail = await RefusedAsync(AdapterZips.Zip(AdapterZips.ForAnotherBase(_host.Scratch.Combine("other-base"))), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("has shape [4, 32]", detail, StringComparison.Ordinal);
        Assert.Contains("needs [4, 64]", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zip_that_expands_past_the_limit_is_a_413()
    {
        var zip = AdapterZips.Zip(ScriptedModel.Instance.Adapters["sft"], "", ("README.md", new byte[1_500_000]));
        Assert.True(zip.Length < 2_000_000, "the zip itself is under the body limit: its contents are what is too large");
        var detail = await RefusedAsync(zip, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("1000000 bytes", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_upload_limit_is_a_413_naming_the_setting()
    {
        var detail = await RefusedAsync(new byte[2_100_000], HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("Operator:MaxAdapterBytes", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_is_not_a_zip_is_a_400()
    {
        var detail = await RefusedAsync("PK but not really a zip"u8.ToArray(), HttpStatusCode.BadRequest);
        Assert.Contains("not a zip archive", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_content_type_is_a_415()
    {
        var detail = await RefusedAsync(AdapterZips.Zip(ScriptedModel.Instance.Adapters["sft"]), HttpStatusCode.UnsupportedMediaType, "application/octet-stream");
        Assert.Contains("application/zip", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_domain_is_a_400_naming_the_field()
    {
        var (status, body) = await PostAsync(AdapterZips.Zip(ScriptedModel.Instance.Adapters["sft"]), query: "?domain=nowhere");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("domain", out _));
    }
}
