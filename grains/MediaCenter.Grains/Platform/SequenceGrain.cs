namespace MediaCenter.Grains.Platform;

/// <summary>Stored state of a sequence. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.SequenceState")]
public sealed class SequenceState
{
    /// <summary>The last number handed out.</summary>
    [Id(0)] public long Value { get; set; }

    /// <summary>Recently applied operation ids and the number each received, oldest first.</summary>
    [Id(1)] public List<AppliedOperation> Applied { get; set; } = [];
}

/// <summary>One operation id a grain has applied, with its result.</summary>
[GenerateSerializer, Alias("mc.AppliedOperation")]
public sealed record AppliedOperation([property: Id(0)] string OperationId, [property: Id(1)] long Result);

internal sealed class SequenceGrain(
    [PersistentState("sequence", StorageNames.Main)] IPersistentState<SequenceState> state) : Grain, ISequenceGrain
{
    // Enough to cover every retry window a caller could have; older ids are forgotten.
    internal const int RememberedOperations = 1024;

    public async Task<long> NextAsync(string operationId)
    {
        if (string.IsNullOrWhiteSpace(operationId))
        {
            throw new ArgumentException("An operation id is required.", nameof(operationId));
        }

        var previous = state.State.Applied.Find(a => a.OperationId == operationId);
        if (previous is not null)
        {
            return previous.Result;
        }

        var next = state.State.Value + 1;
        state.State.Value = next;
        state.State.Applied.Add(new AppliedOperation(operationId, next));
        if (state.State.Applied.Count > RememberedOperations)
        {
            state.State.Applied.RemoveRange(0, state.State.Applied.Count - RememberedOperations);
        }

        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // The write may or may not have landed: forget the in-memory change and re-read, so the
            // caller's retry decides against what is really stored.
            await state.ReadStateAsync();
            throw;
        }

        return next;
    }

    public Task<long> PeekAsync() => Task.FromResult(state.State.Value);
}
