using MediaCenter.Benchmarks;

// "bare-broker PORT" is B1's baseline broker and "watch FILE" B3's SignalR clients, started by the suite as processes of their own.
return args switch
{
    ["bare-broker", var port] => await BareBroker.ServeAsync(int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)),
    ["watch", var setup] => await RemoteWatchers.ServeAsync(setup),
    _ => await BenchRunner.RunAsync(args),
};
