using MediaCenter.Grains.Tickets;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Security;
using Microsoft.Extensions.Options;

namespace MediaCenter.Web.Tickets;

/// <summary>
/// Tickets for staff (工单, F11.1) under /api/v1/tickets: HTTP to the ticket grains, lists from the read table. Platform
/// staff and management see every ticket, a party's users the tickets assigned to their party; who may make which move is
/// the grain's table. Contacts are answered masked; the full contact only on its own audited endpoint.
/// </summary>
internal static class TicketsApi
{
    public sealed record RecordBody(TicketKind? Kind, TicketPriority? Priority, TicketSource? Source, string? Subject, string? Content, string? Name,
        string? Phone, string? Email, bool? Consent);

    public sealed record AcceptBody(TicketPriority? Priority);

    public sealed record ReasonBody(string? Reason);

    public sealed record AssignBody(string? Assignee, string? Note);

    public sealed record HandleBody(string? Note, string? RectificationRequested, string? ConcernedStaffId = null);

    public sealed record ReplyBody(string? Text);

    public sealed record VisitBody(int? Satisfaction, string? Comment);

    public sealed record RectificationBody(string? Title, string? Detail);

    public sealed record CalendarBody(List<DateOnly>? Holidays, List<DateOnly>? Workdays);

    public static IEndpointRouteBuilder MapTicketsApi(this IEndpointRouteBuilder endpoints)
    {
        var tickets = endpoints.MapGroup("/api/v1/tickets").WithTags("tickets");

        tickets.MapGet("/", async (string? state, int? limit, HttpContext http, TicketReadModel read) =>
            {
                var user = http.CurrentUser();
                var all = user.SpansAllParties || user.Is(PlatformRoles.Management);
                return Results.Ok(await read.ListAsync(user.PartyId, all, state, limit ?? 200, http.RequestAborted));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListTickets")
            .WithSummary("The latest tickets the caller may see (platform staff and management: all; a party's users: those assigned to their party), " +
                "with their time limits and overdue flags; contacts masked. ?state= filters.");

        tickets.MapGet("/workflow", () => Results.Ok(TicketWorkflow.Rows()))
            .RequireAuthorization(Policies.SignedIn)
            .WithName("TicketWorkflow")
            .WithSummary("The ticket state table (state × command × who → next state).");

        tickets.MapGet("/settings", async (IOptions<TicketOptions> options, IClusterClient cluster) =>
            {
                var o = options.Value;
                var calendar = await cluster.GetGrain<ITicketCalendarGrain>(ITicketCalendarGrain.Default).GetAsync();
                return Results.Ok(new
                {
                    o.TimeZone,
                    Limits = Enum.GetValues<TicketKind>().SelectMany(k => Enum.GetValues<TicketPriority>().Select(p => new { Kind = k, Priority = p, Limits = o.LimitsFor(k, p) })),
                    o.ConsentPurpose,
                    o.RetentionDays,
                    o.PolicyVersion,
                    Calendar = calendar,
                });
            })
            .RequireAuthorization(Policies.SignedIn)
            .WithName("TicketSettings")
            .WithSummary("The time limits per kind and priority (working days to acknowledge and reply, days to the return visit), the consent text, " +
                "and the working-day calendar (holidays, make-up working days).");

        tickets.MapPut("/calendar/{year:int}", async (int year, CalendarBody? body, HttpContext http, IClusterClient cluster) =>
            {
                var holidays = body?.Holidays ?? [];
                var workdays = body?.Workdays ?? [];
                if (year is < 2000 or > 2100 || holidays.Concat(workdays).Any(d => d.Year != year) || holidays.Intersect(workdays).Any()
                    || holidays.Count + workdays.Count > 366)
                {
                    throw new Operations.CommandRefused("Invalid",
                        Msg.Of("ticket.calendarYearInvalid", ("year", year)), Msg.Of("ticket.whatCalendar"));
                }

                var calendar = await cluster.GetGrain<ITicketCalendarGrain>(ITicketCalendarGrain.Default)
                    .SetYearAsync(year, holidays, workdays, CommandIds.Required(http));
                http.Audit().Target = "ticket-calendar:" + year;
                http.Audit().Details["holidays"] = holidays.Count;
                http.Audit().Details["workdays"] = workdays.Count;
                return Results.Ok(calendar);
            })
            .RequireAuthorization(Policies.PlatformAdmin)
            .WithName("SetTicketCalendar")
            .WithSummary("Administrators replace one year's holidays and make-up working days; time limits computed after " +
                "the change count in it. Requires an Idempotency-Key.");

        tickets.MapPost("/", async (RecordBody? body, HttpContext http, IClusterClient cluster, PersonalDataProtector protector,
                IOptions<TicketOptions> options, TimeProvider time) =>
            {
                var operation = CommandIds.Required(http);
                var contact = TicketHttp.Contact(body?.Name, body?.Phone, body?.Email, protector);
                if (contact is not null && body?.Consent != true)
                {
                    throw new Operations.CommandRefused("Invalid",
                        Msg.Of("ticket.callerConsentRequired"), TicketHttp.What);
                }

                var command = new SubmitTicket(body?.Kind, body?.Priority, body?.Source ?? TicketSource.Phone, body?.Subject, body?.Content, contact,
                    contact is null ? null : TicketHttp.Consent(options.Value, time));
                var result = await cluster.GetGrain<ITicketGrain>(TicketHttp.IdFor(operation)).ExecuteAsync(command, Actor(http.CurrentUser()), operation);
                return TicketHttp.Answer(http, result, t => t, created: true);
            })
            .RequireAuthorization(Policies.Operations)
            .WithName("RecordTicket")
            .WithSummary("Staff record a phone call or an e-mail as a ticket: kind, priority, source (Phone, Email), subject, content, and the caller's " +
                "name/phone/email with consent (stored encrypted, answered masked). Requires an Idempotency-Key.");

        tickets.MapGet("/{id}", async (string id, HttpContext http, IClusterClient cluster, Evaluation.EvaluationReadModel evaluations) =>
            {
                var (ticket, grain) = await VisibleAsync(id, http, cluster);
                var user = http.CurrentUser();
                var citing = await evaluations.CitingTicketAsync(ticket.Id, user.PartyId, user.SpansAllParties || user.Is(PlatformRoles.Management), http.RequestAborted);
                var rectifications = new List<object>();
                foreach (var r in ticket.Rectifications ?? [])
                {
                    var view = await cluster.GetGrain<Grains.Rectification.IRectificationGrain>(r).GetAsync();
                    rectifications.Add(new { Id = r, view?.Source.Title, view?.State, view?.UpdatedAt });
                }

                return Results.Ok(new
                {
                    Ticket = ticket,
                    AllowedMoves = await grain.AllowedForAsync(Actor(http.CurrentUser())),
                    Rectifications = rectifications,
                    Evaluations = citing.Select(e => new { e.Id, e.PartyId, e.Year, e.Title, e.State, e.Result }),
                });
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetTicket")
            .WithSummary("A ticket with its clock, the rectifications it opened (and their state), the yearly evaluations citing it as evidence " +
                "and the moves the caller may make now; contact masked.");

        tickets.MapGet("/{id}/attachments/{attachment:guid}", async (string id, Guid attachment, HttpContext http, IClusterClient cluster,
                Newsroom.MediaStore store) =>
            {
                var (ticket, _) = await VisibleAsync(id, http, cluster);
                var notFound = new IdentityProblem(ProblemKind.NotFound, Msg.Of("common.notFound", ("what", Msg.Of("what.attachment"))));
                if (ticket.Attachments?.Any(a => a.Id == attachment) != true
                    || await store.TicketFileAsync(ticket.Id, attachment, http.RequestAborted) is not { } info)
                {
                    throw notFound;
                }

                // Attachments are the public's files: never cached by shared caches, never rendered as the site's own content.
                http.Response.Headers.CacheControl = "private, no-store";
                http.Response.Headers["X-Content-Type-Options"] = "nosniff";
                var inline = info.ContentType.StartsWith("image/", StringComparison.Ordinal);
                return Results.File(store.Open(info), info.ContentType, inline ? null : info.FileName);
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetTicketAttachment")
            .WithSummary("A file the submitter attached (an image or a PDF), for whoever may see the ticket.");

        tickets.MapGet("/{id}/contact", async (string id, HttpContext http, IClusterClient cluster, PersonalDataProtector protector) =>
            {
                var (_, grain) = await VisibleAsync(id, http, cluster);
                var contact = await grain.GetContactAsync();
                http.Audit().Target = "ticket:" + id;
                string? Plain(Grains.People.ProtectedField? f) => f is null ? null : protector.Unprotect(f.Protected);
                return Results.Ok(new { Name = Plain(contact?.Name), Phone = Plain(contact?.Phone), Email = Plain(contact?.Email) });
            })
            .AddEndpointFilter<AuditedRead>()
            .RequireAuthorization(Policies.Operations)
            .WithName("GetTicketContact")
            .WithSummary("The submitter's full contact, for the return visit; every view is written to the operation log.");

        Command(tickets, "/{id}/accept", "AcceptTicket", "Acknowledges a received ticket; may set the priority.",
            (AcceptBody? b) => new AcceptTicket(b?.Priority));
        Command(tickets, "/{id}/reject", "RejectTicket", "Declines a received ticket with a reason the submitter sees.",
            (ReasonBody? b) => new RejectTicket(b?.Reason));
        Command(tickets, "/{id}/assign", "AssignTicket", "Hands an accepted ticket to operator or party:{id} (again to reassign).",
            (AssignBody? b) => new AssignTicket(b?.Assignee, b?.Note));
        Command(tickets, "/{id}/handle", "HandleTicket",
            "The assignee records the handling; rectificationRequested notes why a rectification was asked for; concernedStaffId names the "
            + "staff record (of the assignee's organisation) of the person whose work it concerns, counted in their appraisal.",
            (HandleBody? b) => new HandleTicket(b?.Note, b?.RectificationRequested, b?.ConcernedStaffId));
        Command(tickets, "/{id}/reply", "ReplyTicket", "The reply the submitter sees; starts the return-visit limit.",
            (ReplyBody? b) => new ReplyTicket(b?.Text));
        Command(tickets, "/{id}/return-visit", "RecordTicketReturnVisit", "Staff record the return visit with the satisfaction given (1–5).",
            (VisitBody? b) => new RecordTicketReturnVisit(b?.Satisfaction, b?.Comment));
        Command(tickets, "/{id}/close", "CloseTicket", "Closes a ticket after its return visit (a dissatisfied one only with a reason).",
            (ReasonBody? b) => new CloseTicket(b?.Reason));
        Command(tickets, "/{id}/rectifications", "OpenTicketRectification",
            "The operator opens a rectification of the party the ticket is assigned to: title, detail; tracked under /api/v1/rectifications.",
            (RectificationBody? b) => new OpenTicketRectification(b?.Title, b?.Detail));
        Command(tickets, "/{id}/reopen", "ReopenTicket", "Sends a ticket rated dissatisfied back to its assignee with a new reply limit.",
            (ReasonBody? b) => new ReopenTicket(b?.Reason));

        tickets.MapDelete("/{id}/personal-data", async (string id, HttpContext http, IClusterClient cluster) =>
            {
                var (_, grain) = await VisibleAsync(id, http, cluster);
                var result = await grain.ExecuteAsync(new EraseTicketPersonalData(), Actor(http.CurrentUser()), CommandIds.Required(http));
                http.Audit().Details["erased"] = new[] { "name", "phone", "email", "attachments" };
                return TicketHttp.Answer(http, result, t => t);
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("EraseTicketPersonalData")
            .WithSummary("Deletion on request: removes the submitter's name, phone, e-mail and attachments for good; the anonymous ticket stays. Requires an Idempotency-Key.");

        return endpoints;
    }

    private static void Command<TBody>(RouteGroupBuilder group, string pattern, string name, string summary, Func<TBody?, TicketCommand> make)
        where TBody : class =>
        group.MapPost(pattern, async (string id, TBody? body, HttpContext http, IClusterClient cluster) =>
            {
                var (_, grain) = await VisibleAsync(id, http, cluster);
                var result = await grain.ExecuteAsync(make(body), Actor(http.CurrentUser()), CommandIds.Required(http));
                return TicketHttp.Answer(http, result, t => t);
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName(name)
            .WithSummary(summary + " Requires an Idempotency-Key.");

    /// <summary>The caller as the ticket grains see them: platform staff handle, a party's users are assignees of their party's tickets.</summary>
    private static TicketActor Actor(CurrentUser user) => user.SpansAllParties
        ? new TicketActor(user.Id, user.DisplayName, TicketActorKind.PlatformStaff)
        : new TicketActor(user.Id, user.DisplayName, TicketActorKind.PartyUser, user.PartyId);

    /// <summary>A ticket the caller may see (404 otherwise, like another party's things).</summary>
    internal static async Task<(TicketView Ticket, ITicketGrain Grain)> VisibleAsync(string id, HttpContext http, IClusterClient cluster)
    {
        var user = http.CurrentUser();
        var code = TicketHttp.NormalizeCode(id);
        var grain = code is null ? null : cluster.GetGrain<ITicketGrain>(code);
        var ticket = grain is null ? null : await grain.GetAsync();
        var visible = ticket is not null && (user.SpansAllParties || user.Is(PlatformRoles.Management) || (ticket.PartyId is { } p && user.PartyId == p));
        return visible ? (ticket!, grain!) : throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("ticket.notFoundId", ("id", id))
);
    }
}
