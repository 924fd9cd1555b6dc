using MediaCenter.Grains.Platform;

namespace MediaCenter.Grains.Tests.Platform;

[Collection(ClusterCollection.Name)]
public sealed class SequenceGrainTests(ClusterFixture fixture)
{
    private ISequenceGrain NewSequence() => fixture.Grains.GetGrain<ISequenceGrain>("test/" + Guid.NewGuid());

    [Fact]
    public async Task Numbers_are_handed_out_in_order_without_gaps()
    {
        var sequence = NewSequence();
        var numbers = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            numbers.Add(await sequence.NextAsync("op-" + i));
        }

        Assert.Equal([1, 2, 3, 4, 5], numbers);
        Assert.Equal(5, await sequence.PeekAsync());
    }

    [Fact]
    public async Task A_retried_operation_gets_the_number_it_was_already_given()
    {
        var sequence = NewSequence();
        var first = await sequence.NextAsync("same-op");
        await sequence.NextAsync("other-op");
        var retried = await sequence.NextAsync("same-op");

        Assert.Equal(first, retried);
        Assert.Equal(2, await sequence.PeekAsync());
    }

    [Fact]
    public async Task An_empty_operation_id_is_refused()
    {
        var sequence = NewSequence();
        await Assert.ThrowsAsync<ArgumentException>(() => sequence.NextAsync(" "));
        Assert.Equal(0, await sequence.PeekAsync());
    }

    [Fact]
    public async Task Only_the_most_recent_operation_ids_are_remembered()
    {
        var sequence = NewSequence();
        for (var i = 0; i < SequenceGrain.RememberedOperations + 1; i++)
        {
            await sequence.NextAsync("op-" + i);
        }

        // The oldest id has been forgotten, so replaying it takes a new number; a recent one does not.
        Assert.Equal(SequenceGrain.RememberedOperations + 2, await sequence.NextAsync("op-0"));
        Assert.Equal(SequenceGrain.RememberedOperations + 1, await sequence.NextAsync("op-" + SequenceGrain.RememberedOperations));
    }

    [Fact]
    public async Task Concurrent_callers_never_receive_the_same_number()
    {
        var sequence = NewSequence();
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => sequence.NextAsync("c-" + i)));
        Assert.Equal(50, results.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), results.Order());
    }
}
