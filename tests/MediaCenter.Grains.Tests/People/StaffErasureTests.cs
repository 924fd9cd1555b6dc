using MediaCenter.Grains.People;

namespace MediaCenter.Grains.Tests.People;

/// <summary>Deletion on request of a staff record's personal data: the ErasePersonalData rows of the staff table.</summary>
[Collection(ClusterCollection.Name)]
public sealed class StaffErasureTests(ClusterFixture fixture)
{
    private static readonly StaffActor Admin = new(Guid.NewGuid(), "机构管理员", StaffRole.OrganisationAdmin);

    private readonly Organisation _org = Organisation.Party("erase-" + Guid.NewGuid().ToString("N")[..8]);

    private static string Op() => Guid.NewGuid().ToString("N");

    private async Task<IStaffGrain> RegisterWithScanAsync()
    {
        var person = fixture.Grains.GetGrain<IStaffGrain>("st-" + Guid.NewGuid().ToString("N"));
        var details = new StaffDetails("郑十一", StaffPost.Staff, EducationLevel.Bachelor, 3, null,
            new ProtectedField("cipher-id", "1101**********0011"), new ProtectedField("cipher-phone", "138****0011"));
        var registered = await person.ExecuteAsync(new RegisterStaff(_org, details, null,
            [new RecordCertificate("广播电视编辑记者资格证", "BJ-011", "国家广播电视总局", new DateOnly(2025, 1, 1), null)]), Admin, Op());
        Assert.True(registered.Ok, registered.Message);
        var scanned = await person.ExecuteAsync(new AttachCertificateScan("BJ-011", "证书.png", "image/png", 1024, new string('b', 64), [9, 9, 9]), Admin, Op());
        Assert.True(scanned.Ok, scanned.Message);
        return person;
    }

    [Fact]
    public async Task Erasing_removes_the_id_number_the_phone_and_every_scan_and_keeps_the_record()
    {
        var person = await RegisterWithScanAsync();
        var id = person.GetPrimaryKeyString();
        Assert.Single(ClusterFixture.People.ScansOf(id));

        var erased = await person.ExecuteAsync(new ErasePersonalData("本人申请删除"), Admin, Op());

        Assert.True(erased.Ok, erased.Message);
        var view = (await person.GetAsync())!;
        Assert.Equal((null, null, "郑十一", StaffState.Active), (view.NationalIdMasked, view.PhoneMasked, view.Name, view.State));
        Assert.Null(Assert.Single(view.Certificates).Scan);
        Assert.Empty(ClusterFixture.People.ScansOf(id));
        var entry = ClusterFixture.People.HistoryOf(id)[^1];
        Assert.Equal((StaffCommandType.ErasePersonalData, "本人申请删除"), (entry.Command, entry.Comment));
        Assert.Equal((null, null), (ClusterFixture.People.RowOf(id)!.NationalIdMasked, ClusterFixture.People.RowOf(id)!.PhoneMasked));
    }

    [Fact]
    public async Task Only_the_organisations_admin_erases_and_a_person_who_left_may_still_ask()
    {
        var person = await RegisterWithScanAsync();

        var trainer = await person.ExecuteAsync(new ErasePersonalData(null), Admin with { Roles = StaffRole.Trainer }, Op());
        Assert.Equal(StaffOutcome.Forbidden, trainer.Outcome);
        Assert.Single(ClusterFixture.People.ScansOf(person.GetPrimaryKeyString()));

        Assert.True((await person.ExecuteAsync(new StaffLeave(null), Admin, Op())).Ok);
        var left = await person.ExecuteAsync(new ErasePersonalData(null), Admin, Op());
        Assert.True(left.Ok, left.Message);
        Assert.Equal((StaffState.Left, null), (left.Staff!.State, left.Staff.PhoneMasked));
    }

    [Fact]
    public void The_table_lets_the_admin_erase_in_either_state_without_moving_it() =>
        Assert.Equal([(StaffState.Active, StaffState.Active), (StaffState.Left, StaffState.Left)],
            StaffWorkflow.Transitions.Where(t => t.Command == StaffCommandType.ErasePersonalData && t.Roles == StaffRole.OrganisationAdmin)
                .Select(t => (t.From!.Value, t.To)));
}
