using MediaCenter.Grains.Intake;
using MediaCenter.Grains.Newsroom;

namespace MediaCenter.Grains.Tests.Intake;

/// <summary>Repeats across the channels of a party: the registry's claims, and a reprint of a page another channel took.</summary>
[Collection(ClusterCollection.Name)]
public sealed class IntakeRegistryTests(ClusterFixture fixture)
{
    private static readonly NewsroomActor Editor = new(new Guid("c2000000-0000-0000-0000-000000000002"), "编辑乙", false, true, []);

    [Fact]
    public async Task A_key_held_by_one_reprint_is_named_to_another_until_it_is_released_and_a_confirmed_claim_names_its_story()
    {
        var registry = fixture.Grains.GetGrain<IIntakeRegistryGrain>("party-" + Guid.NewGuid().ToString("N")[..6]);
        var at = DateTimeOffset.UtcNow;
        var first = new IntakeClaim("home", null, "标题", at, "home/r1");
        var second = new IntakeClaim("sports", null, "标题", at, "sports/r2");

        Assert.Null(await registry.ClaimAsync(["url:a", "hash:a"], first));
        Assert.Null(await registry.ClaimAsync(["url:a"], first));
        var pending = await registry.ClaimAsync(["url:b", "hash:a"], second);
        await registry.ReleaseAsync("home/r1");
        Assert.Null(await registry.ClaimAsync(["url:a"], second));
        await registry.ConfirmAsync("sports/r2", "a-42");
        await registry.ReleaseAsync("sports/r2");
        var taken = await registry.ClaimAsync(["url:a"], first with { At = at.AddHours(1) });
        // A claim left without a story (its reprint died mid-way) lapses after a while; a fresh one does not.
        Assert.Null(await registry.ClaimAsync(["url:c"], new IntakeClaim("home", null, "t", at, "home/r3")));
        var fresh = await registry.ClaimAsync(["url:c"], second with { At = at.AddMinutes(5) });
        var lapsed = await registry.ClaimAsync(["url:c"], second with { At = at.AddMinutes(11) });

        Assert.Equal(("home", null), (pending!.Channel, pending.ArticleId));
        // Confirmed claims stay: releasing only drops claims that never filed a story.
        Assert.Equal(("sports", "a-42"), (taken!.Channel, taken.ArticleId));
        Assert.Equal("home/r3", fresh!.Reprint);
        Assert.Null(lapsed);
    }

    [Fact]
    public async Task A_page_another_channel_of_the_party_took_is_refused_as_taken_there_without_fetching_it_and_other_parties_are_not_concerned()
    {
        var party = "party-" + Guid.NewGuid().ToString("N")[..6];
        var url = $"http://news.test/{party}/story.html";
        var normalized = ReprintKeys.Normalize(url)!;
        var registry = fixture.Grains.GetGrain<IIntakeRegistryGrain>(party);
        Assert.Null(await registry.ClaimAsync([ReprintGrain.UrlKey(normalized)], new IntakeClaim("home", null, url, DateTimeOffset.UtcNow, "home/x")));
        await registry.ConfirmAsync("home/x", "a-7");

        var elsewhere = await fixture.Grains.GetGrain<IReprintGrain>(ReprintKeys.For("sports", normalized))
            .TakeAsync(new ReprintRequest("sports", url + "?utm_source=wechat", ReprintMode.Pitch, party), Editor, "r-1");
        var fetchesAfterRefusal = ClusterFixture.WebIntake.ArticleFetches.Count(f => f.StartsWith(url, StringComparison.Ordinal));
        var otherParty = await fixture.Grains.GetGrain<IReprintGrain>(ReprintKeys.For("culture", normalized))
            .TakeAsync(new ReprintRequest("culture", url, ReprintMode.Pitch, party + "-other"), Editor, "r-2");

        Assert.Equal(ReprintOutcome.TakenElsewhere, elsewhere.Outcome);
        Assert.Equal(("home", "a-7"), (elsewhere.Elsewhere!.Channel, elsewhere.Elsewhere.ArticleId));
        Assert.Contains("a-7", elsewhere.Message, StringComparison.Ordinal);
        Assert.Equal(0, fetchesAfterRefusal);
        // Another party's channel fetches it (the scripted site is down, so it fails for that reason, not as a repeat).
        Assert.Equal(ReprintOutcome.Unreachable, otherParty.Outcome);
    }
}
