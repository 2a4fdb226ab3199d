using System.Security.Cryptography;
using DomainAssistant.Model.Checkpoints;

namespace DomainAssistant.Model.Tests.Checkpoints;

/// <summary>
/// Specifies a model folder's checksums.sha256: written in sha256sum's format for every file below the folder; verified
/// clean when nothing changed; a changed byte or a deleted file is reported naming that file; a listed path outside the
/// folder is refused, even one whose name starts like the folder's.
/// </summary>
public sealed class FolderChecksumsTests : IDisposable
{
    readonly TempFolder _scratch = new();
    readonly string _model;

    public FolderChecksumsTests()
    {
        _model = Path.Combine(_scratch.Path, "model");
        Write("base/model.safetensors", [1, 2, 3, 4, 5, 6, 7, 8]);
        Write("base/config.json", "{\"hidden_size\": 64}"u8.ToArray());
        Write("adapter/adapter_model.safetensors", [9, 9, 9]);
        Write("training.json", "{}"u8.ToArray());
    }

    public void Dispose() => _scratch.Dispose();

    string Write(string relative, byte[] bytes)
    {
        var path = Path.Combine(_model, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    string ChecksumFile => Path.Combine(_model, FolderChecksums.FileName);

    [Fact]
    public void Written_checksums_list_every_file_in_sha256sum_format_and_verify_clean()
    {
        FolderChecksums.Write(_model);

        Assert.Equal(
            [
                $"{Sha256(Path.Combine(_model, "adapter/adapter_model.safetensors"))}  adapter/adapter_model.safetensors",
                $"{Sha256(Path.Combine(_model, "base/config.json"))}  base/config.json",
                $"{Sha256(Path.Combine(_model, "base/model.safetensors"))}  base/model.safetensors",
                $"{Sha256(Path.Combine(_model, "training.json"))}  training.json",
            ],
            File.ReadAllLines(ChecksumFile));
        Assert.Empty(FolderChecksums.Verify(_model));

        FolderChecksums.Write(_model); // writing again does not list the checksum file itself
        Assert.Equal(4, File.ReadAllLines(ChecksumFile).Length);
        Assert.Empty(FolderChecksums.Verify(_model));
    }

    [Fact]
    public void A_changed_byte_is_a_checksum_mismatch_naming_that_file_only()
    {
        FolderChecksums.Write(_model);
        var weights = Path.Combine(_model, "base", "model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        bytes[5] ^= 0x01;
        File.WriteAllBytes(weights, bytes);

        var problem = Assert.Single(FolderChecksums.Verify(_model));
        Assert.StartsWith($"{weights}: checksum mismatch", problem);
    }

    [Fact]
    public void A_deleted_file_is_reported_missing_by_name()
    {
        FolderChecksums.Write(_model);
        var adapter = Path.Combine(_model, "adapter", "adapter_model.safetensors");
        File.Delete(adapter);

        Assert.Equal([$"{adapter}: missing"], FolderChecksums.Verify(_model));
    }

    [Fact]
    public void A_folder_without_its_checksum_file_does_not_verify()
    {
        var problem = Assert.Single(FolderChecksums.Verify(_model));
        Assert.Contains(FolderChecksums.FileName, problem);
        Assert.Contains("missing", problem);
    }

    [Fact]
    public void A_malformed_line_is_reported_with_its_line_number()
    {
        FolderChecksums.Write(_model);
        File.AppendAllLines(ChecksumFile, ["not-a-checksum training.json"]);

        var problem = Assert.Single(FolderChecksums.Verify(_model));
        Assert.StartsWith($"{ChecksumFile}:5: ", problem);
    }

    [Theory]
    [InlineData("../outside.bin")]
    [InlineData("../model-twin/weights.bin")] // a sibling whose path starts with the folder's own
    [InlineData("base/../../outside.bin")]
    [InlineData("ABSOLUTE")]
    public void A_listed_path_outside_the_folder_is_refused_even_when_its_checksum_matches(string listed)
    {
        var outside = Path.Combine(_scratch.Path, "outside.bin");
        File.WriteAllBytes(outside, [42]);
        var twin = Path.Combine(_scratch.Path, "model-twin", "weights.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(twin)!);
        File.WriteAllBytes(twin, [42]);
        if (listed == "ABSOLUTE") listed = outside;
        FolderChecksums.Write(_model);
        File.AppendAllLines(ChecksumFile, [$"{Sha256(outside)}  {listed}"]);

        var problem = Assert.Single(FolderChecksums.Verify(_model));
        Assert.Equal($"{ChecksumFile}:5: {listed} is outside the folder", problem);
    }
}
