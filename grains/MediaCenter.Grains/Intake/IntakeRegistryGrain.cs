namespace MediaCenter.Grains.Intake;

/// <summary>Stored state of a party's intake registry. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.IntakeRegistryState")]
public sealed class IntakeRegistryState
{
    /// <summary>Claims by key (<c>url:…</c> or <c>hash:…</c>), oldest first.</summary>
    [Id(0)] public Dictionary<string, IntakeClaim> Claims { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Keys in the order they were claimed, to drop the oldest beyond the bound.</summary>
    [Id(1)] public List<string> Order { get; set; } = [];
}

/// <summary>A party's pages taken in, across its channels (see <see cref="IIntakeRegistryGrain"/>). Bounded to the newest claims.</summary>
internal sealed class IntakeRegistryGrain(
    [PersistentState("intake-registry", StorageNames.Main)] IPersistentState<IntakeRegistryState> state) : Grain, IIntakeRegistryGrain
{
    internal const int MaxKeys = 20_000;

    /// <summary>A claim with no story after this long belongs to a reprint that died mid-way (its fetch budget is 90 s): it lapses.</summary>
    internal static readonly TimeSpan PendingFor = TimeSpan.FromMinutes(10);

    private IntakeRegistryState S => state.State;

    public Task<IntakeClaim?> FindAsync(string key, string reprint, DateTimeOffset now) =>
        Task.FromResult(S.Claims.TryGetValue(key, out var held) && held.Reprint != reprint && (held.ArticleId is not null || now - held.At < PendingFor)
            ? held
            : null);

    public async Task<IntakeClaim?> ClaimAsync(List<string> keys, IntakeClaim claim)
    {
        foreach (var key in keys)
        {
            if (S.Claims.TryGetValue(key, out var held) && held.Reprint != claim.Reprint && (held.ArticleId is not null || claim.At - held.At < PendingFor))
            {
                return held;
            }
        }

        var changed = false;
        foreach (var key in keys.Where(k => !S.Claims.TryGetValue(k, out var held) || held.Reprint != claim.Reprint))
        {
            if (!S.Claims.ContainsKey(key))
            {
                S.Order.Add(key);
            }

            S.Claims[key] = claim;
            changed = true;
        }

        while (S.Order.Count > MaxKeys)
        {
            S.Claims.Remove(S.Order[0]);
            S.Order.RemoveAt(0);
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }

        return null;
    }

    public async Task ConfirmAsync(string reprint, string articleId)
    {
        foreach (var (key, claim) in S.Claims.Where(c => c.Value.Reprint == reprint).ToList())
        {
            S.Claims[key] = claim with { ArticleId = articleId };
        }

        await state.WriteStateAsync();
    }

    public async Task ReleaseAsync(string reprint)
    {
        var keys = S.Claims.Where(c => c.Value.Reprint == reprint && c.Value.ArticleId is null).Select(c => c.Key).ToList();
        if (keys.Count == 0)
        {
            return;
        }

        foreach (var key in keys)
        {
            S.Claims.Remove(key);
            S.Order.Remove(key);
        }

        await state.WriteStateAsync();
    }
}
