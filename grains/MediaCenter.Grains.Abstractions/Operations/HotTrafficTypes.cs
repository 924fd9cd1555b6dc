namespace MediaCenter.Grains.Operations;

/// <summary>
/// Requests one web instance attributed to a hot event in one minute, of one kind: <c>qa</c> (its public Q&amp;A, refused ones
/// included: the demand), <c>qaServed</c> (of those, answered) or <c>feed</c> (the feeds of its channels while active). The count is
/// the instance's total for that minute so far, so sending it again, or a larger one later, is harmless.
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.HotTrafficMinute")]
public sealed record HotTrafficMinute(
    [property: Id(0)] string EventId,
    [property: Id(1)] string Kind,
    [property: Id(2)] DateTimeOffset Minute,
    [property: Id(3)] long Requests);

/// <summary>Keeps the hot events' traffic as the web instances count it (a stateless worker: it only writes what it is given).</summary>
[Alias("mc.IHotTrafficGrain")]
public interface IHotTrafficGrain : IGrainWithIntegerKey
{
    /// <summary>Stores an instance's minute counts (each the instance's total for its minute so far: larger ones win).</summary>
    [Alias("Record")]
    Task RecordAsync(string instance, List<HotTrafficMinute> minutes);
}
