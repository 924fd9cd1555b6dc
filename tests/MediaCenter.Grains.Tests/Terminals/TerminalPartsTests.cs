using MediaCenter.Grains.Terminals;

namespace MediaCenter.Grains.Tests.Terminals;

/// <summary>The terminal grain's smaller jobs on their own: commands, usage per day, telemetry buckets, inspections.</summary>
public sealed class TerminalPartsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static TerminalMessage Message(TerminalMessageKind kind, DateTimeOffset at, string? eventType = null, int count = 0, bool? screenOn = null) =>
        new("T-1", kind, at, screenOn is null ? null : new TelemetrySample(at, 10, 10, 10, 30, screenOn, "1.0", 0), eventType, count);

    [Fact]
    public void A_command_is_sent_with_an_id_from_its_operation_and_only_the_latest_twenty_are_kept()
    {
        var commands = new List<TerminalCommand>();
        for (var i = 0; i < 25; i++)
        {
            TerminalCommands.Send(commands, TerminalCommandType.Refresh, null, $"op-{i}", Now.AddSeconds(i));
        }

        var notice = TerminalCommands.Send(commands, TerminalCommandType.Notice, "  闭馆通知  ", "op-n", Now);

        Assert.Equal(("cmd-op-n", "闭馆通知", TerminalCommandStatus.Sent, Now), (notice.Id, notice.Text, notice.Status, notice.SentAt));
        Assert.Equal(TerminalCommands.Remembered, commands.Count);
        Assert.Equal("cmd-op-6", commands[0].Id);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    public void A_notice_without_text_is_refused(string? text)
    {
        var commands = new List<TerminalCommand>();

        Assert.Throws<ArgumentException>(() => TerminalCommands.Send(commands, TerminalCommandType.Notice, text, "op", Now));
        Assert.Throws<ArgumentException>(() => TerminalCommands.Send(commands, TerminalCommandType.Notice, new string('字', 501), "op", Now));
        Assert.Empty(commands);
    }

    [Fact]
    public void An_acknowledgement_completes_its_sent_command_once_and_unknown_ones_change_nothing()
    {
        var commands = new List<TerminalCommand>();
        TerminalCommands.Send(commands, TerminalCommandType.Reboot, null, "a", Now);
        TerminalCommands.Send(commands, TerminalCommandType.Refresh, null, "b", Now);
        var ok = new TerminalMessage("T-1", TerminalMessageKind.Ack, Now.AddSeconds(2), null, "done", 0, "cmd-a", CommandOk: true);
        var failed = ok with { CommandId = "cmd-b", CommandOk = false, EventType = "no content" };

        Assert.True(TerminalCommands.Acknowledge(commands, ok));
        Assert.False(TerminalCommands.Acknowledge(commands, ok with { CommandOk = false }));
        Assert.True(TerminalCommands.Acknowledge(commands, failed));
        Assert.False(TerminalCommands.Acknowledge(commands, ok with { CommandId = "cmd-unknown" }));

        Assert.Equal((TerminalCommandStatus.Acknowledged, Now.AddSeconds(2), "done"), (commands[0].Status, commands[0].CompletedAt, commands[0].Message));
        Assert.Equal((TerminalCommandStatus.Failed, "no content"), (commands[1].Status, commands[1].Message));
    }

    [Fact]
    public void A_command_unacknowledged_for_its_timeout_times_out_and_the_next_timeout_is_the_earliest_waiting()
    {
        var commands = new List<TerminalCommand>();
        Assert.Null(TerminalCommands.NextTimeout(commands));
        TerminalCommands.Send(commands, TerminalCommandType.Refresh, null, "a", Now);
        TerminalCommands.Send(commands, TerminalCommandType.Refresh, null, "b", Now.AddSeconds(10));
        Assert.Equal(Now + TerminalCommands.Timeout, TerminalCommands.NextTimeout(commands));

        Assert.False(TerminalCommands.Expire(commands, Now + TerminalCommands.Timeout - TimeSpan.FromTicks(1)));
        Assert.True(TerminalCommands.Expire(commands, Now + TerminalCommands.Timeout));

        Assert.Equal([TerminalCommandStatus.TimedOut, TerminalCommandStatus.Sent], commands.Select(c => c.Status));
        Assert.Equal(Now.AddSeconds(10) + TerminalCommands.Timeout, TerminalCommands.NextTimeout(commands));
    }

    [Fact]
    public void Usage_is_counted_per_calendar_day_of_the_configured_zone_and_a_new_day_finishes_the_old_one()
    {
        DateTimeOffset? screen = null;
        // 15:59 UTC is 23:59 in Shanghai; 16:00 UTC is the next day there.
        var evening = new DateTimeOffset(2026, 11, 26, 15, 59, 0, TimeSpan.Zero);
        var day = TerminalActivityCounter.Count(null, Message(TerminalMessageKind.Heartbeat, evening), "T-1", "party-a", Shanghai, TimeSpan.FromSeconds(10), ref screen);
        day = TerminalActivityCounter.Count(day.Current, Message(TerminalMessageKind.Usage, evening, "session", 2), "T-1", "party-a", Shanghai, TimeSpan.FromSeconds(10), ref screen);
        day = TerminalActivityCounter.Count(day.Current, Message(TerminalMessageKind.Usage, evening, "tap", 5), "T-1", "party-a", Shanghai, TimeSpan.FromSeconds(10), ref screen);
        Assert.Null(day.Finished);
        Assert.Equal((new DateOnly(2026, 11, 26), 1, 2, 5), (day.Current.Day, day.Current.Heartbeats, day.Current.Sessions, day.Current.Interactions));

        var next = TerminalActivityCounter.Count(day.Current, Message(TerminalMessageKind.Heartbeat, evening.AddMinutes(1)), "T-1", "party-a", Shanghai, TimeSpan.FromSeconds(10), ref screen);

        Assert.Same(day.Current, next.Finished);
        Assert.Equal((new DateOnly(2026, 11, 27), 1, 0, 0, "party-a"), (next.Current.Day, next.Current.Heartbeats, next.Current.Sessions, next.Current.Interactions, next.Current.PartyId));
    }

    [Fact]
    public void Screen_on_time_counts_between_samples_that_say_on_capped_at_three_heartbeats()
    {
        DateTimeOffset? screen = null;
        var interval = TimeSpan.FromSeconds(10);
        var folded = TerminalActivityCounter.Count(null, Message(TerminalMessageKind.Telemetry, Now, screenOn: true), "T-1", "p", Shanghai, interval, ref screen);
        Assert.Equal((0, Now), (folded.Current.ScreenOnSeconds, screen));

        folded = TerminalActivityCounter.Count(folded.Current, Message(TerminalMessageKind.Telemetry, Now.AddSeconds(12), screenOn: true), "T-1", "p", Shanghai, interval, ref screen);
        Assert.Equal(12, folded.Current.ScreenOnSeconds);

        folded = TerminalActivityCounter.Count(folded.Current, Message(TerminalMessageKind.Telemetry, Now.AddSeconds(112), screenOn: true), "T-1", "p", Shanghai, interval, ref screen);
        Assert.Equal(12 + 30, folded.Current.ScreenOnSeconds);

        folded = TerminalActivityCounter.Count(folded.Current, Message(TerminalMessageKind.Telemetry, Now.AddSeconds(120), screenOn: false), "T-1", "p", Shanghai, interval, ref screen);
        Assert.Equal((42, Now.AddSeconds(120)), (folded.Current.ScreenOnSeconds, screen));
    }

    [Fact]
    public void Samples_fold_into_their_bucket_and_a_sample_of_a_later_bucket_finishes_the_current_one()
    {
        var size = TimeSpan.FromMinutes(5);
        var first = TelemetryBuckets.Fold(null, new TelemetrySample(Now, 20, 40, 50, 30, true, null, 0), Now.AddMinutes(1), size, "T-1");
        var second = TelemetryBuckets.Fold(first.Current, new TelemetrySample(Now, 60, null, 70, 50, true, null, 0), Now.AddMinutes(4), size, "T-1");

        Assert.Null(second.Finished);
        Assert.Equal((Now, 2, 40.0, 60.0, 40.0, 60.0, 50.0),
            (second.Current.Start, second.Current.Samples, second.Current.CpuAvg, second.Current.CpuMax, second.Current.MemoryAvg, second.Current.DiskAvg, second.Current.TemperatureMax));

        var later = TelemetryBuckets.Fold(second.Current, new TelemetrySample(Now, 10, 10, 10, 10, true, null, 0), Now.AddMinutes(5), size, "T-1");

        Assert.Same(second.Current, later.Finished);
        Assert.Equal((Now.AddMinutes(5), 1, 10.0), (later.Current.Start, later.Current.Samples, later.Current.CpuAvg));
    }

    [Fact]
    public void Inspections_are_kept_in_time_order_the_latest_twenty_and_the_next_is_due_a_period_after_the_last()
    {
        var inspections = new List<InspectionRecord>();
        var period = TimeSpan.FromDays(182);
        Assert.Equal(((DateTimeOffset?)null, (DateTimeOffset?)Now + period), TerminalInspections.Schedule(inspections, Now, period));

        for (var i = 25; i > 0; i--)
        {
            TerminalInspections.Record(inspections, new InspectionRecord(Now.AddDays(i), "巡检员", "正常", true));
        }

        Assert.Equal(TerminalInspections.Remembered, inspections.Count);
        Assert.Equal(Now.AddDays(6), inspections[0].At);
        Assert.True(inspections.Zip(inspections.Skip(1)).All(p => p.First.At <= p.Second.At));
        Assert.Equal(((DateTimeOffset?)Now.AddDays(25), (DateTimeOffset?)Now.AddDays(25) + period), TerminalInspections.Schedule(inspections, Now, period));
        Assert.Throws<ArgumentException>(() => TerminalInspections.Validate(new InspectionRecord(Now, " ", "", true)));
    }
}
