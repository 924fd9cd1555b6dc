using MediaCenter.Grains.Tickets;

namespace MediaCenter.Grains.Tests.Tickets;

/// <summary>The ticket's table, working days and configurable limits, as pure rules.</summary>
public sealed class TicketRulesTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static DateTimeOffset Local(int year, int month, int day, int hour = 0) => new(year, month, day, hour, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public void A_make_up_working_saturday_counts_and_a_holiday_week_does_not()
    {
        // 2026-10-01..07 off (National Day), Saturday 2026-10-10 worked instead.
        var calendar = WorkingCalendar.Empty.WithYear(2026,
            Enumerable.Range(1, 7).Select(d => new DateOnly(2026, 10, d)), [new DateOnly(2026, 10, 10)]);

        // Received on 30 September (Wednesday): the next working day is Thursday 8 October.
        Assert.Equal(Local(2026, 10, 9), calendar.AddWorkingDays(Local(2026, 9, 30, 15), 1, Shanghai));
        // Friday 9 October + 1 working day = the make-up Saturday.
        Assert.Equal(Local(2026, 10, 11), calendar.AddWorkingDays(Local(2026, 10, 9, 9), 1, Shanghai));
        // 16:30 UTC on Sunday is already Monday in Shanghai: one working day runs to the end of Tuesday.
        Assert.Equal(Local(2026, 10, 14), calendar.AddWorkingDays(new DateTimeOffset(2026, 10, 11, 16, 30, 0, TimeSpan.Zero), 1, Shanghai));
    }

    [Fact]
    public void Time_limits_are_set_per_kind_and_priority_with_the_last_matching_rule_winning()
    {
        var options = new TicketOptions
        {
            Rules =
            [
                new TicketLimitRule { Priority = TicketPriority.Urgent, ReplyWorkingDays = 2 },
                new TicketLimitRule { Kind = TicketKind.Consultation, Priority = TicketPriority.Urgent, ReplyWorkingDays = 1 },
            ],
        };

        Assert.Equal(new TicketLimits(1, 5, 3), options.LimitsFor(TicketKind.Complaint, TicketPriority.Normal));
        Assert.Equal(new TicketLimits(1, 2, 3), options.LimitsFor(TicketKind.Complaint, TicketPriority.Urgent));
        Assert.Equal(new TicketLimits(1, 1, 3), options.LimitsFor(TicketKind.Consultation, TicketPriority.Urgent));
        Assert.Contains("Tickets:Rules:0:ReplyWorkingDays", new TicketOptions { Rules = [new TicketLimitRule { ReplyWorkingDays = -1 }] }.Problems().Single());
    }

    [Fact]
    public void Every_state_allows_deletion_on_request_and_only_open_states_escalate()
    {
        foreach (var state in Enum.GetValues<TicketState>())
        {
            Assert.Contains(TicketWorkflow.Transitions, t => t.From == state && t.Command == TicketCommandType.ErasePersonalData);
        }

        Assert.DoesNotContain(TicketWorkflow.Transitions, t => t.Command == TicketCommandType.Escalate && t.From is TicketState.Closed or TicketState.Rejected);
        Assert.All(TicketWorkflow.Transitions.Where(t => t.Command == TicketCommandType.Escalate), t => Assert.Equal(TicketRole.System, t.Roles));
        Assert.Equal(TicketState.Assigned, TicketWorkflow.Transitions.Single(t => t.Command == TicketCommandType.Reopen).To);
    }
}
