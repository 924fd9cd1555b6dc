using Orleans.Runtime;

namespace MediaCenter.Grains.Workflow;

/// <summary>What the command pipeline needs of the grain it runs in: a timer for catching up, and leaving memory.</summary>
public interface IWorkflowHost
{
    /// <summary>Registers a grain timer (its callbacks do not interleave with the grain's calls).</summary>
    IGrainTimer RegisterTimer(Func<CancellationToken, Task> callback, GrainTimerCreationOptions options);

    /// <summary>Asks for the activation to end once idle, so the next call starts from what storage holds.</summary>
    void DeactivateOnIdle();
}

/// <summary>The host of a real grain.</summary>
public sealed class GrainWorkflowHost(IGrainBase grain) : IWorkflowHost
{
    /// <inheritdoc/>
    public IGrainTimer RegisterTimer(Func<CancellationToken, Task> callback, GrainTimerCreationOptions options) =>
        grain.RegisterGrainTimer(callback, options);

    /// <inheritdoc/>
    public void DeactivateOnIdle() => GrainBaseExtensions.DeactivateOnIdle(grain);
}
