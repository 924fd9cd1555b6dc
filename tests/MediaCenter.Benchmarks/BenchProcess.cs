using System.Diagnostics;

namespace MediaCenter.Benchmarks;

/// <summary>This program started again in one of its helper modes (Program.cs), as a process of its own.</summary>
internal static class BenchProcess
{
    /// <summary>Starts <c>dotnet this.dll ARGS</c> with the server collector and standard input and output redirected.</summary>
    public static Process Start(string what, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(BenchProcess).Assembly.Location);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_gcServer"] = "1";
        return Process.Start(start) ?? throw new InvalidOperationException($"{what} did not start");
    }
}
