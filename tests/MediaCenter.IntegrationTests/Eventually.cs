using System.Diagnostics;

namespace MediaCenter.IntegrationTests;

/// <summary>Polls until a condition holds, for effects that happen asynchronously in other processes.</summary>
public static class Eventually
{
    /// <summary>Returns the first value that satisfies <paramref name="done"/>; fails with the last value after the timeout.</summary>
    public static async Task<T> WaitAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        T last = default!;
        Exception? lastError = null;
        while (clock.Elapsed < timeout)
        {
            try
            {
                last = await read();
                if (done(last))
                {
                    return last;
                }
            }
            catch (Exception ex)
            {
                lastError = ex;
            }

            await Task.Delay(200);
        }

        throw new Xunit.Sdk.XunitException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}; last value: {last}; last error: {lastError?.Message}");
    }
}
