using DomainAssistant.Bench;

// Benchmarks print Markdown tables; bench/RESULTS.md records a run on our 2-core development machine.
var profile = MachineProfile.Measure();
var machine = new Table("threads", "fp32 matmul GFLOP/s", "bf16 matmul GFLOP/s", "memory read GB/s");
machine.Add(profile.Threads, profile.MatmulFp32Gflops, profile.MatmulBf16Gflops, profile.MemoryReadGBps);
Console.WriteLine("## Machine");
Console.WriteLine(machine);
