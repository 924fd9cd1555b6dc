using MediaCenter.Grains.People;

namespace MediaCenter.Grains.Tests.People;

/// <summary>Attaching a certificate's scan (证书扫描件) to a staff record: the AttachCertificateScan row of the staff table.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CertificateScanTests(ClusterFixture fixture)
{
    private static readonly StaffActor Admin = new(Guid.NewGuid(), "机构管理员", StaffRole.OrganisationAdmin);
    private static readonly string Sha = new('a', 64);
    private static readonly byte[] Cipher = [1, 2, 3, 4];

    private readonly Organisation _org = Organisation.Party("scan-" + Guid.NewGuid().ToString("N")[..8]);

    private static string Op() => Guid.NewGuid().ToString("N");

    private async Task<IStaffGrain> RegisterAsync()
    {
        var person = fixture.Grains.GetGrain<IStaffGrain>("st-" + Guid.NewGuid().ToString("N"));
        var result = await person.ExecuteAsync(new RegisterStaff(_org, new StaffDetails("吴十", StaffPost.Staff, EducationLevel.Bachelor, 3, null, null, null), null,
            [new RecordCertificate("广播电视编辑记者资格证", "BJ-001", "国家广播电视总局", new DateOnly(2025, 1, 1), null)]), Admin, Op());
        Assert.True(result.Ok, result.Message);
        return person;
    }

    private static AttachCertificateScan Scan(string number = "BJ-001", string type = "application/pdf", long size = 2048) =>
        new(number, "证书.pdf", type, size, Sha, Cipher);

    [Fact]
    public async Task A_scan_is_stored_once_and_goes_on_its_certificate_and_a_repeat_is_a_replay()
    {
        var person = await RegisterAsync();
        var id = person.GetPrimaryKeyString();
        var op = Op();

        var first = await person.ExecuteAsync(Scan(), Admin, op);
        var repeat = await person.ExecuteAsync(Scan(), Admin, op);

        Assert.True(first.Ok && !first.Replay, first.Message);
        Assert.True(repeat.Ok && repeat.Replay);
        var scan = Assert.Single(first.Staff!.Certificates).Scan!;
        Assert.Equal(("证书.pdf", "application/pdf", 2048L, Sha), (scan.FileName, scan.ContentType, scan.SizeBytes, scan.Sha256));
        var stored = Assert.Single(ClusterFixture.People.ScansOf(id));
        Assert.Equal(("BJ-001", scan.Id), (stored.Number, stored.Scan.Id));
        Assert.Equal(Cipher, stored.Data);
        Assert.Equal(2, (await person.GetAsync())!.Version);
        Assert.Equal(StaffCommandType.AttachCertificateScan, ClusterFixture.People.HistoryOf(id)[^1].Command);
        Assert.Contains(StaffCommandType.AttachCertificateScan, first.AllowedMoves);
    }

    [Fact]
    public async Task A_new_scan_replaces_the_one_on_the_certificate()
    {
        var person = await RegisterAsync();

        var first = await person.ExecuteAsync(Scan(), Admin, Op());
        var second = await person.ExecuteAsync(Scan(type: "image/png"), Admin, Op());

        Assert.True(first.Ok && second.Ok);
        var scan = Assert.Single(second.Staff!.Certificates).Scan!;
        Assert.Equal("image/png", scan.ContentType);
        Assert.NotEqual(first.Staff!.Certificates[0].Scan!.Id, scan.Id);
    }

    [Fact]
    public async Task A_replaced_scan_and_a_removed_certificates_scan_are_deleted_from_the_store()
    {
        var person = await RegisterAsync();
        var id = person.GetPrimaryKeyString();
        Assert.True((await person.ExecuteAsync(new RecordCertificate("计算机技术资格证", "JS-002", "人社部", new DateOnly(2024, 6, 1), null), Admin, Op())).Ok);
        Assert.True((await person.ExecuteAsync(Scan(), Admin, Op())).Ok);
        Assert.True((await person.ExecuteAsync(Scan("JS-002"), Admin, Op())).Ok);

        // The newer scan of BJ-001 replaces the older one on the record, and in the store.
        var replaced = await person.ExecuteAsync(Scan(type: "image/png"), Admin, Op());
        var current = replaced.Staff!.Certificates.Single(c => c.Number == "BJ-001").Scan!.Id;
        Assert.Equal([("BJ-001", current), ("JS-002", replaced.Staff.Certificates.Single(c => c.Number == "JS-002").Scan!.Id)],
            ClusterFixture.People.ScansOf(id).Select(s => (s.Number, s.Scan.Id)).Order());

        // A removed certificate takes its scan with it; the other stays.
        Assert.True((await person.ExecuteAsync(new RemoveCertificate("JS-002", "证书过期"), Admin, Op())).Ok);
        Assert.Equal([("BJ-001", current)], ClusterFixture.People.ScansOf(id).Select(s => (s.Number, s.Scan.Id)));
    }

    [Theory]
    [InlineData("NO-SUCH", "application/pdf", 2048L)]
    [InlineData("BJ-001", "text/html", 2048L)]
    [InlineData("BJ-001", "application/pdf", CertificateScanRules.MaxBytes + 1)]
    [InlineData("BJ-001", "application/pdf", 0L)]
    public async Task A_scan_of_an_unknown_certificate_an_unaccepted_type_or_a_wrong_size_is_refused_and_nothing_is_stored(string number, string type, long size)
    {
        var person = await RegisterAsync();

        var refused = await person.ExecuteAsync(Scan(number, type, size), Admin, Op());

        Assert.Equal(StaffOutcome.Invalid, refused.Outcome);
        Assert.Empty(ClusterFixture.People.ScansOf(person.GetPrimaryKeyString()));
        Assert.Null((await person.GetAsync())!.Certificates[0].Scan);
    }

    [Fact]
    public async Task Only_the_organisations_admin_attaches_a_scan_and_only_while_the_person_is_active()
    {
        var person = await RegisterAsync();

        var outsider = await person.ExecuteAsync(Scan(), Admin with { Roles = StaffRole.Trainer | StaffRole.Appraisee }, Op());
        Assert.True((await person.ExecuteAsync(new StaffLeave(null), Admin, Op())).Ok);
        var left = await person.ExecuteAsync(Scan(), Admin, Op());

        Assert.Equal((StaffOutcome.Forbidden, StaffOutcome.IllegalMove), (outsider.Outcome, left.Outcome));
        Assert.DoesNotContain(StaffCommandType.AttachCertificateScan, left.AllowedMoves);
        Assert.Empty(ClusterFixture.People.ScansOf(person.GetPrimaryKeyString()));
    }

    [Fact]
    public void The_table_allows_attaching_a_scan_only_to_an_active_record_and_only_to_its_admin() =>
        Assert.Equal([(StaffState.Active, StaffRole.OrganisationAdmin, StaffState.Active)],
            StaffWorkflow.Transitions.Where(t => t.Command == StaffCommandType.AttachCertificateScan).Select(t => (t.From!.Value, t.Roles, t.To)));
}
