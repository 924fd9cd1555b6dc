using MediaCenter.Grains.Workflow;

namespace MediaCenter.Grains.Incidents;

/// <summary>Stored state of a person's alert-centre inbox. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.NotificationInboxState")]
public sealed class NotificationInboxState
{
    [Id(0)] public List<AppliedOperation<NotificationReadResult>> Applied { get; set; } = [];
}

/// <summary>
/// One person's read marks. Marking is idempotent in itself (a mark is a set member); the operation id makes a repeated
/// request answer what the first one answered, and is written before the answer like every other command's.
/// </summary>
internal sealed class NotificationInboxGrain(
    [PersistentState("inbox", StorageNames.Main)] IPersistentState<NotificationInboxState> state,
    IAlertCentreJournal journal) : Grain, INotificationInboxGrain
{
    private const int MaxAudiences = 64;

    private static readonly OperationMemory<NotificationInboxState, NotificationReadResult> Operations =
        OperationMemory<NotificationInboxState, NotificationReadResult>.Over(s => s.Applied, a => a.OperationId, a => a.Result,
            (id, result) => new AppliedOperation<NotificationReadResult>(id, result));

    public async Task<NotificationReadResult> MarkReadAsync(List<string> audiences, string? notificationId, string operationId)
    {
        if (string.IsNullOrWhiteSpace(operationId))
        {
            return new NotificationReadResult(AlertCentreOutcome.Invalid, Msg.Of("incident.operationIdRequired"), 0);
        }

        if (Operations.Recall(state.State, operationId) is { } repeat)
        {
            return repeat;
        }

        if (audiences.Count > MaxAudiences)
        {
            return new NotificationReadResult(AlertCentreOutcome.Invalid, Msg.Of("incident.tooManyAudiences", ("max", MaxAudiences)), 0);
        }

        var marked = await journal.MarkReadAsync(this.GetPrimaryKey(), audiences, notificationId);
        if (marked == 0 && notificationId is not null)
        {
            // An id the person cannot see is answered as one that does not exist; nothing is remembered.
            return new NotificationReadResult(AlertCentreOutcome.NotFound, Msg.Of("incident.notificationNotFound"), 0);
        }

        var result = new NotificationReadResult(AlertCentreOutcome.Applied, null, marked);
        Operations.Remember(state.State, operationId, result);
        await state.WriteStateAsync();
        return result;
    }
}
