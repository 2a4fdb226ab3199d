using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using static DomainAssistant.Bench.Service.ReportText;

namespace DomainAssistant.Bench.Service;

/// <summary>
/// The <c>hostile</c> mode (issue 22): the real host in its own process on its defaults takes the bodies an outside
/// tester sent (40 MB chunked JSON, 25 MB chunked completions, a 10 MB Content-Length, bodies stalled short of their
/// Content-Length, lone surrogates, broken multipart) while its memory is read from /proc; then 100 corpus uploads, each
/// adding one distinct file, and the disk the domain's versions take. Prints two Markdown tables for bench/RESULTS.md.
/// </summary>
public static class HostileBenchmark
{
    const string TeamKey = "bench-team-key-0123456789abcdef";
    const string Domain = "tidewell-support";

    public static async Task<int> RunAsync()
    {
        var settings = new Dictionary<string, string>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Auth:Keys:0:Name"] = "bench-team", ["Auth:Keys:0:Key"] = TeamKey, ["Auth:Keys:0:Role"] = "domain-team",
            // The bench is one caller sending hundreds of requests: the defaults would (rightly) throttle it.
            ["RateLimits:UserBurst"] = "100000", ["RateLimits:ClientBurst"] = "100000", ["RateLimits:ChatStreamsPerUser"] = "1000",
        };
        Console.WriteLine($"## Hostile input ({DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC, {Environment.ProcessorCount} cores, load average {LoadAverage()})\n");
        await using var host = await HostProcess.StartAsync(settings, readyTimeout: TimeSpan.FromMinutes(5));
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TeamKey);
        await PrintHostileBodiesAsync(host, http);
        await PrintUploadsAsync(host, http, uploads: 100, bytesEach: 200 * 1024);
        return 0;
    }

    static async Task PrintHostileBodiesAsync(HostProcess host, HttpClient http)
    {
        var ready = ProcessMemory.MiB(host.ProcessId);
        var server = host.BaseAddress;
        var json = "Content-Type: application/json";
        var kinds = new (string Name, int Count, Func<Task<int>> Send)[]
        {
            ("40 MB chunked JSON to /api/chat", 16, () => RawRequests.SendAsync(server, $"POST /api/chat HTTP/1.1\r\n{json}\r\nTransfer-Encoding: chunked",
                RawRequests.Chunked("{\"message\":\"", 40L << 20), TimeSpan.FromSeconds(60))),
            ("25 MB chunked JSON to /v1/chat/completions", 16, () => RawRequests.SendAsync(server, $"POST /v1/chat/completions HTTP/1.1\r\n{json}\r\nTransfer-Encoding: chunked",
                RawRequests.Chunked("{\"messages\":[{\"role\":\"user\",\"content\":\"", 25L << 20), TimeSpan.FromSeconds(60))),
            ("10 MB with Content-Length to /api/feedback", 16, () => RawRequests.SendAsync(server, $"POST /api/feedback HTTP/1.1\r\n{json}\r\nContent-Length: {10 << 20}",
                [new byte[10 << 20]], TimeSpan.FromSeconds(60))),
            ("Content-Length 1000, 12 bytes sent, then silence", 8, () => RawRequests.SendAsync(server, $"POST /api/chat HTTP/1.1\r\n{json}\r\nContent-Length: 1000",
                ["{\"message\":\""u8.ToArray()], TimeSpan.FromSeconds(30))),
            ("lone surrogate in /v1 messages[].content", 100, () => PostAsync(http, "/v1/chat/completions",
                """{"messages":[{"role":"user","content":"\ud800"}]}""", "application/json")),
            (".jsonl line {\"question\":\"\\ud800\",\"answer\":\"a\"}", 50, () => PostAsync(http, $"/api/domains/{Domain}/corpora",
                "--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"p.jsonl\"\r\n\r\n{\"question\":\"\\ud800\",\"answer\":\"a\"}\r\n--b--\r\n", "multipart/form-data; boundary=b")),
            ("multipart framed by another boundary", 50, () => PostAsync(http, $"/api/domains/{Domain}/corpora",
                "--other\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.md\"\r\n\r\n# A\r\n--other--\r\n", "multipart/form-data; boundary=b")),
            ("multipart cut short", 50, () => PostAsync(http, $"/api/domains/{Domain}/corpora",
                "--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.md\"\r\n\r\n# A\nno end", "multipart/form-data; boundary=b")),
        };
        var table = new Table("body", "requests", "answers", "5xx", "seconds");
        foreach (var (name, count, send) in kinds)
        {
            var clock = Stopwatch.StartNew();
            var statuses = new int[count];
            await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) => statuses[i] = await send());
            var answers = string.Join(", ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "closed" : g.Key)} x{g.Count()}"));
            table.Add(name, count, answers, statuses.Count(s => s >= 500), clock.Elapsed.TotalSeconds);
        }
        var after = ProcessMemory.MiB(host.ProcessId);
        Console.WriteLine("### Hostile bodies (8 at a time, against the host on loopback)\n");
        Console.WriteLine(table);
        Console.WriteLine($"Host memory: {ready.Resident:F0} MiB resident when ready (peak so far {ready.Peak:F0}); after the bodies {after.Resident:F0} MiB " +
            $"resident, peak {after.Peak:F0} MiB. Load average after: {LoadAverage()}\n");
    }

    static async Task<int> PostAsync(HttpClient http, string path, string body, string contentType)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await http.PostAsync(new Uri(path, UriKind.Relative), content);
        return (int)response.StatusCode;
    }

    static async Task PrintUploadsAsync(HostProcess host, HttpClient http, int uploads, int bytesEach)
    {
        var seconds = new List<double>();
        for (var i = 0; i < uploads; i++)
        {
            var text = $"# Note {i}\n" + string.Concat(Enumerable.Repeat($"Depot {i} takes batteries and small electricals on weekdays. ", bytesEach / 60));
            using var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(text)), "files", $"note-{i:D3}.md" } };
            var clock = Stopwatch.StartNew();
            using var response = await http.PostAsync(new Uri($"/api/domains/{Domain}/corpora", UriKind.Relative), form);
            seconds.Add(clock.Elapsed.TotalSeconds);
            if ((int)response.StatusCode != 202) throw new InvalidOperationException($"upload {i} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        var corpora = Path.Combine(host.DataDirectory, "domains", Domain, "corpora");
        var distinct = new DirectoryInfo(Path.Combine(corpora, "content")).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        var table = new Table("uploads (mode=add, one new file each)", "distinct content MiB", "disk MiB (du)", "versions", "files in the last version",
            "first upload s", "median s", "last upload s");
        table.Add(uploads, distinct / 1048576.0, await DiskMiBAsync(corpora), Directory.GetDirectories(corpora, "v*").Length,
            Directory.GetFileSystemEntries(Path.Combine(corpora, $"v{uploads}", "documents")).Length, seconds[0], seconds.Order().ElementAt(seconds.Count / 2), seconds[^1]);
        Console.WriteLine($"### Corpus uploads ({uploads} of ~{bytesEach / 1024} KiB each to {Domain}, one after another)\n");
        Console.WriteLine(table);
        Console.WriteLine($"Disk: `du -s` of the domain's corpora folder (links counted as links, each distinct file once). Load average after: {LoadAverage()}\n");
    }

    static async Task<double> DiskMiBAsync(string folder)
    {
        using var du = Process.Start(new ProcessStartInfo("du", ["-s", "--block-size=1", folder]) { RedirectStandardOutput = true })!;
        var output = await du.StandardOutput.ReadToEndAsync();
        await du.WaitForExitAsync();
        return long.Parse(output.Split('\t')[0], CultureInfo.InvariantCulture) / 1048576.0;
    }
}
