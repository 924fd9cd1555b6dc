using MediaCenter.Grains.People;
using MediaCenter.Grains.Tests.Incidents;
using MediaCenter.Grains.Tickets;

namespace MediaCenter.Grains.Tests.Tickets;

/// <summary>Complaints, consultations and suggestions (F11.1): the ticket workflow with its roles and time limits, on the grains' fake clock.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TicketLifecycleTests(ClusterFixture fixture)
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly TicketActor Staff = new(Guid.NewGuid(), "受理员", TicketActorKind.PlatformStaff);

    private readonly string _party = "tk-" + Guid.NewGuid().ToString("N")[..8];

    private TicketActor PartyUser => new(Guid.NewGuid(), "接入方办理人", TicketActorKind.PartyUser, _party);

    private static RecordingAlertCentreJournal Alerts => ClusterFixture.AlertCentre;

    private static string Op() => Guid.NewGuid().ToString("N");

    private static TicketContact Contact() => new(new ProtectedField("enc-name", "张*"), new ProtectedField("enc-phone", "138****5678"), null);

    private static TicketConsent Consent() => new("受理与回访", 365, ClusterFixture.GrainClock.GetUtcNow(), "2026-12");

    private static SubmitTicket Complaint(TicketContact? contact = null, TicketConsent? consent = null) =>
        new(TicketKind.Complaint, null, TicketSource.Web, "大屏夜间过亮", "小区门口的大屏晚上十点后仍然很亮，影响休息。", contact ?? Contact(), consent ?? Consent());

    private ITicketGrain NewTicket() => fixture.Grains.GetGrain<ITicketGrain>("T" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant());

    private static async Task<TicketView> MustAsync(ITicketGrain ticket, TicketCommand command, TicketActor actor)
    {
        var result = await ticket.ExecuteAsync(command, actor, Op());
        Assert.True(result.Ok, result.Message);
        return result.Ticket!;
    }

    private async Task<ITicketGrain> RepliedAsync()
    {
        var ticket = NewTicket();
        await MustAsync(ticket, Complaint(), TicketActor.Public);
        await MustAsync(ticket, new AcceptTicket(), Staff);
        await MustAsync(ticket, new AssignTicket("party:" + _party, null), Staff);
        await MustAsync(ticket, new HandleTicket("已调低夜间亮度", null), PartyUser);
        await MustAsync(ticket, new ReplyTicket("已将夜间亮度调至 30%。"), PartyUser);
        return ticket;
    }

    [Fact]
    public async Task Handling_a_complaint_names_the_person_of_the_assignees_staff_whose_work_it_concerns_and_no_one_elses()
    {
        async Task<string> PersonAsync(Organisation organisation)
        {
            var id = "st-" + Guid.NewGuid().ToString("N");
            var admin = new StaffActor(Guid.NewGuid(), "机构管理员", StaffRole.OrganisationAdmin);
            var registered = await fixture.Grains.GetGrain<IStaffGrain>(id).ExecuteAsync(
                new RegisterStaff(organisation, new StaffDetails("王值守", StaffPost.ServicePost, EducationLevel.Secondary, 1, [], null, null), null), admin, Op());
            Assert.True(registered.Ok, registered.Message);
            return id;
        }

        var ours = await PersonAsync(Organisation.Party(_party));
        var theirs = await PersonAsync(Organisation.Party(_party + "-x"));
        var operatorStaff = await PersonAsync(Organisation.Operator);
        var ticket = NewTicket();
        await MustAsync(ticket, Complaint(), TicketActor.Public);
        await MustAsync(ticket, new AcceptTicket(), Staff);
        await MustAsync(ticket, new AssignTicket("party:" + _party, null), Staff);

        foreach (var other in new[] { theirs, operatorStaff, "st-nobody" })
        {
            var refused = await ticket.ExecuteAsync(new HandleTicket("已处理", null, other), PartyUser, Op());
            Assert.Equal(TicketOutcome.Invalid, refused.Outcome);
            Assert.Null((await ticket.GetAsync())!.ConcernedStaffId);
        }

        Assert.Equal(ours, (await MustAsync(ticket, new HandleTicket("已约谈值守人员", null, ours), PartyUser)).ConcernedStaffId);
        await MustAsync(ticket, new ReplyTicket("已处理。"), PartyUser);
        await MustAsync(ticket, new RateTicket(1, "不满意"), TicketActor.Public);
        await MustAsync(ticket, new ReopenTicket("再核查"), Staff);

        // Handled again without naming anyone: the person named stays.
        Assert.Equal(ours, (await MustAsync(ticket, new HandleTicket("再次核查", null), PartyUser)).ConcernedStaffId);
    }

    [Fact]
    public async Task A_complaint_goes_from_receipt_to_closed_with_each_role_doing_its_part()
    {
        var ticket = NewTicket();
        var id = ticket.GetPrimaryKeyString();
        var filed = await MustAsync(ticket, Complaint(), TicketActor.Public);
        Assert.Equal((TicketState.Received, "138****5678", "张*"), (filed.State, filed.PhoneMasked, filed.NameMasked));

        // The public cannot acknowledge, a party user is nobody on a ticket not assigned to their party.
        Assert.Equal(TicketOutcome.Forbidden, (await ticket.ExecuteAsync(new AcceptTicket(), TicketActor.Public, Op())).Outcome);
        await MustAsync(ticket, new AcceptTicket(), Staff);
        await MustAsync(ticket, new AssignTicket("party:" + _party, "请核查"), Staff);
        var stranger = new TicketActor(Guid.NewGuid(), "别家", TicketActorKind.PartyUser, "tk-other");
        Assert.Equal(TicketOutcome.Forbidden, (await ticket.ExecuteAsync(new HandleTicket("x", null), stranger, Op())).Outcome);
        Assert.Equal(TicketOutcome.IllegalMove, (await ticket.ExecuteAsync(new ReplyTicket("太早"), PartyUser, Op())).Outcome);

        var handled = await MustAsync(ticket, new HandleTicket("已调低夜间亮度", "夜间亮度策略未执行"), PartyUser);
        Assert.Equal("夜间亮度策略未执行", handled.RectificationRequested);
        await MustAsync(ticket, new ReplyTicket("已将夜间亮度调至 30%。"), PartyUser);
        var rated = await MustAsync(ticket, new RateTicket(4, "满意"), TicketActor.Public);
        Assert.Equal((TicketState.ReturnVisited, 4), (rated.State, rated.Satisfaction));
        var closed = await MustAsync(ticket, new CloseTicket(), Staff);

        Assert.Equal(TicketState.Closed, closed.State);
        Assert.Equal(
            [TicketCommandType.Submit, TicketCommandType.Accept, TicketCommandType.Assign, TicketCommandType.Handle, TicketCommandType.Reply,
                TicketCommandType.Rate, TicketCommandType.Close],
            ClusterFixture.Tickets.HistoryOf(id).Select(h => h.Command));
        Assert.Equal(closed.Version, ClusterFixture.Tickets.RowOf(id)!.Version);
        Assert.Single(Alerts.NotificationsStartingWith($"ticket:{id}:"), n => n.Kind == "ticketAssigned" && n.Audience == "party:" + _party);
        // Once closed, all the submitter can still ask is the deletion of their personal data.
        Assert.Equal([TicketCommandType.ErasePersonalData], await ticket.AllowedForAsync(TicketActor.Public));
    }

    [Fact]
    public async Task The_acknowledge_limit_counts_working_days_and_skips_a_holiday()
    {
        // Move the shared clock to the next Friday, 10:00 in Shanghai, and make the Monday after it a holiday.
        var local = TimeZoneInfo.ConvertTime(ClusterFixture.GrainClock.GetUtcNow(), Shanghai);
        var friday = DateOnly.FromDateTime(local.DateTime).AddDays(1);
        while (friday.DayOfWeek != DayOfWeek.Friday)
        {
            friday = friday.AddDays(1);
        }

        var at = new DateTimeOffset(friday.ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(8));
        ClusterFixture.GrainClock.Advance(at - ClusterFixture.GrainClock.GetUtcNow());
        var monday = friday.AddDays(3);
        var calendar = fixture.Grains.GetGrain<ITicketCalendarGrain>(ITicketCalendarGrain.Default);
        var held = await calendar.GetAsync();
        await calendar.SetYearAsync(monday.Year, [.. held.Holidays.Where(d => d.Year == monday.Year), monday],
            [.. held.Workdays.Where(d => d.Year == monday.Year && d != monday)], Op());

        var ticket = NewTicket();
        var filed = await MustAsync(ticket, Complaint(), TicketActor.Public);

        // Friday's ticket is due by the end of Tuesday (Monday is off); five working days run to the end of the Monday after next.
        Assert.Equal(new DateTimeOffset(friday.AddDays(5).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)), filed.Clock.AcknowledgeBy);
        Assert.Equal(new DateTimeOffset(friday.AddDays(11).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)), filed.Clock.ReplyBy);

        // Still in time on Tuesday evening: nothing is flagged.
        ClusterFixture.GrainClock.Advance(filed.Clock.AcknowledgeBy - at - TimeSpan.FromMinutes(1));
        Assert.Empty((await ticket.CheckDeadlinesAsync())!.Clock.Overdue);
    }

    [Fact]
    public async Task A_passed_limit_is_flagged_and_escalated_once_to_the_alert_centre()
    {
        var ticket = NewTicket();
        var id = ticket.GetPrimaryKeyString();
        var filed = await MustAsync(ticket, Complaint(), TicketActor.Public);
        await MustAsync(ticket, new AcceptTicket(), Staff);
        await MustAsync(ticket, new AssignTicket("party:" + _party, null), Staff);

        ClusterFixture.GrainClock.Advance(filed.Clock.ReplyBy - ClusterFixture.GrainClock.GetUtcNow() + TimeSpan.FromMinutes(1));
        var checkedOnce = await ticket.CheckDeadlinesAsync();
        var checkedTwice = await ticket.CheckDeadlinesAsync();

        Assert.Equal([TicketDeadline.Reply], checkedOnce!.Clock.Overdue);
        Assert.Equal(checkedOnce.Version, checkedTwice!.Version);
        var overdue = Alerts.NotificationsStartingWith($"ticket:{id}:").Where(n => n.Kind == "ticketOverdue").ToList();
        Assert.Equal(["ops", "party:" + _party], overdue.Select(n => n.Audience).Order(StringComparer.Ordinal));
        Assert.Contains(ClusterFixture.Tickets.HistoryOf(id), h => h.Command == TicketCommandType.Escalate && h.Comment == "Reply");

        // A late reply still counts; the flag stays on the ticket's record.
        await MustAsync(ticket, new HandleTicket("已处理", null), PartyUser);
        var replied = await MustAsync(ticket, new ReplyTicket("迟到的答复"), PartyUser);
        Assert.Equal([TicketDeadline.Reply], replied.Clock.Overdue);
    }

    [Fact]
    public async Task A_dissatisfied_rating_reopens_the_ticket_with_a_new_reply_limit()
    {
        var ticket = await RepliedAsync();
        var rated = await MustAsync(ticket, new RateTicket(1, "没解决"), TicketActor.Public);
        Assert.True(rated.Dissatisfied);

        var refused = await ticket.ExecuteAsync(new CloseTicket(), Staff, Op());
        Assert.Equal(TicketOutcome.Invalid, refused.Outcome);
        // A week later: the new limit counts from the reopening, whatever weekday the shared clock stands on.
        ClusterFixture.GrainClock.Advance(TimeSpan.FromDays(7));
        var reopened = await MustAsync(ticket, new ReopenTicket("仍然很亮"), TicketActor.Public);

        Assert.Equal((TicketState.Assigned, 1, "party:" + _party), (reopened.State, reopened.Reopened, reopened.Assignee));
        Assert.True(reopened.Clock.ReplyBy > rated.Clock.ReplyBy);
        Assert.Null(reopened.Clock.RepliedAt);
    }

    [Fact]
    public async Task A_satisfied_ticket_cannot_be_reopened_and_closes_without_a_reason()
    {
        var ticket = await RepliedAsync();
        await MustAsync(ticket, new RecordTicketReturnVisit(5, "电话回访：满意"), Staff);

        Assert.Equal(TicketOutcome.Invalid, (await ticket.ExecuteAsync(new ReopenTicket(null), TicketActor.Public, Op())).Outcome);
        Assert.Equal(TicketState.Closed, (await MustAsync(ticket, new CloseTicket(), Staff)).State);
    }

    [Fact]
    public async Task Deletion_on_request_removes_the_contact_and_keeps_the_anonymous_ticket()
    {
        var ticket = await RepliedAsync();
        Assert.NotNull(await ticket.GetContactAsync());

        var erased = await MustAsync(ticket, new EraseTicketPersonalData(), TicketActor.Public);

        Assert.Null(await ticket.GetContactAsync());
        Assert.Equal((null, null, null, TicketState.Replied), (erased.NameMasked, erased.PhoneMasked, erased.EmailMasked, erased.State));
        Assert.NotNull(erased.PersonalDataErasedAt);
        Assert.Equal("大屏夜间过亮", erased.Subject);
        Assert.Null(ClusterFixture.Tickets.RowOf(erased.Id)!.PhoneMasked);
    }

    [Fact]
    public async Task The_contact_of_a_closed_ticket_is_deleted_once_the_consented_retention_has_passed()
    {
        var ticket = NewTicket();
        await MustAsync(ticket, Complaint(consent: Consent() with { RetentionDays = 2 }), TicketActor.Public);
        await MustAsync(ticket, new RejectTicket("不属于本中心职责"), Staff);

        ClusterFixture.GrainClock.Advance(TimeSpan.FromDays(1));
        Assert.NotNull((await ticket.CheckDeadlinesAsync())!.PhoneMasked);
        ClusterFixture.GrainClock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        var kept = await ticket.CheckDeadlinesAsync();

        Assert.Equal((null, TicketState.Rejected), (kept!.PhoneMasked, kept.State));
        Assert.NotNull(kept.PersonalDataErasedAt);
        Assert.Null(await ticket.GetContactAsync());
        Assert.Equal("the system", Text.En(ClusterFixture.Tickets.HistoryOf(kept.Id)[^1].Actor));
    }

    [Fact]
    public async Task Personal_data_without_consent_is_refused_and_the_consent_given_is_recorded()
    {
        var ticket = NewTicket();
        var refused = await ticket.ExecuteAsync(Complaint() with { Consent = null }, TicketActor.Public, Op());
        Assert.Equal((TicketOutcome.Invalid, (TicketState?)null), (refused.Outcome, refused.State));

        var filed = await MustAsync(ticket, Complaint(), TicketActor.Public);
        Assert.Equal(("受理与回访", 365, "2026-12"), (filed.Consent!.Purpose, filed.Consent.RetentionDays, filed.Consent.PolicyVersion));
    }

    [Fact]
    public async Task Staff_record_phone_calls_but_the_public_files_only_through_the_web_or_the_api()
    {
        var call = await MustAsync(NewTicket(), Complaint() with { Source = TicketSource.Phone }, Staff);
        Assert.Equal(TicketSource.Phone, call.Source);

        Assert.Equal(TicketOutcome.Forbidden, (await NewTicket().ExecuteAsync(Complaint() with { Source = TicketSource.Phone }, TicketActor.Public, Op())).Outcome);
        Assert.Equal(TicketOutcome.Forbidden, (await NewTicket().ExecuteAsync(Complaint(), Staff, Op())).Outcome);
        Assert.Equal(TicketOutcome.Forbidden, (await NewTicket().ExecuteAsync(Complaint(), PartyUser, Op())).Outcome);
    }

    [Fact]
    public async Task A_repeated_operation_id_answers_the_first_result_without_a_second_ticket_version()
    {
        var ticket = NewTicket();
        var op = Op();
        var first = await ticket.ExecuteAsync(Complaint(), TicketActor.Public, op);
        var again = await ticket.ExecuteAsync(Complaint(), TicketActor.Public, op);

        Assert.Equal((true, false, true), (first.Ok, first.Replay, again.Replay));
        Assert.Equal(1, (await ticket.GetAsync())!.Version);
    }
}
