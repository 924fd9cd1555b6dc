namespace MediaCenter.Grains.Tickets;

/// <summary>
/// One complaint, consultation or suggestion (F11.1), keyed by its follow-up code. Commands follow
/// <see cref="TicketWorkflow"/>; the time limits run on the working-day calendar and are checked on a reminder.
/// </summary>
[Alias("mc.ITicketGrain")]
public interface ITicketGrain : IGrainWithStringKey
{
    /// <summary>Applies a command (idempotent per operation id).</summary>
    [Alias("Execute")]
    Task<TicketResult> ExecuteAsync(TicketCommand command, TicketActor actor, string operationId);

    /// <summary>The ticket (contact masked), or null when there is none.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<TicketView?> GetAsync();

    /// <summary>The submitter's encrypted contact, for the web host to check a follow-up proof against; null after erasure.</summary>
    [Alias("GetContact"), Orleans.Concurrency.ReadOnly]
    Task<TicketContact?> GetContactAsync();

    /// <summary>The moves the table allows now to a caller of this kind.</summary>
    [Alias("AllowedFor"), Orleans.Concurrency.ReadOnly]
    Task<List<TicketCommandType>> AllowedForAsync(TicketActor actor);

    /// <summary>Checks the time limits against the clock and escalates those passed (the reminder's work; idempotent).</summary>
    [Alias("CheckDeadlines")]
    Task<TicketView?> CheckDeadlinesAsync();
}

/// <summary>The working-day calendar of the time limits (key: <see cref="Default"/>), maintained by administrators.</summary>
[Alias("mc.ITicketCalendarGrain")]
public interface ITicketCalendarGrain : IGrainWithStringKey
{
    /// <summary>The one calendar's key.</summary>
    public const string Default = "default";

    /// <summary>The calendar.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<WorkingCalendar> GetAsync();

    /// <summary>Replaces one year's holidays and make-up working days (idempotent per operation id); answers the calendar.</summary>
    [Alias("SetYear")]
    Task<WorkingCalendar> SetYearAsync(int year, List<DateOnly> holidays, List<DateOnly> workdays, string operationId);
}
