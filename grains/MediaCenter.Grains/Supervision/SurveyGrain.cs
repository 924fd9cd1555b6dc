using MediaCenter.Grains.Operations;
using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MediaCenter.Grains.Supervision;

/// <summary>Stored state of a survey. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.SurveyGrainState")]
public sealed class SurveyGrainState
{
    [Id(0)] public SurveyView? Survey { get; set; }

    /// <summary>The latest answers, for the read table (each stored once by its id; the tallies hold them all).</summary>
    [Id(1)] public List<SurveyResponse> Recent { get; set; } = [];

    [Id(2)] public List<AppliedOperation<SurveyResult>> Applied { get; set; } = [];
}

/// <summary>
/// One survey of the survey builder. Staff define, publish and close it through <see cref="SurveyWorkflow"/>; each public
/// answer is one command (its operation id is the respondent's idempotency key, so a resent form counts once) and adds to
/// the per-question tallies the charts read. The answers themselves go to the read table.
/// </summary>
internal sealed partial class SurveyGrain : Grain, ISurveyGrain
{
    private const int MaxTitle = 200;
    private const int MaxText = 2000;
    private const int MaxOption = 200;
    private const int MaxQuestions = 50;
    private const int MaxOptions = 20;
    private const int MaxAnswerText = 1000;

    // Answers between two successful announcements beyond this many would miss the read table; the announcement runs
    // after every answer, so it only matters while the database is away.
    private const int KeepRecent = 100;

    private readonly IPersistentState<SurveyGrainState> _state;
    private readonly TimeProvider _time;
    private readonly ISupervisionJournal _journal;
    private readonly ILogger<SurveyGrain> _logger;
    private readonly CommandPipeline<SurveyGrainState, SurveyState, SurveyCommandType, SurveyRole, SurveyResult> _pipeline;

    public SurveyGrain(
        [PersistentState("survey", StorageNames.Main)] IPersistentState<SurveyGrainState> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        ISupervisionJournal journal,
        Orleans.Serialization.DeepCopier<SurveyGrainState> copier,
        ILogger<SurveyGrain> logger)
    {
        _state = state;
        _time = time;
        _journal = journal;
        _logger = logger;
        _pipeline = CommandPipeline.For(this, state,
            new WorkflowSpec<SurveyGrainState, SurveyState, SurveyCommandType, SurveyRole, SurveyResult>
            {
                Table = SurveyWorkflow.Table,
                StageOf = s => s.Survey?.State,
                Operations = OperationMemory<SurveyGrainState, SurveyResult>.Over(s => s.Applied, a => a.OperationId,
                    a => a.Result with { Replay = true }, (id, result) => new AppliedOperation<SurveyResult>(id, result)),
                Copy = copier.Copy,
                IsApplied = r => r.Ok,
                Refuse = (refusal, message) => Refuse(OpsGrainSupport.Outcome(refusal), message),
                NotFoundMessage = Msg.Of("common.notFound", ("what", Msg.Of("supervision.whatSurvey"))),
                RefusalAsStored = r => Refuse(r.Outcome, r.Message ?? r.Outcome.ToString()),
                Announce = AnnounceAsync,
                AnnounceFailed = ex => LogBehind(_logger, Id, ex.Message),
            });
    }

    private SurveyGrainState S => _state.State;

    private string Id => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        S.Survey is null ? Task.CompletedTask : _pipeline.Announcer.RunAsync(cancellationToken);

    public Task<SurveyView?> GetAsync() => Task.FromResult(S.Survey);

    public Task<SurveyResult> ExecuteAsync(SurveyCommand command, SurveyActor actor, string operationId) =>
        _pipeline.ExecuteAsync(new WorkflowCall<SurveyState, SurveyCommandType, SurveyRole, SurveyResult>
        {
            OperationId = operationId,
            Command = command.Type,
            Roles = () => actor.Roles,
            Decide = transition => Task.FromResult(Decide(command, actor, transition.To!.Value, operationId)),
        });

    private SurveyResult Decide(SurveyCommand command, SurveyActor actor, SurveyState to, string operationId)
    {
        var now = _time.GetUtcNow();
        switch (command)
        {
            case DefineSurvey c:
                {
                    if (OpsGrainSupport.Required(c.Title, MaxTitle) is not { } title || !OpsGrainSupport.FitsOptional(c.Intro, MaxText)
                        || !OpsGrainSupport.FitsOptional(c.ConsentText, MaxText) || Questions(c.Questions) is not { } questions)
                    {
                        return Invalid(Msg.Of("supervision.surveyDefineRequired", ("questions", MaxQuestions), ("options", MaxOptions)));
                    }

                    var tallies = questions.Select(q => new SurveyTally(q.Number, 0, Enumerable.Repeat(0, Slots(q)).ToList(), [])).ToList();
                    S.Survey = S.Survey is { } old
                        ? old with { Title = title, Intro = OpsGrainSupport.Optional(c.Intro), Questions = questions, ConsentText = OpsGrainSupport.Optional(c.ConsentText), Tallies = tallies }
                        : new SurveyView(Id, title, OpsGrainSupport.Optional(c.Intro), questions, OpsGrainSupport.Optional(c.ConsentText), to, 0, tallies,
                            actor.Name, 0, now, now, null, null);
                    break;
                }

            case PublishSurvey:
                S.Survey = S.Survey! with { State = to, PublishedAt = now };
                break;

            case CloseSurvey:
                S.Survey = S.Survey! with { State = to, ClosedAt = now };
                break;

            case AnswerSurvey c:
                {
                    var survey = S.Survey!;
                    if (survey.ConsentText is not null && !c.Consent)
                    {
                        return Invalid(Msg.Of("supervision.surveyConsentRequired"));
                    }

                    if (Check(survey, c.Items ?? []) is { } problem)
                    {
                        return Invalid(problem);
                    }

                    var items = (c.Items ?? []).Select(i => i with { Text = OpsGrainSupport.Optional(i.Text) }).ToList();
                    var tallies = survey.Tallies.Select(t => Add(t, survey.Questions.First(q => q.Number == t.Number), items.FirstOrDefault(i => i.Number == t.Number)))
                        .ToList();
                    S.Survey = survey with { Responses = survey.Responses + 1, Tallies = tallies };
                    S.Recent.Add(new SurveyResponse(operationId, now, items));
                    if (S.Recent.Count > KeepRecent)
                    {
                        S.Recent.RemoveRange(0, S.Recent.Count - KeepRecent);
                    }

                    break;
                }

            default:
                return Invalid(Msg.Of("supervision.surveyUnknownCommand"));
        }

        S.Survey = S.Survey with { Version = S.Survey.Version + 1, UpdatedAt = now };
        if (command.Type != SurveyCommandType.Answer)
        {
            LogChanged(_logger, Id, command.Type.ToString(), S.Survey.State.ToString());
        }

        return new SurveyResult(OpsOutcome.Applied, null, S.Survey.State, SurveyWorkflow.Table.AllowedIn(S.Survey.State),
            command.Type == SurveyCommandType.Answer ? null : S.Survey);
    }

    private static List<SurveyQuestion>? Questions(List<SurveyQuestionDraft>? drafts)
    {
        if (drafts is not { Count: > 0 and <= MaxQuestions })
        {
            return null;
        }

        var questions = new List<SurveyQuestion>();
        foreach (var d in drafts)
        {
            var options = d.Options?.Select(OpsGrainSupport.Optional).OfType<string>().ToList() ?? [];
            var choice = d.Kind is SurveyQuestionKind.Single or SurveyQuestionKind.Multiple;
            if (d.Kind is not { } kind || !Enum.IsDefined(kind) || OpsGrainSupport.Required(d.Text, MaxText) is not { } text
                || (choice && options.Count is < 2 or > MaxOptions) || (!choice && options.Count > 0) || options.Any(o => o.Length > MaxOption))
            {
                return null;
            }

            questions.Add(new SurveyQuestion(questions.Count + 1, kind, text, options, d.Required));
        }

        return questions;
    }

    private static int Slots(SurveyQuestion q) => q.Kind switch
    {
        SurveyQuestionKind.Rating => 5,
        SurveyQuestionKind.Text => 0,
        _ => q.Options.Count,
    };

    /// <summary>What is wrong with an answer, or null: each item names a question once and fits its kind; required ones are answered.</summary>
    private static string? Check(SurveyView survey, List<SurveyAnswerItem> items)
    {
        if (items.GroupBy(i => i.Number).Any(g => g.Count() > 1))
        {
            return Msg.Of("supervision.surveyAnswerMalformed");
        }

        foreach (var item in items)
        {
            var q = survey.Questions.FirstOrDefault(x => x.Number == item.Number);
            var ok = q?.Kind switch
            {
                SurveyQuestionKind.Single => item.Choices is null or { Count: <= 1 } && Within(item.Choices, q.Options.Count),
                SurveyQuestionKind.Multiple => Within(item.Choices, q.Options.Count) && (item.Choices is null || item.Choices.Distinct().Count() == item.Choices.Count),
                SurveyQuestionKind.Rating => item.Rating is null or (>= 1 and <= 5),
                SurveyQuestionKind.Text => item.Text is null || item.Text.Trim().Length <= MaxAnswerText,
                _ => false,
            };
            if (!ok)
            {
                return Msg.Of("supervision.surveyAnswerMalformed");
            }
        }

        var missing = survey.Questions.Where(q => q.Required && !Answered(q, items.FirstOrDefault(i => i.Number == q.Number))).Select(q => q.Number).ToList();
        return missing.Count > 0 ? Msg.Of("supervision.surveyAnswerMissing", ("numbers", Msg.List(missing.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))))) : null;
    }

    private static bool Within(List<int>? choices, int count) => choices is null || choices.All(c => c >= 1 && c <= count);

    private static bool Answered(SurveyQuestion q, SurveyAnswerItem? item) => item is not null && q.Kind switch
    {
        SurveyQuestionKind.Rating => item.Rating is not null,
        SurveyQuestionKind.Text => !string.IsNullOrWhiteSpace(item.Text),
        _ => item.Choices is { Count: > 0 },
    };

    private static SurveyTally Add(SurveyTally tally, SurveyQuestion q, SurveyAnswerItem? item)
    {
        if (item is null || !Answered(q, item))
        {
            return tally;
        }

        var counts = tally.Counts.ToList();
        var texts = tally.Texts;
        switch (q.Kind)
        {
            case SurveyQuestionKind.Rating:
                counts[item.Rating!.Value - 1]++;
                break;
            case SurveyQuestionKind.Text:
                texts = [.. tally.Texts.TakeLast(SurveyView.KeepTexts - 1), item.Text!.Trim()];
                break;
            default:
                foreach (var c in item.Choices!)
                {
                    counts[c - 1]++;
                }

                break;
        }

        return tally with { Answered = tally.Answered + 1, Counts = counts, Texts = texts };
    }

    private Task AnnounceAsync(CancellationToken cancellationToken) =>
        S.Survey is { } survey ? _journal.RecordSurveyAsync(survey, S.Recent, cancellationToken) : Task.CompletedTask;

    private SurveyResult Invalid(string message) => Refuse(OpsOutcome.Invalid, message);

    private SurveyResult Refuse(OpsOutcome outcome, string message) =>
        new(outcome, message, S.Survey?.State, SurveyWorkflow.Table.AllowedIn(S.Survey?.State), S.Survey);

    [LoggerMessage(Level = LogLevel.Information, Message = "Survey {SurveyId}: {Command} -> {To}")]
    private static partial void LogChanged(ILogger logger, string surveyId, string command, string to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Survey {SurveyId}: could not update the read table yet: {Reason}")]
    private static partial void LogBehind(ILogger logger, string surveyId, string reason);
}
