using System.Security.Cryptography;
using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MediaCenter.Grains.Incidents;

/// <summary>Stored state of a webhook. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.WebhookGrainState")]
public sealed class WebhookGrainState
{
    /// <summary>The webhook; null until it is created.</summary>
    [Id(0)] public WebhookView? Hook { get; set; }
    /// <summary>No longer kept (the secret is sealed in the answers kept for retries); cleared from state written before.</summary>
    [Id(1)] public string? Secret { get; set; }
    [Id(2)] public List<AppliedOperation<WebhookResult>> Applied { get; set; } = [];
}

/// <summary>
/// One outbound webhook. Commands run through the command pipeline against <see cref="WebhookWorkflow"/>; the row the
/// delivery worker reads is written before the acknowledgement, so a notification raised right after a 201 reaches it.
/// </summary>
internal sealed partial class WebhookGrain : Grain, IWebhookGrain
{
    private const int MaxUrl = 2000;
    private const int MaxKinds = 20;
    private const int MaxKind = 100;

    private readonly IPersistentState<WebhookGrainState> _state;
    private readonly TimeProvider _time;
    private readonly IAlertCentreJournal _journal;
    private readonly IWebhookSecrets _secrets;
    private readonly ILogger<WebhookGrain> _logger;
    private readonly CommandPipeline<WebhookGrainState, WebhookState, WebhookCommandType, WebhookRole, WebhookResult> _pipeline;

    public WebhookGrain(
        [PersistentState("webhook", StorageNames.Main)] IPersistentState<WebhookGrainState> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        IAlertCentreJournal journal,
        IWebhookSecrets secrets,
        Orleans.Serialization.DeepCopier<WebhookGrainState> copier,
        ILogger<WebhookGrain> logger)
    {
        _state = state;
        _time = time;
        _journal = journal;
        _secrets = secrets;
        _logger = logger;
        _pipeline = CommandPipeline.For(this, state, new WorkflowSpec<WebhookGrainState, WebhookState, WebhookCommandType, WebhookRole, WebhookResult>
        {
            Table = WebhookWorkflow.Transitions,
            StageOf = StageOf,
            Operations = OperationMemory<WebhookGrainState, WebhookResult>.Over(s => s.Applied, a => a.OperationId, a => a.Result,
                (id, result) => new AppliedOperation<WebhookResult>(id, result)),
            Copy = copier.Copy,
            IsApplied = r => r.Ok,
            Refuse = Refuse,
            NotFoundMessage = Msg.Of("incident.webhookNotFound"),
            RefusalAsStored = r => Refuse(r.Outcome, r.Message ?? r.Outcome.ToString()),
        });
    }

    private WebhookGrainState S => _state.State;

    public Task<WebhookView?> GetAsync() => Task.FromResult(S.Hook);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // State written before secrets were sealed: the secret goes, and the answers kept for retries keep it sealed only.
        var clear = S.Applied.Where(a => a.Result.Secret is { } s && !_secrets.IsSealed(s)).ToList();
        if (S.Secret is not null || clear.Count > 0)
        {
            S.Secret = null;
            foreach (var applied in clear)
            {
                S.Applied[S.Applied.IndexOf(applied)] = applied with { Result = applied.Result with { Secret = _secrets.Seal(applied.Result.Secret!) } };
            }

            await _state.WriteStateAsync(cancellationToken);
        }
    }

    public async Task<WebhookResult> CreateAsync(WebhookDraft draft, Guid createdBy, WebhookRole roles, string operationId)
    {
        var result = await _pipeline.ExecuteAsync(new WorkflowCall<WebhookState, WebhookCommandType, WebhookRole, WebhookResult>
        {
            OperationId = operationId,
            Command = WebhookCommandType.Create,
            Roles = () => roles,
            Decide = _ => CreateAsync(draft, createdBy),
        });
        // Kept sealed (for a retry's answer); the one who created it reads it in clear, once per asking.
        return result.Secret is { } sealedSecret ? result with { Secret = _secrets.Open(sealedSecret) } : result;
    }

    public async Task<WebhookResult> StopAsync(WebhookRole roles, string operationId)
    {
        // A webhook written before the grains owned webhooks lives only in the table. Read here, not on activation: a
        // creation whose row landed but whose state write failed must still find the grain empty when it is retried.
        S.Hook ??= await _journal.LoadWebhookAsync(this.GetPrimaryKey());
        return await _pipeline.ExecuteAsync(new WorkflowCall<WebhookState, WebhookCommandType, WebhookRole, WebhookResult>
        {
            OperationId = operationId,
            Command = WebhookCommandType.Stop,
            Roles = () => roles,
            Decide = async _ =>
            {
                await _journal.StopWebhookAsync(S.Hook!.Id);
                S.Hook = S.Hook with { Active = false };
                LogChanged(_logger, S.Hook.Id, "stopped");
                return Applied();
            },
        });
    }

    private async Task<WebhookResult> CreateAsync(WebhookDraft draft, Guid createdBy)
    {
        if (!Uri.TryCreate(draft.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            || draft.Url.Length > MaxUrl)
        {
            return Invalid(Msg.Of("incident.webhookUrl"));
        }

        var audience = draft.Audience.Trim();
        var party = audience.StartsWith("party:", StringComparison.Ordinal) ? audience["party:".Length..] : null;
        if (audience is not ("ops" or "role:admin" or "management") && string.IsNullOrWhiteSpace(party))
        {
            return Invalid(Msg.Of("incident.webhookAudience"));
        }

        var kinds = draft.Kinds.Select(k => k.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (kinds.Count > MaxKinds || kinds.Any(k => k.Length is 0 or > MaxKind))
        {
            return Invalid(Msg.Of("incident.webhookKinds", ("max", MaxKinds), ("length", MaxKind)));
        }

        var language = string.IsNullOrWhiteSpace(draft.Language) ? Languages.Chinese : draft.Language.Trim();
        if (!Languages.All.Contains(language, StringComparer.Ordinal))
        {
            return Invalid(Msg.Of("incident.webhookLanguage", ("language", language), ("allowed", Msg.List(Languages.All))));
        }

        var hook = new WebhookView(this.GetPrimaryKey(), audience, party, url.ToString(), kinds, true, _time.GetUtcNow(), createdBy, language);
        var secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var sealedSecret = _secrets.Seal(secret);
        // The delivery worker reads the table: the row exists before the caller hears of the webhook.
        await _journal.SaveWebhookAsync(hook, sealedSecret);
        S.Hook = hook;
        LogChanged(_logger, hook.Id, "created for " + audience);
        return Applied() with { Secret = sealedSecret };
    }

    private static WebhookState? StageOf(WebhookGrainState s) => s.Hook switch
    {
        null => null,
        { Active: true } => WebhookState.Active,
        _ => WebhookState.Stopped,
    };

    private WebhookResult Applied()
    {
        var stage = StageOf(S);
        return new WebhookResult(AlertCentreOutcome.Applied, null, stage, WebhookWorkflow.Transitions.AllowedIn(stage), S.Hook, null);
    }

    private WebhookResult Refuse(WorkflowRefusal refusal, string message) => refusal switch
    {
        // Stopping twice answered 404 before the grains owned webhooks: a stopped webhook is gone for commands.
        WorkflowRefusal.NotFound or WorkflowRefusal.IllegalMove when StageOf(S) is null or WebhookState.Stopped =>
            Refuse(AlertCentreOutcome.NotFound, Msg.Of("incident.webhookGone")),
        WorkflowRefusal.IllegalMove => Refuse(AlertCentreOutcome.IllegalMove, message),
        WorkflowRefusal.Forbidden => Refuse(AlertCentreOutcome.Forbidden, message),
        _ => Refuse(AlertCentreOutcome.Invalid, message),
    };

    private WebhookResult Invalid(string message) => Refuse(AlertCentreOutcome.Invalid, message);

    private WebhookResult Refuse(AlertCentreOutcome outcome, string message)
    {
        var stage = StageOf(S);
        return new WebhookResult(outcome, message, stage, WebhookWorkflow.Transitions.AllowedIn(stage), S.Hook, null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {WebhookId}: {What}")]
    private static partial void LogChanged(ILogger logger, Guid webhookId, string what);
}
