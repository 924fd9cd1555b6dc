using MediaCenter.Grains.Evaluation;
using MediaCenter.Grains.Operations;
using MediaCenter.Grains.People;
using MediaCenter.Grains.Rectification;
using MediaCenter.Grains.Tickets;

namespace MediaCenter.Grains.Tests.Evaluation;

/// <summary>
/// F12.1: the operator's own yearly evaluation, with the three-party rules adapted — its administrators (acting as the center)
/// score the self part, management the authority's and the public's and decides; its evidence tickets are the operator's; its
/// findings open rectifications of the operator.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class OperatorEvaluationTests(ClusterFixture fixture)
{
    private static readonly int Year = 2031 + Random.Shared.Next(0, 60);

    // What the web makes of a platform administrator on the operator's own things: the operator answering for itself, not management.
    private static readonly OpsActor OperatorAdmin = new(Guid.NewGuid(), "运营方管理员", OpsRole.Party | OpsRole.Operator);
    private static readonly OpsActor Management = new(Guid.NewGuid(), "管理方", OpsRole.Management);

    private static string Op() => Guid.NewGuid().ToString("N");

    private static async Task<EvaluationView> MustAsync(IEvaluationGrain grain, EvaluationCommand command, OpsActor actor)
    {
        var result = await grain.ExecuteAsync(command, actor, Op());
        Assert.True(result.Ok, Text.En(result.Message));
        return result.Evaluation!;
    }

    [Fact]
    public async Task The_operators_administrators_score_its_self_part_management_the_rest_and_its_findings_open_rectifications_of_the_operator()
    {
        var grain = fixture.Grains.GetGrain<IEvaluationGrain>(EvaluationWorkflow.IdOf(Organisation.OperatorKey, Year));
        await MustAsync(grain, new PlanEvaluation(Organisation.OperatorKey, Year, null), OperatorAdmin);
        await MustAsync(grain, new DefineEvaluation([new("service", "平台服务", 100)], null), OperatorAdmin);
        await MustAsync(grain, new StartEvaluation(), OperatorAdmin);

        Assert.Equal(OpsOutcome.Forbidden, (await grain.ExecuteAsync(new ScoreEvaluation(EvaluationParty.Authority, "service", 100m, null), OperatorAdmin, Op())).Outcome);
        Assert.Equal(OpsOutcome.Forbidden, (await grain.ExecuteAsync(new ScoreEvaluation(EvaluationParty.Center, "service", 100m, null), Management, Op())).Outcome);
        await MustAsync(grain, new ScoreEvaluation(EvaluationParty.Center, "service", 70m, "自评"), OperatorAdmin);
        await MustAsync(grain, new ScoreEvaluation(EvaluationParty.Authority, "service", 40m, null), Management);
        await MustAsync(grain, new ScoreEvaluation(EvaluationParty.Public, "service", 40m, null), Management);

        // Its evidence tickets are those assigned to the operator, not a party's.
        Assert.Equal(OpsOutcome.Invalid, (await grain.ExecuteAsync(new AddEvaluationEvidence(EvaluationEvidenceKind.Ticket, await TicketAsync("party:some-center"), null),
            OperatorAdmin, Op())).Outcome);
        await MustAsync(grain, new AddEvaluationEvidence(EvaluationEvidenceKind.Ticket, await TicketAsync(Organisation.OperatorKey), null), OperatorAdmin);

        Assert.Equal(50m, (await MustAsync(grain, new CompleteEvaluation(), OperatorAdmin)).Total);
        await MustAsync(grain, new AddEvaluationFinding("平台投诉回复超时", "service"), OperatorAdmin);
        var finding = (await MustAsync(grain, new OpenEvaluationRectification(1, "平台运营主管"), OperatorAdmin)).Findings[0];
        Assert.Equal(Organisation.OperatorKey, (await fixture.Grains.GetGrain<IRectificationGrain>(finding.RectificationId!).GetAsync())!.PartyId);

        // The operator does not judge itself.
        Assert.Equal(OpsOutcome.Forbidden, (await grain.ExecuteAsync(new ConcludeEvaluation("不合格", null, null), OperatorAdmin, Op())).Outcome);
        Assert.Equal(EvaluationGrade.Fail, (await MustAsync(grain, new ConcludeEvaluation("不合格，限期整改", null, null), Management)).Result);
    }

    private async Task<string> TicketAsync(string assignee)
    {
        var staff = new TicketActor(Guid.NewGuid(), "受理员", TicketActorKind.PlatformStaff);
        var ticket = fixture.Grains.GetGrain<ITicketGrain>("T" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant());
        Assert.True((await ticket.ExecuteAsync(new SubmitTicket(TicketKind.Complaint, null, TicketSource.Phone, "平台响应慢", "回复超时", null, null), staff, Op())).Ok);
        Assert.True((await ticket.ExecuteAsync(new AcceptTicket(), staff, Op())).Ok);
        Assert.True((await ticket.ExecuteAsync(new AssignTicket(assignee, null), staff, Op())).Ok);
        return ticket.GetPrimaryKeyString();
    }
}
