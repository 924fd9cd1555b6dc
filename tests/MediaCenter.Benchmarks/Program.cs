using MediaCenter.Benchmarks;

// "bare-broker PORT" is B1's baseline broker, started by the suite as a process of its own.
return args is ["bare-broker", var port] ? await BareBroker.ServeAsync(int.Parse(port, System.Globalization.CultureInfo.InvariantCulture))
    : await BenchRunner.RunAsync(args);
