using MediaCenter.Grains.Incidents;
using MediaCenter.Messages;

namespace MediaCenter.Grains.Tests.Incidents;

/// <summary>Webhooks and read marks as grain commands: operation ids, the table, and what reaches the silo's tables.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AlertCentreGrainTests(ClusterFixture fixture)
{
    private static readonly Guid Admin = new("ad000000-0000-0000-0000-000000000001");

    private static WebhookDraft Draft(string audience = "ops") => new(audience, "https://hooks.example.org/mc", ["incidentOpened"]);

    [Fact]
    public async Task A_created_webhook_is_in_the_delivery_table_before_the_answer_and_a_repeat_answers_the_same_secret()
    {
        var id = Guid.NewGuid();
        var hook = fixture.Grains.GetGrain<IWebhookGrain>(id);

        var created = await hook.CreateAsync(Draft(), Admin, WebhookRole.Manager, "op-1");
        var row = ClusterFixture.AlertCentre.RowOf(id);
        var repeat = await hook.CreateAsync(Draft(), Admin, WebhookRole.Manager, "op-1");

        Assert.True(created.Ok, created.Message);
        Assert.StartsWith("whsec_", created.Secret, StringComparison.Ordinal);
        Assert.NotNull(row);
        Assert.Equal((true, "ops", Admin), (row.Value.Hook.Active, row.Value.Hook.Audience, row.Value.Hook.CreatedBy));
        // The delivery table holds it sealed only; the creator (and a retry of the same creation) reads it in clear.
        Assert.Equal(new TestWebhookSecrets().Seal(created.Secret!), row.Value.Secret);
        Assert.Equal(created.Secret, repeat.Secret);
        Assert.Equal((created.Hook!.Id, created.Hook.CreatedAt), (repeat.Hook!.Id, repeat.Hook.CreatedAt));
        Assert.Equal(["incidentOpened"], repeat.Hook.Kinds);
        Assert.Equal([WebhookCommandType.Stop], created.AllowedMoves);
    }

    [Fact]
    public async Task A_webhook_to_something_other_than_http_or_for_an_unknown_audience_is_refused_and_nothing_is_written()
    {
        var writes = ClusterFixture.AlertCentre.WebhookWrites;
        var ftp = await fixture.Grains.GetGrain<IWebhookGrain>(Guid.NewGuid())
            .CreateAsync(Draft() with { Url = "ftp://hooks.example.org/" }, Admin, WebhookRole.Manager, "op-ftp");
        var everyone = await fixture.Grains.GetGrain<IWebhookGrain>(Guid.NewGuid()).CreateAsync(Draft("everyone"), Admin, WebhookRole.Manager, "op-all");
        var nobody = await fixture.Grains.GetGrain<IWebhookGrain>(Guid.NewGuid()).CreateAsync(Draft(), Admin, WebhookRole.None, "op-none");
        var noKey = await fixture.Grains.GetGrain<IWebhookGrain>(Guid.NewGuid()).CreateAsync(Draft(), Admin, WebhookRole.Manager, "");

        Assert.Equal(AlertCentreOutcome.Invalid, ftp.Outcome);
        Assert.Equal(AlertCentreOutcome.Invalid, everyone.Outcome);
        Assert.Equal(AlertCentreOutcome.Forbidden, nobody.Outcome);
        Assert.Equal(AlertCentreOutcome.Invalid, noKey.Outcome);
        Assert.Equal(writes, ClusterFixture.AlertCentre.WebhookWrites);
    }

    [Fact]
    public async Task A_webhook_keeps_the_language_it_was_created_with_and_is_chinese_when_none_is_given()
    {
        var english = Guid.NewGuid();
        var chinese = Guid.NewGuid();

        var en = await fixture.Grains.GetGrain<IWebhookGrain>(english).CreateAsync(Draft() with { Language = "en" }, Admin, WebhookRole.Manager, "op-en");
        var zh = await fixture.Grains.GetGrain<IWebhookGrain>(chinese).CreateAsync(Draft(), Admin, WebhookRole.Manager, "op-zh");

        Assert.True(en.Ok, en.Message);
        Assert.True(zh.Ok, zh.Message);
        Assert.Equal("en", en.Hook!.PayloadLanguage);
        Assert.Equal("zh-CN", zh.Hook!.PayloadLanguage);
        Assert.Equal("en", ClusterFixture.AlertCentre.RowOf(english)!.Value.Hook.PayloadLanguage);
        Assert.Equal("zh-CN", ClusterFixture.AlertCentre.RowOf(chinese)!.Value.Hook.PayloadLanguage);
        Assert.Equal("en", (await fixture.Grains.GetGrain<IWebhookGrain>(english).GetAsync())!.PayloadLanguage);
    }

    [Fact]
    public async Task A_webhook_in_a_language_the_catalogue_does_not_hold_is_refused_and_nothing_is_written()
    {
        var writes = ClusterFixture.AlertCentre.WebhookWrites;

        var french = await fixture.Grains.GetGrain<IWebhookGrain>(Guid.NewGuid())
            .CreateAsync(Draft() with { Language = "fr" }, Admin, WebhookRole.Manager, "op-fr");

        Assert.Equal(AlertCentreOutcome.Invalid, french.Outcome);
        Assert.Equal("incident.webhookLanguage", Msg.KeyOf(french.Message));
        Assert.Null(french.Hook);
        Assert.Equal(writes, ClusterFixture.AlertCentre.WebhookWrites);
    }

    [Fact]
    public async Task A_stopped_webhook_stops_in_the_delivery_table_and_is_gone_for_further_commands()
    {
        var id = Guid.NewGuid();
        var hook = fixture.Grains.GetGrain<IWebhookGrain>(id);
        await hook.CreateAsync(Draft("party:p1"), Admin, WebhookRole.Manager, "create");

        var stopped = await hook.StopAsync(WebhookRole.Manager, "stop-1");
        var again = await hook.StopAsync(WebhookRole.Manager, "stop-2");
        var repeat = await hook.StopAsync(WebhookRole.Manager, "stop-1");

        Assert.Equal((AlertCentreOutcome.Applied, (WebhookState?)WebhookState.Stopped), (stopped.Outcome, stopped.State));
        Assert.False(ClusterFixture.AlertCentre.RowOf(id)!.Value.Hook.Active);
        Assert.Equal("p1", ClusterFixture.AlertCentre.RowOf(id)!.Value.Hook.PartyId);
        Assert.Equal(AlertCentreOutcome.NotFound, again.Outcome);
        Assert.True(repeat.Ok);
        Assert.Null(repeat.Secret);
    }

    [Fact]
    public async Task A_webhook_written_before_the_grains_owned_webhooks_can_be_stopped_and_an_unknown_one_is_not_found()
    {
        var id = Guid.NewGuid();
        ClusterFixture.AlertCentre.Seed(new WebhookView(id, "ops", null, "https://old.example.org/", [], true, Desk(), Admin), "whsec_old");

        var stopped = await fixture.Grains.GetGrain<IWebhookGrain>(id).StopAsync(WebhookRole.Manager, "stop-old");
        var unknown = await fixture.Grains.GetGrain<IWebhookGrain>(Guid.NewGuid()).StopAsync(WebhookRole.Manager, "stop-unknown");

        Assert.True(stopped.Ok, stopped.Message);
        Assert.False(ClusterFixture.AlertCentre.RowOf(id)!.Value.Hook.Active);
        Assert.Equal("whsec_old", ClusterFixture.AlertCentre.RowOf(id)!.Value.Secret);
        Assert.Equal(AlertCentreOutcome.NotFound, unknown.Outcome);

        static DateTimeOffset Desk() => ClusterFixture.GrainClock.GetUtcNow().AddDays(-30);
    }

    [Fact]
    public async Task Read_marks_cover_only_the_persons_audiences_and_an_invisible_notification_is_not_found()
    {
        var user = Guid.NewGuid();
        var tag = Guid.NewGuid().ToString("N");
        var mine = new AlertNotification($"inbox-{tag}-mine", "user:" + user.ToString("N"), "assignmentOverdue", null, "t", "b", ClusterFixture.GrainClock.GetUtcNow());
        var others = mine with { Id = $"inbox-{tag}-others", Audience = "party:elsewhere" };
        await ClusterFixture.AlertCentre.NotifyAsync(mine);
        await ClusterFixture.AlertCentre.NotifyAsync(others);
        var inbox = fixture.Grains.GetGrain<INotificationInboxGrain>(user);
        List<string> audiences = ["user:" + user.ToString("N")];

        var one = await inbox.MarkReadAsync(audiences, mine.Id, "read-1");
        var hidden = await inbox.MarkReadAsync(audiences, others.Id, "read-2");
        var repeat = await inbox.MarkReadAsync(audiences, mine.Id, "read-1");

        Assert.Equal((AlertCentreOutcome.Applied, 1), (one.Outcome, one.Marked));
        Assert.Equal(AlertCentreOutcome.NotFound, hidden.Outcome);
        Assert.Equal(one, repeat);
        Assert.True(ClusterFixture.AlertCentre.HasRead(user, mine.Id));
        Assert.False(ClusterFixture.AlertCentre.HasRead(user, others.Id));
    }
}
