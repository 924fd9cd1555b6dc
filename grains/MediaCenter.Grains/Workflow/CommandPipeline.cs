using Orleans.Runtime;
using Orleans.Storage;

namespace MediaCenter.Grains.Workflow;

/// <summary>Makes command pipelines for grains.</summary>
public static class CommandPipeline
{
    /// <summary>A pipeline for a grain's command path over its persistent state.</summary>
    public static CommandPipeline<TState, TStage, TCommand, TRole, TResult> For<TState, TStage, TCommand, TRole, TResult>(
        IGrainBase grain, IPersistentState<TState> state, WorkflowSpec<TState, TStage, TCommand, TRole, TResult> spec)
        where TState : class
        where TStage : struct, Enum
        where TCommand : struct, Enum
        where TRole : struct, Enum
        where TResult : class =>
        new(new GrainWorkflowHost(grain), state, spec);
}

/// <summary>
/// The one path every workflow command takes: operation id (none refused; a repeat answers the first result),
/// the table (state, then role, then the grain's own vetting), the grain's decision on a backup of the state
/// (any refusal or failure before the write is done puts the state back), the write, and only then the
/// acknowledgement; the announcement to the projections follows, with a catch-up timer when they fail. When the
/// write finds storage moved on (another activation wrote, or a write reported as failed had landed), the state is
/// read again and the command decided again against it — never retried blindly over what is stored.
/// </summary>
public sealed class CommandPipeline<TState, TStage, TCommand, TRole, TResult>
    where TState : class
    where TStage : struct, Enum
    where TCommand : struct, Enum
    where TRole : struct, Enum
    where TResult : class
{
    /// <summary>The message of a refusal for a missing operation id.</summary>
    public static readonly string OperationIdRequired = Msg.Of("workflow.operationIdRequired");

    private readonly IWorkflowHost _host;
    private readonly IPersistentState<TState> _state;
    private readonly WorkflowSpec<TState, TStage, TCommand, TRole, TResult> _spec;

    /// <summary>A pipeline over a state, in a host.</summary>
    public CommandPipeline(IWorkflowHost host, IPersistentState<TState> state, WorkflowSpec<TState, TStage, TCommand, TRole, TResult> spec)
    {
        _host = host;
        _state = state;
        _spec = spec;
        Announcer = new Announcer(host, spec.Announce ?? (_ => Task.CompletedTask), spec.AnnounceFailed, spec.RetryEvery);
    }

    /// <summary>The announcement step: grains also run it on activation and after writes of their own.</summary>
    public Announcer Announcer { get; }

    /// <summary>Runs a command through the pipeline.</summary>
    public async Task<TResult> ExecuteAsync(WorkflowCall<TStage, TCommand, TRole, TResult> call)
    {
        if (string.IsNullOrWhiteSpace(call.OperationId))
        {
            return _spec.Refuse(WorkflowRefusal.Invalid, OperationIdRequired);
        }

        (TResult Result, bool Written) outcome;
        var reread = false;
        try
        {
            outcome = await DecideAndWriteAsync(call);
        }
        catch (InconsistentStateException)
        {
            try
            {
                await _state.ReadStateAsync();
                reread = true;
                _spec.Reread?.Invoke();
                outcome = await DecideAndWriteAsync(call);
            }
            catch
            {
                // Storage keeps moving (or cannot be read): the next call starts from a fresh activation.
                _host.DeactivateOnIdle();
                throw;
            }
        }

        if (outcome.Written && call.AfterWrite is { } afterWrite)
        {
            await afterWrite(outcome.Result);
        }

        // What was read again may hold moves this activation never announced (also when the answer is a repeat).
        if (_spec.Announce is not null && (outcome.Written || reread))
        {
            if (_spec.AnnounceTiming == AnnounceTiming.BeforeAnswer)
            {
                await Announcer.RunAsync(CancellationToken.None);
            }
            else
            {
                Announcer.RunSoon();
            }
        }

        return outcome.Result;
    }

    /// <summary>The moves the table allows in the entity's current state (by someone).</summary>
    public List<TCommand> AllowedNow() => _spec.Table.AllowedIn(_spec.StageOf(_state.State));

    private async Task<(TResult Result, bool Written)> DecideAndWriteAsync(WorkflowCall<TStage, TCommand, TRole, TResult> call)
    {
        if (_spec.Operations.Recall(_state.State, call.OperationId) is { } repeat)
        {
            return (repeat, false);
        }

        var from = _spec.StageOf(_state.State);
        var transition = _spec.Table.Find(from, call.Command);
        if (transition is null)
        {
            if (from is null)
            {
                return (_spec.Refuse(WorkflowRefusal.NotFound, _spec.NotFoundMessage), false);
            }

            var allowed = _spec.Table.AllowedIn(from);
            return (_spec.Refuse(WorkflowRefusal.IllegalMove,
                Msg.Of("workflow.illegalMove", ("command", call.Command), ("state", from), ("allowed", Msg.List(allowed.Cast<object?>())))), false);
        }

        if (!transition.AllowsAny(call.Roles()))
        {
            return (_spec.Refuse(WorkflowRefusal.Forbidden,
                Msg.Of("workflow.roleNeeded", ("command", call.Command), ("roles", transition.Roles), ("hint", _spec.RoleHint?.Invoke(transition)))), false);
        }

        if (call.Vet?.Invoke(transition) is { } reason)
        {
            return (_spec.Refuse(WorkflowRefusal.Forbidden, reason), false);
        }

        // The grain changes the state in place; if anything fails before the write is done, the state goes back to
        // what storage holds, so a retry is judged afresh and never answered from a write that did not happen.
        var backup = _spec.Copy(_state.State);
        try
        {
            var result = await call.Decide(transition);
            if (!_spec.IsApplied(result))
            {
                _state.State = backup;
                return (_spec.RefusalAsStored?.Invoke(result) ?? result, false);
            }

            _spec.Operations.Remember(_state.State, call.OperationId, result);
            await _state.WriteStateAsync();
            return (result, true);
        }
        catch
        {
            _state.State = backup;
            throw;
        }
    }
}
