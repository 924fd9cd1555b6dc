using System.Diagnostics;

namespace MediaCenter.Launcher;

/// <summary>One MediaCenter process (silo, web, gateway) started from its built assembly, logging to a file.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Task _pumps;
    private bool _disposed;

    /// <summary>A short name: silo, web, gateway.</summary>
    public string Name { get; }

    /// <summary>The HTTP base address that serves /health and /metrics.</summary>
    public Uri HttpBase { get; }

    /// <summary>The built assembly it runs (<c>dotnet ASSEMBLY</c>).</summary>
    public string Assembly { get; }

    /// <summary>The log file the process writes to.</summary>
    public string LogPath { get; }

    /// <summary>The OS process id.</summary>
    public int Pid { get; }

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code (only after <see cref="HasExited"/>).</summary>
    public int ExitCode => _process.ExitCode;

    private ServiceProcess(string name, string assembly, Uri httpBase, string logPath, Process process, StreamWriter log)
    {
        Name = name;
        Assembly = assembly;
        Pid = process.Id;
        HttpBase = httpBase;
        LogPath = logPath;
        _process = process;
        _log = log;
        _pumps = Task.WhenAll(Pump(process.StandardOutput), Pump(process.StandardError));
    }

    /// <summary>Starts <c>dotnet ASSEMBLY</c> in <paramref name="workingDirectory"/> with the given environment.</summary>
    public static ServiceProcess Start(string name, string assembly, string workingDirectory, Uri httpBase,
        IReadOnlyDictionary<string, string> environment, string logPath)
    {
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"The {name} has not been built: {assembly} is missing. Run the build first.", assembly);
        }

        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { assembly },
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start the {name}.");
        return new ServiceProcess(name, assembly, httpBase, logPath, process, log);
    }

    /// <summary>Waits until /health/ready answers 200, the process exits, or the timeout passes.</summary>
    public async Task<bool> WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout && !cancellationToken.IsCancellationRequested)
        {
            if (_process.HasExited)
            {
                return false;
            }

            try
            {
                using var response = await http.GetAsync(new Uri(HttpBase, "/health/ready"), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(250, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        return false;
    }

    /// <summary>Asks the process to stop (SIGTERM), and kills it if it has not stopped within the grace period.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        Posix.Signal(_process.Id, Posix.SigTerm);
        using var cts = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Ends the process at once (SIGKILL), as a crash would.</summary>
    public void Kill() => Posix.Signal(_process.Id, Posix.SigKill);

    /// <summary>Waits for the process to exit on its own.</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>The last lines of the log, for error messages.</summary>
    public string Tail(int lines = 20)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return string.Join('\n', reader.ReadToEnd().Split('\n').TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }

    private async Task Pump(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_log)
            {
                _log.WriteLine(line);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await StopAsync(TimeSpan.FromSeconds(10));
        await _pumps;
        await _log.DisposeAsync();
        _process.Dispose();
    }
}
