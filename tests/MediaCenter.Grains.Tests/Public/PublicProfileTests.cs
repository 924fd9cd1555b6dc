using MediaCenter.Grains.People;
using MediaCenter.Grains.Public;

namespace MediaCenter.Grains.Tests.Public;

/// <summary>An organisation's public profile (公开信息): set whole by its admins, once per operation id; and the staff consent to be listed.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PublicProfileTests(ClusterFixture fixture)
{
    private static readonly StaffActor Admin = new(Guid.NewGuid(), "机构管理员", StaffRole.OrganisationAdmin);
    private static readonly StaffActor Member = new(Guid.NewGuid(), "普通成员", StaffRole.None);

    private readonly string _party = "pub-" + Guid.NewGuid().ToString("N")[..8];

    private IPublicProfileGrain Profile => fixture.Grains.GetGrain<IPublicProfileGrain>(Organisation.Party(_party).Key);

    private static string Op() => Guid.NewGuid().ToString("N");

    private static SetPublicProfile Hours(string hours) => new("简介", ["咨询", " ", "咨询", "报名"], hours, null, " 010-1 ", null, null);

    [Fact]
    public async Task Only_the_organisations_admin_sets_the_profile_and_a_resent_command_counts_once()
    {
        var refused = await Profile.SetAsync(Hours("9:00"), Member, Op());
        Assert.Equal(StaffOutcome.Forbidden, refused.Outcome);
        Assert.Null(await Profile.GetAsync());

        var op = Op();
        var set = await Profile.SetAsync(Hours("9:00"), Admin, op);
        var again = await Profile.SetAsync(Hours("9:00"), Admin, op);
        Assert.True(set.Ok, set.Message);
        Assert.True(again.Replay);
        Assert.Equal((1L, "010-1"), (again.Profile!.Version, again.Profile.Phone));
        Assert.Equal(["咨询", "报名"], set.Profile!.Services);

        var replaced = await Profile.SetAsync(Hours("10:00"), Admin, Op());
        Assert.Equal((2L, "10:00"), (replaced.Profile!.Version, replaced.Profile.OpeningHours));
    }

    [Fact]
    public async Task Each_change_goes_to_the_event_log_once_with_who_made_it_and_which_fields_changed()
    {
        var op = Op();
        await Profile.SetAsync(Hours("9:00"), Admin, op);
        await Profile.SetAsync(Hours("9:00"), Admin, op);
        await Profile.SetAsync(Hours("10:00"), Admin, Op());
        await Profile.SetAsync(Hours("10:00"), Member, Op());
        var rules = await Profile.SetAsync(Hours("10:00") with { DisputeRules = "对答复有异议的，15 日内可申请复核。" }, Admin, Op());
        Assert.Equal("对答复有异议的，15 日内可申请复核。", rules.Profile!.DisputeRules);

        var history = ClusterFixture.PublicProfiles.HistoryOf(Organisation.Party(_party).Key);
        Assert.Equal([1L, 2L, 3L], history.Select(c => c.Version));
        Assert.Equal(["disputeRules"], history[2].Changed);
        Assert.All(history, c => Assert.Equal((Admin.UserId, Admin.Name), (c.ActorId!.Value, c.Actor)));
        Assert.Equal(["introduction", "services", "openingHours", "phone"], history[0].Changed);
        Assert.Equal(["openingHours"], history[1].Changed);
    }

    [Fact]
    public async Task A_profile_too_long_is_refused_and_the_published_one_stays()
    {
        await Profile.SetAsync(Hours("9:00"), Admin, Op());
        var refused = await Profile.SetAsync(Hours(new string('时', PublicProfileWorkflow.MaxField + 1)), Admin, Op());
        Assert.Equal(StaffOutcome.Invalid, refused.Outcome);
        var rulesTooLong = await Profile.SetAsync(Hours("9:00") with { ComplaintChannels = new string('渠', PublicProfileWorkflow.MaxIntroduction + 1) }, Admin, Op());
        Assert.Equal(StaffOutcome.Invalid, rulesTooLong.Outcome);
        Assert.Equal("9:00", (await Profile.GetAsync())!.OpeningHours);
    }

    [Fact]
    public void Every_move_of_the_table_is_the_admins_alone()
    {
        Assert.All(PublicProfileWorkflow.Transitions, t => Assert.Equal(StaffRole.OrganisationAdmin, t.Roles));
        Assert.Equal([null, PublicProfileState.Published], PublicProfileWorkflow.Transitions.Select(t => t.From));
    }

    [Fact]
    public async Task A_person_is_not_listed_publicly_until_their_consent_is_recorded()
    {
        var person = fixture.Grains.GetGrain<IStaffGrain>("pc-" + Guid.NewGuid().ToString("N"));
        var registered = await person.ExecuteAsync(new RegisterStaff(Organisation.Party(_party),
            new StaffDetails("王五", StaffPost.Staff, EducationLevel.Bachelor, 2, [], null, null), null, []), Admin, Op());
        Assert.False(registered.Staff!.PublishConsent);

        var consented = await person.ExecuteAsync(new UpdateStaffRecord(new StaffDetails(null, null, null, null, null, null, null, PublishConsent: true)), Admin, Op());
        Assert.True(consented.Staff!.PublishConsent);
        var renamed = await person.ExecuteAsync(new UpdateStaffRecord(new StaffDetails("王五一", null, null, null, null, null, null)), Admin, Op());
        Assert.True(renamed.Staff!.PublishConsent);
    }
}
