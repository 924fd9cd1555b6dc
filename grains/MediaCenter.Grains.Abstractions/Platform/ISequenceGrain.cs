namespace MediaCenter.Grains.Platform;

/// <summary>
/// A durable, gap-free number sequence (编号) such as article or incident numbers, keyed by its name
/// (for example <c>incident/2026</c>). Each number is handed out once per operation id, so a caller
/// that retries after a timeout receives the number it was already given.
/// </summary>
[Alias("mc.ISequenceGrain")]
public interface ISequenceGrain : IGrainWithStringKey
{
    /// <summary>Takes the next number for the given operation id (idempotent per id).</summary>
    [Alias("Next")]
    Task<long> NextAsync(string operationId);

    /// <summary>The last number handed out (0 when none yet).</summary>
    [Alias("Peek")]
    Task<long> PeekAsync();
}
