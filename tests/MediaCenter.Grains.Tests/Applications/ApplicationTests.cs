using MediaCenter.Grains.Applications;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Grains.Operations;

namespace MediaCenter.Grains.Tests.Applications;

/// <summary>Applications (接入应用): the state table, who runs them, suspension reaching their channels, and whose channels they take.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ApplicationTests(ClusterFixture fixture)
{
    private static readonly OpsActor PartyAdmin = new(Guid.NewGuid(), "接入方管理员", OpsRole.Party);
    private static readonly OpsActor Operator = new(Guid.NewGuid(), "运营方", OpsRole.Operator);
    private static readonly OpsActor Management = new(Guid.NewGuid(), "管理方", OpsRole.Management);

    private readonly string _party = "app-p-" + Guid.NewGuid().ToString("N")[..8];

    private static RecordingApplicationJournal Journal => ClusterFixture.Applications;

    private IApplicationGrain App(string code) => fixture.Grains.GetGrain<IApplicationGrain>(ApplicationIds.Of(_party, code));

    private static string Op() => Guid.NewGuid().ToString("N");

    private async Task<ApplicationView> CreateAsync(string code, OpsActor? actor = null)
    {
        var created = await App(code).ExecuteAsync(new CreateApplication("演示 APP", ApplicationKind.App, "张三", "移动客户端"), actor ?? PartyAdmin, Op());
        Assert.True(created.Ok, Text.En(created.Message));
        return created.Application!;
    }

    [Fact]
    public void The_party_and_platform_staff_run_applications_and_a_retired_one_takes_no_command()
    {
        var table = ApplicationWorkflow.Table;
        Assert.All(table, t => Assert.Equal(OpsRole.Party | OpsRole.Operator, t.Roles));
        Assert.Empty(table.AllowedIn(ApplicationState.Retired));
        Assert.NotNull(table.Find(ApplicationState.Suspended, ApplicationCommandType.Resume));
        Assert.Null(table.Find(ApplicationState.Active, ApplicationCommandType.Resume));
        Assert.Null(table.Find(ApplicationState.Suspended, ApplicationCommandType.Suspend));
    }

    [Fact]
    public async Task A_created_application_is_active_and_its_read_row_and_event_are_recorded()
    {
        var app = await CreateAsync("pc-site");

        Assert.Equal((ApplicationState.Active, _party, "pc-site", 1L), (app.State, app.PartyId, app.Code, app.Version));
        Assert.Equal(1L, Journal.Rows[app.Id].Version);
        var created = Assert.Single(Journal.Events[app.Id].Values);
        Assert.Equal((ApplicationCommandType.Create, (ApplicationState?)null, ApplicationState.Active), (created.Command, created.From, created.To));
    }

    [Fact]
    public async Task Management_cannot_create_an_application_and_a_repeated_operation_answers_the_first_result()
    {
        var refused = await App("kiosk").ExecuteAsync(new CreateApplication("自助终端服务", ApplicationKind.Terminal, null, null), Management, Op());
        Assert.Equal(OpsOutcome.Forbidden, refused.Outcome);

        var operation = Op();
        var first = await App("kiosk").ExecuteAsync(new CreateApplication("自助终端服务", ApplicationKind.Terminal, null, null), Operator, operation);
        var again = await App("kiosk").ExecuteAsync(new CreateApplication("自助终端服务", ApplicationKind.Terminal, null, null), Operator, operation);
        Assert.True(first.Ok);
        Assert.True(again.Replay);
        Assert.Equal(1L, (await App("kiosk").GetAsync())!.Version);

        var taken = await App("kiosk").ExecuteAsync(new CreateApplication("另一个", ApplicationKind.Web, null, null), Operator, Op());
        Assert.Equal(OpsOutcome.IllegalMove, taken.Outcome);
    }

    [Fact]
    public async Task Suspending_needs_a_reason_and_resuming_an_active_application_is_an_illegal_move()
    {
        await CreateAsync("wap");

        var noReason = await App("wap").ExecuteAsync(new SuspendApplication(true, " "), PartyAdmin, Op());
        Assert.Equal(OpsOutcome.Invalid, noReason.Outcome);
        Assert.Contains("reason", Text.En(noReason.Message), StringComparison.Ordinal);

        var resume = await App("wap").ExecuteAsync(new SuspendApplication(false, null), PartyAdmin, Op());
        Assert.Equal(OpsOutcome.IllegalMove, resume.Outcome);
        Assert.Equal([ApplicationCommandType.Edit, ApplicationCommandType.Suspend, ApplicationCommandType.Retire], resume.AllowedMoves);
    }

    [Fact]
    public async Task Suspending_an_application_takes_its_channels_out_of_service_and_resuming_leaves_a_channel_suspended_on_its_own()
    {
        var app = await CreateAsync("app");
        var open = _party + "-news";
        var ownSuspension = _party + "-sports";
        Journal.Channels[app.Id] = [open, ownSuspension];
        await fixture.Grains.GetGrain<IChannelGrain>(ownSuspension).SetSuspendedAsync(true, "内容整改", Op());

        var suspended = await App("app").ExecuteAsync(new SuspendApplication(true, "安全检查"), PartyAdmin, Op());
        Assert.True(suspended.Ok, Text.En(suspended.Message));
        Assert.Equal(ApplicationState.Suspended, suspended.State);
        var openPolicy = await fixture.Grains.GetGrain<IChannelGrain>(open).GetPolicyAsync();
        Assert.True(openPolicy.IsOutOfService());
        Assert.False(openPolicy.Suspended);
        Assert.Equal("安全检查", openPolicy.OutOfServiceReason());
        Assert.Equal("内容整改", (await fixture.Grains.GetGrain<IChannelGrain>(ownSuspension).GetPolicyAsync()).OutOfServiceReason());

        var resumed = await App("app").ExecuteAsync(new SuspendApplication(false, "检查完毕"), PartyAdmin, Op());
        Assert.True(resumed.Ok, Text.En(resumed.Message));
        Assert.False((await fixture.Grains.GetGrain<IChannelGrain>(open).GetPolicyAsync()).IsOutOfService());
        var stillOwn = await fixture.Grains.GetGrain<IChannelGrain>(ownSuspension).GetPolicyAsync();
        Assert.True(stillOwn.Suspended);
        Assert.Null(stillOwn.ApplicationSuspendedReason);
        Assert.Equal([ApplicationCommandType.Create, ApplicationCommandType.Suspend, ApplicationCommandType.Resume],
            Journal.Events[app.Id].Values.OrderBy(e => e.Version).Select(e => e.Command));
    }

    [Fact]
    public async Task An_application_refuses_another_partys_channel_and_a_retired_one_refuses_every_channel()
    {
        await CreateAsync("site");

        var own = await App("site").AdmitAsync(_party);
        var other = await App("site").AdmitAsync("someone-else");
        Assert.True(own.Ok);
        Assert.Equal(OpsOutcome.Invalid, other.Outcome);
        Assert.Contains("another access party", Text.En(other.Message), StringComparison.Ordinal);
        Assert.Equal(OpsOutcome.NotFound, (await App("nothing-here").AdmitAsync(_party)).Outcome);

        var retired = await App("site").ExecuteAsync(new RetireApplication("停办"), PartyAdmin, Op());
        Assert.True(retired.Ok, Text.En(retired.Message));
        Assert.Equal(OpsOutcome.IllegalMove, (await App("site").AdmitAsync(_party)).Outcome);
        Assert.Equal(OpsOutcome.IllegalMove, (await App("site").ExecuteAsync(new EditApplication("x", ApplicationKind.Web, null, null), PartyAdmin, Op())).Outcome);
    }

    [Fact]
    public async Task A_suspended_application_tells_a_channel_joining_it_why_it_gives_no_service()
    {
        await CreateAsync("screen");
        Assert.True((await App("screen").ExecuteAsync(new SuspendApplication(true, "设备检修"), Operator, Op())).Ok);

        var admission = await App("screen").AdmitAsync(_party);
        Assert.True(admission.Ok);
        Assert.Equal("设备检修", admission.SuspendedReason);
    }

    [Fact]
    public async Task The_default_application_comes_from_the_read_table_and_is_never_retired()
    {
        var now = ClusterFixture.GrainClock.GetUtcNow();
        var id = ApplicationIds.Of(_party, ApplicationIds.DefaultCode);
        Journal.Rows[id] = new ApplicationView(id, _party, ApplicationIds.DefaultCode, "演示接入方", ApplicationKind.Web, null, null, ApplicationState.Active,
            null, null, 0, now, now);

        Assert.Equal("演示接入方", (await App(ApplicationIds.DefaultCode).GetAsync())?.Name);
        var retire = await App(ApplicationIds.DefaultCode).ExecuteAsync(new RetireApplication(null), PartyAdmin, Op());
        Assert.Equal(OpsOutcome.Invalid, retire.Outcome);
        Assert.Contains("default application", Text.En(retire.Message), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_application_with_channels_or_terminals_cannot_be_retired()
    {
        var app = await CreateAsync("busy");
        Journal.Terminals[app.Id] = 2;

        var refused = await App("busy").ExecuteAsync(new RetireApplication(null), PartyAdmin, Op());
        Assert.Equal(OpsOutcome.Invalid, refused.Outcome);
        Assert.Contains("2 terminal(s)", Text.En(refused.Message), StringComparison.Ordinal);
        Assert.Equal(ApplicationState.Active, (await App("busy").GetAsync())!.State);
    }
}
