using MediaCenter.Grains.People;
using MediaCenter.Grains.Tickets;

namespace MediaCenter.Grains.Tests.Tickets;

/// <summary>Files the public attach to a ticket (F11.1): typed from their bytes, limited in number and size, deleted with the personal data.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TicketAttachmentTests(ClusterFixture fixture)
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 1, 2, 3];
    private static readonly byte[] Pdf = "%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"u8.ToArray();

    private static readonly TicketActor Staff = new(Guid.NewGuid(), "受理员", TicketActorKind.PlatformStaff);

    private static string Op() => Guid.NewGuid().ToString("N");

    private ITicketGrain NewTicket() => fixture.Grains.GetGrain<ITicketGrain>("T" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant());

    private static SubmitTicket Complaint(params TicketUpload[] files) =>
        new(TicketKind.Complaint, null, TicketSource.Web, "井盖松动", "路口井盖松动，见附图。",
            new TicketContact(null, new ProtectedField("enc-phone", "138****5678"), null),
            new TicketConsent("受理与回访", 365, ClusterFixture.GrainClock.GetUtcNow(), "2026-12"), [.. files]);

    [Fact]
    public async Task Attached_photo_and_pdf_are_stored_with_the_ticket_and_their_names_shown_to_the_submitter()
    {
        var ticket = NewTicket();
        var result = await ticket.ExecuteAsync(Complaint(new TicketUpload("井盖.png", Png), new TicketUpload("说明.pdf", Pdf)), TicketActor.Public, Op());

        Assert.True(result.Ok, result.Message);
        var attachments = result.Ticket!.Attachments!;
        Assert.Equal([("井盖.png", "image/png"), ("说明.pdf", "application/pdf")], attachments.Select(a => (a.FileName, a.ContentType)));
        foreach (var a in attachments)
        {
            var stored = ClusterFixture.Media.FileOf(a.Id);
            Assert.NotNull(stored);
            Assert.Equal(ticket.GetPrimaryKeyString(), stored.Value.Info.Ticket);
        }

        Assert.Equal(Png, ClusterFixture.Media.FileOf(attachments[0].Id)!.Value.Data);
        Assert.Equal(["井盖.png", "说明.pdf"], PublicTicketView.Of(result.Ticket).Attachments);
    }

    [Fact]
    public async Task A_file_named_like_an_image_whose_bytes_are_not_one_is_refused_and_nothing_is_stored()
    {
        var ticket = NewTicket();
        var writes = ClusterFixture.Media.Writes;
        var script = "<script>alert(1)</script>"u8.ToArray();

        var result = await ticket.ExecuteAsync(Complaint(new TicketUpload("ok.png", Png), new TicketUpload("photo.jpg", script)), TicketActor.Public, Op());

        Assert.Equal(TicketOutcome.Invalid, result.Outcome);
        Assert.Contains("photo.jpg", result.Message, StringComparison.Ordinal);
        Assert.Null(await ticket.GetAsync());
        Assert.Equal(writes, ClusterFixture.Media.Writes);
    }

    [Fact]
    public async Task Too_many_too_large_or_empty_attachments_are_refused_with_the_reason()
    {
        var four = Enumerable.Range(0, 4).Select(i => new TicketUpload($"p{i}.png", Png)).ToArray();
        var tooMany = await NewTicket().ExecuteAsync(Complaint(four), TicketActor.Public, Op());
        Assert.Equal(TicketOutcome.Invalid, tooMany.Outcome);
        Assert.Contains("3", tooMany.Message, StringComparison.Ordinal);

        var big = new byte[(5 * 1024 * 1024) + 1];
        Pdf.CopyTo(big, 0);
        var tooLarge = await NewTicket().ExecuteAsync(Complaint(new TicketUpload("big.pdf", big)), TicketActor.Public, Op());
        Assert.Equal(TicketOutcome.Invalid, tooLarge.Outcome);
        Assert.Contains("big.pdf", tooLarge.Message, StringComparison.Ordinal);

        var empty = await NewTicket().ExecuteAsync(Complaint(new TicketUpload("empty.png", [])), TicketActor.Public, Op());
        Assert.Equal(TicketOutcome.Invalid, empty.Outcome);
        Assert.Contains("empty.png", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retried_filing_reaches_the_same_files()
    {
        var ticket = NewTicket();
        var operation = Op();
        var first = await ticket.ExecuteAsync(Complaint(new TicketUpload("a.png", Png)), TicketActor.Public, operation);
        var again = await ticket.ExecuteAsync(Complaint(new TicketUpload("a.png", Png)), TicketActor.Public, operation);

        Assert.True(first.Ok && again.Ok);
        Assert.Equal(first.Ticket!.Attachments![0].Id, again.Ticket!.Attachments![0].Id);
    }

    [Fact]
    public async Task Deletion_on_request_removes_the_attachments_with_the_contact_and_keeps_the_ticket()
    {
        var ticket = NewTicket();
        var filed = await ticket.ExecuteAsync(Complaint(new TicketUpload("井盖.png", Png)), TicketActor.Public, Op());
        var id = filed.Ticket!.Attachments![0].Id;
        Assert.NotNull(ClusterFixture.Media.FileOf(id));

        var erased = await ticket.ExecuteAsync(new EraseTicketPersonalData(), Staff, Op());

        Assert.True(erased.Ok, erased.Message);
        Assert.Null(ClusterFixture.Media.FileOf(id));
        Assert.Null(erased.Ticket!.Attachments);
        Assert.Equal("井盖松动", erased.Ticket.Subject);
        Assert.Empty(PublicTicketView.Of(erased.Ticket).Attachments!);
    }
}
