using MediaCenter.Benchmarks;

return await BenchRunner.RunAsync(args);
