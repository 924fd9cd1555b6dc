using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MediaCenter.Grains.Incidents;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Grains.People;
using MediaCenter.Grains.Platform;
using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace MediaCenter.Grains.Tickets;

/// <summary>Stored state of a ticket. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.TicketGrainState")]
public sealed class TicketGrainState
{
    /// <summary>The ticket as staff see it; null until filed.</summary>
    [Id(0)] public TicketView? Ticket { get; set; }

    /// <summary>The submitter's contact, encrypted by the web host; null when none was given or after erasure.</summary>
    [Id(1)] public TicketContact? Contact { get; set; }

    [Id(2)] public List<TicketHistoryEntry> History { get; set; } = [];

    /// <summary>Notifications owed to the alert centre, in order (sent again after a crash; their ids make that harmless).</summary>
    [Id(3)] public List<TicketNotice> Notices { get; set; } = [];

    [Id(4)] public List<AppliedOperation<TicketResult>> Applied { get; set; } = [];
}

/// <summary>
/// One ticket. Commands run through the command pipeline against <see cref="TicketWorkflow"/>; the caller's roles are
/// derived here from the kind of caller and whom the ticket is assigned to. The time limits are computed on the
/// working-day calendar when the ticket is filed, replied to or reopened; a reminder checks them while it is open and
/// escalates each one passed unmet once, through the alert centre. After each write the read table, the event log and
/// the notifications follow.
/// </summary>
internal sealed partial class TicketGrain : Grain, ITicketGrain, IRemindable
{
    private const string DeadlineReminder = "deadlines";
    private const string RetentionReminder = "retention";
    private const int MaxSubject = 100;
    private const int MaxContent = 2000;
    private const int MaxText = 500;
    private const int MaxProtected = 4000;
    private const int MaxMasked = 64;
    private const string Ops = "ops";

    private static readonly WorkflowTable<TicketState, TicketCommandType, TicketRole> Table = new(
        TicketWorkflow.Transitions.Select(t => new Transition<TicketState, TicketCommandType, TicketRole>(t.From, t.Command, t.Roles, t.To)));

    private readonly IPersistentState<TicketGrainState> _state;
    private readonly TimeProvider _time;
    private readonly ITicketJournal _journal;
    private readonly IAlertCentreJournal _alerts;
    private readonly IMediaJournal _media;
    private readonly IOptions<TicketOptions> _options;
    private readonly ILogger<TicketGrain> _logger;
    private readonly CommandPipeline<TicketGrainState, TicketState, TicketCommandType, TicketRole, TicketResult> _pipeline;
    private readonly EventBacklog _events = new();
    private int _noticesFrom;
    private TimeZoneInfo? _zone;

    public TicketGrain(
        [PersistentState("ticket", StorageNames.Main)] IPersistentState<TicketGrainState> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        ITicketJournal journal,
        IAlertCentreJournal alerts,
        IMediaJournal media,
        IOptions<TicketOptions> options,
        Orleans.Serialization.DeepCopier<TicketGrainState> copier,
        ILogger<TicketGrain> logger)
    {
        _state = state;
        _time = time;
        _journal = journal;
        _alerts = alerts;
        _media = media;
        _options = options;
        _logger = logger;
        _pipeline = CommandPipeline.For(this, state, new WorkflowSpec<TicketGrainState, TicketState, TicketCommandType, TicketRole, TicketResult>
        {
            Table = Table,
            StageOf = s => s.Ticket?.State,
            Operations = OperationMemory<TicketGrainState, TicketResult>.Over(s => s.Applied, a => a.OperationId, a => a.Result with { Replay = true },
                (id, result) => new AppliedOperation<TicketResult>(id, result)),
            Copy = copier.Copy,
            IsApplied = r => r.Ok,
            Refuse = (refusal, message) => Refuse(Outcome(refusal), message),
            NotFoundMessage = Msg.Of("common.notFound", ("what", Msg.Of("what.ticket"))),
            RefusalAsStored = r => Refuse(r.Outcome, r.Message ?? r.Outcome.ToString()),
            Announce = AnnounceAsync,
            AnnounceFailed = ex => LogBehind(_logger, Id, ex.Message),
            Reread = () =>
            {
                OweHistory();
                _noticesFrom = 0;
            },
        });
    }

    private TicketGrainState S => _state.State;

    private string Id => this.GetPrimaryKeyString();

    private TicketOptions Options => _options.Value;

    private TimeZoneInfo Zone => _zone ??= TimeZoneInfo.FindSystemTimeZoneById(Options.TimeZone);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Ticket is null)
        {
            return;
        }

        // A write acknowledged just before the last activation ended may not have reached the read table or the alert centre.
        OweHistory();
        _noticesFrom = 0;
        await _pipeline.Announcer.RunAsync(cancellationToken);
    }

    public Task<TicketView?> GetAsync() => Task.FromResult(S.Ticket);

    public Task<TicketContact?> GetContactAsync() => Task.FromResult(S.Contact);

    public Task<List<TicketCommandType>> AllowedForAsync(TicketActor actor) =>
        Task.FromResult(Table.AllowedIn(S.Ticket?.State, RolesOf(actor)).Where(c => c != TicketCommandType.Escalate).ToList());

    public Task<TicketResult> ExecuteAsync(TicketCommand command, TicketActor actor, string operationId) =>
        _pipeline.ExecuteAsync(new WorkflowCall<TicketState, TicketCommandType, TicketRole, TicketResult>
        {
            OperationId = operationId,
            Command = command.Type,
            Roles = () => RolesOf(actor),
            Vet = _ => Vet(command, actor),
            Decide = transition => DecideAsync(command, actor, transition.To!.Value),
            AfterWrite = _ => KeepReminderAsync(),
        });

    public async Task<TicketView?> CheckDeadlinesAsync()
    {
        var now = _time.GetUtcNow();
        if (S.Ticket is { } t && TicketClock.RunningIn(t.State) is { } deadline && t.Clock.DueOf(deadline) is { } due && due <= now
            && !t.Clock.Overdue.Contains(deadline))
        {
            // One operation per time limit and due time: checking again (another reminder tick, a retry) escalates nothing twice.
            var result = await ExecuteAsync(new EscalateTicket(deadline), TicketActor.System,
                string.Create(CultureInfo.InvariantCulture, $"escalate:{deadline}:{due.ToUnixTimeSeconds()}"));
            if (!result.Ok)
            {
                LogBehind(_logger, Id, result.Message ?? result.Outcome.ToString());
            }
        }
        else if (S.Ticket is { } closed && !TicketWorkflow.Open.Contains(closed.State) && S.Contact is not null
            && closed.Consent is { } consent && consent.GivenAt.AddDays(consent.RetentionDays) <= now)
        {
            // The consented retention has passed on a ticket no longer in work: the platform deletes the contact, as on request.
            var result = await ExecuteAsync(new EraseTicketPersonalData(), TicketActor.System,
                string.Create(CultureInfo.InvariantCulture, $"retention:{consent.GivenAt.ToUnixTimeSeconds()}"));
            if (!result.Ok)
            {
                LogBehind(_logger, Id, result.Message ?? result.Outcome.ToString());
            }
        }
        else
        {
            await KeepReminderAsync();
        }

        return S.Ticket;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName is DeadlineReminder or RetentionReminder ? CheckDeadlinesAsync() : Task.CompletedTask;

    /// <summary>The caller's roles on this ticket as it is now.</summary>
    private TicketRole RolesOf(TicketActor actor) => actor.Kind switch
    {
        TicketActorKind.Public => TicketRole.Submitter,
        TicketActorKind.System => TicketRole.System,
        TicketActorKind.PlatformStaff => TicketRole.Handler | (S.Ticket?.Assignee == Organisation.OperatorKey ? TicketRole.Assignee : TicketRole.None),
        TicketActorKind.PartyUser when actor.PartyId is { } party && S.Ticket?.PartyId == party => TicketRole.Assignee,
        _ => TicketRole.None,
    };

    /// <summary>Public filings come through the web or the API; staff record calls and e-mails.</summary>
    private static string? Vet(TicketCommand command, TicketActor actor) => command switch
    {
        SubmitTicket s when actor.Kind == TicketActorKind.Public && s.Source is not (TicketSource.Web or TicketSource.Api) =>
            Msg.Of("ticket.publicFilesOnline"),
        SubmitTicket s when actor.Kind != TicketActorKind.Public && s.Source is not (TicketSource.Phone or TicketSource.Email) =>
            Msg.Of("ticket.staffRecordCalls"),
        _ => null,
    };

    private async Task<TicketResult> DecideAsync(TicketCommand command, TicketActor actor, TicketState to)
    {
        var now = _time.GetUtcNow();
        var from = S.Ticket?.State;
        string? comment = null;
        switch (command)
        {
            case SubmitTicket c:
                {
                    if (c.Kind is not { } kind || !Enum.IsDefined(kind) || (c.Priority is { } p && !Enum.IsDefined(p))
                        || Text(c.Subject, MaxSubject) is not { } subject || Text(c.Content, MaxContent) is not { } content)
                    {
                        return Invalid(Msg.Of("ticket.submitRequired", ("maxSubject", MaxSubject), ("maxContent", MaxContent)));
                    }

                    var contact = c.Contact is { Name: null, Phone: null, Email: null } ? null : c.Contact;
                    if (contact is not null && (Bad(contact.Name) || Bad(contact.Phone) || Bad(contact.Email)))
                    {
                        return Invalid(Msg.Of("ticket.personalFieldMalformed"));
                    }

                    if (contact is not null && (c.Consent is not { } consent || string.IsNullOrWhiteSpace(consent.Purpose) || consent.RetentionDays < 1))
                    {
                        return Invalid(Msg.Of("ticket.consentRequired"));
                    }

                    if (VetAttachments(c.Attachments) is { } refusal)
                    {
                        return Invalid(refusal);
                    }

                    var (attachments, notStored) = await StoreAttachmentsAsync(c.Attachments);
                    if (notStored is not null)
                    {
                        return Invalid(notStored);
                    }

                    var priority = c.Priority ?? TicketPriority.Normal;
                    var limits = Options.LimitsFor(kind, priority);
                    var calendar = await CalendarAsync();
                    var clock = new TicketClock(now, calendar.AddWorkingDays(now, limits.AcknowledgeWorkingDays, Zone),
                        calendar.AddWorkingDays(now, limits.ReplyWorkingDays, Zone), null, null, null, null, []);
                    S.Contact = contact;
                    S.Ticket = new TicketView(Id, kind, priority, c.Source, subject, content, to, null, contact?.Name?.Masked, contact?.Phone?.Masked,
                        contact?.Email?.Masked, contact is null ? null : c.Consent, null, null, null, null, null, null, null, clock, 0, 0, now, now,
                        Attachments: attachments.Count == 0 ? null : attachments);
                    comment = c.Source.ToString();
                    Notify(Ops, "ticketReceived", null, Msg.Of("ticket.received", ("kind", KindText(kind)), ("subject", subject)),
                        Msg.Of("ticket.acknowledgeBy", ("id", Id), ("due", Due(clock.AcknowledgeBy))), now);
                    break;
                }

            case AcceptTicket c:
                {
                    var t = S.Ticket!;
                    if (c.Priority is { } priority && !Enum.IsDefined(priority))
                    {
                        return Invalid(Msg.Of("ticket.unknownPriority"));
                    }

                    S.Ticket = t with { State = to, Priority = c.Priority ?? t.Priority, Clock = await AcknowledgedAsync(t, c.Priority ?? t.Priority, now) };
                    break;
                }

            case RejectTicket c:
                {
                    if (Text(c.Reason, MaxText) is not { } reason)
                    {
                        return Invalid(Msg.Of("ticket.rejectReasonRequired", ("max", MaxText)));
                    }

                    var t = S.Ticket!;
                    S.Ticket = t with { State = to, RejectReason = reason, Clock = t.Clock with { AcknowledgedAt = now } };
                    comment = reason;
                    break;
                }

            case AssignTicket c:
                {
                    var assignee = c.Assignee?.Trim();
                    if (Organisation.Parse(assignee) is null || (c.Note is { } n && n.Trim().Length > MaxText))
                    {
                        return Invalid(Msg.Of("ticket.assignTo"));
                    }

                    S.Ticket = S.Ticket! with { State = to, Assignee = assignee };
                    comment = assignee;
                    var party = S.Ticket.PartyId;
                    Notify(party is null ? Ops : "party:" + party, "ticketAssigned", party,
                        Msg.Of("ticket.assigned", ("kind", KindText(S.Ticket.Kind)), ("subject", S.Ticket.Subject)),
                        Msg.Of("ticket.replyBy", ("id", Id), ("due", Due(S.Ticket.Clock.ReplyBy))), now);
                    break;
                }

            case HandleTicket c:
                {
                    if (Text(c.Note, MaxContent) is not { } note || (c.RectificationRequested is { } r && r.Trim().Length > MaxText))
                    {
                        return Invalid(Msg.Of("ticket.handlingNoteRequired", ("maxContent", MaxContent), ("maxText", MaxText)));
                    }

                    var concerned = Text(c.ConcernedStaffId, MaxText);
                    if (concerned is not null)
                    {
                        // Only a person of the organisation handling it: a party cannot name another's staff, nor the operator's.
                        var person = await GrainFactory.GetGrain<People.IStaffGrain>(concerned).GetAsync();
                        if (person is null || person.Organisation != S.Ticket!.Assignee)
                        {
                            return Invalid(Msg.Of("ticket.concernedNotOfAssignee", ("id", concerned)));
                        }
                    }

                    var rectification = Text(c.RectificationRequested, MaxText);
                    S.Ticket = S.Ticket! with
                    {
                        State = to,
                        HandlingNote = note,
                        RectificationRequested = rectification ?? S.Ticket.RectificationRequested,
                        ConcernedStaffId = concerned ?? S.Ticket.ConcernedStaffId,
                    };
                    comment = rectification is null ? null : Msg.Of("ticket.rectificationRequested", ("reason", rectification));
                    break;
                }

            case ReplyTicket c:
                {
                    if (Text(c.Text, MaxContent) is not { } reply)
                    {
                        return Invalid(Msg.Of("ticket.replyRequired", ("max", MaxContent)));
                    }

                    var t = S.Ticket!;
                    var limits = Options.LimitsFor(t.Kind, t.Priority);
                    S.Ticket = t with
                    {
                        State = to,
                        Reply = reply,
                        Clock = t.Clock with { RepliedAt = now, ReturnVisitBy = now.AddDays(limits.ReturnVisitDays) },
                    };
                    break;
                }

            case RateTicket or RecordTicketReturnVisit:
                {
                    var (satisfaction, text) = command is RateTicket r ? (r.Satisfaction, r.Comment) : (((RecordTicketReturnVisit)command).Satisfaction,
                        ((RecordTicketReturnVisit)command).Comment);
                    if (satisfaction is not (>= 1 and <= 5) || (text is { } x && x.Trim().Length > MaxText))
                    {
                        return Invalid(Msg.Of("ticket.satisfactionRange", ("max", MaxText)));
                    }

                    var t = S.Ticket!;
                    S.Ticket = t with
                    {
                        State = to,
                        Satisfaction = satisfaction,
                        SatisfactionComment = Text(text, MaxText),
                        Clock = t.Clock with { ReturnVisitedAt = now },
                    };
                    comment = satisfaction.Value.ToString(CultureInfo.InvariantCulture);
                    if (S.Ticket.Dissatisfied)
                    {
                        Notify(Ops, "ticketDissatisfied", S.Ticket.PartyId, Msg.Of("ticket.dissatisfied", ("subject", t.Subject)),
                            Msg.Of("ticket.dissatisfiedBody", ("id", Id), ("satisfaction", satisfaction)), now);
                    }

                    break;
                }

            case CloseTicket c:
                {
                    var reason = Text(c.Reason, MaxText);
                    if (S.Ticket!.Dissatisfied && reason is null)
                    {
                        return Invalid(Msg.Of("ticket.closeNeedsReason"));
                    }

                    S.Ticket = S.Ticket with { State = to, CloseReason = reason };
                    comment = reason;
                    break;
                }

            case ReopenTicket c:
                {
                    var t = S.Ticket!;
                    if (!t.Dissatisfied)
                    {
                        return Invalid(Msg.Of("ticket.reopenOnlyDissatisfied"));
                    }

                    if (c.Reason is { } r && r.Trim().Length > MaxText)
                    {
                        return Invalid(Msg.Of("ticket.reasonTooLong", ("max", MaxText)));
                    }

                    var limits = Options.LimitsFor(t.Kind, t.Priority);
                    var calendar = await CalendarAsync();
                    S.Ticket = t with
                    {
                        State = to,
                        Reopened = t.Reopened + 1,
                        Clock = t.Clock with
                        {
                            ReplyBy = calendar.AddWorkingDays(now, limits.ReplyWorkingDays, Zone),
                            RepliedAt = null,
                            ReturnVisitBy = null,
                            ReturnVisitedAt = null,
                            Overdue = t.Clock.Overdue.Where(d => d == TicketDeadline.Acknowledge).ToList(),
                        },
                    };
                    comment = Text(c.Reason, MaxText);
                    var party = t.PartyId;
                    Notify(party is null ? Ops : "party:" + party, "ticketReopened", party, Msg.Of("ticket.reopened", ("subject", t.Subject)),
                        Msg.Of("ticket.replyBy", ("id", Id), ("due", Due(S.Ticket.Clock.ReplyBy))), now);
                    break;
                }

            case EscalateTicket c:
                {
                    var t = S.Ticket!;
                    if (TicketClock.RunningIn(t.State) != c.Deadline || t.Clock.DueOf(c.Deadline) is not { } due || due > now
                        || t.Clock.Overdue.Contains(c.Deadline))
                    {
                        return Invalid(Msg.Of("ticket.notOverdue", ("deadline", DeadlineText(c.Deadline))));
                    }

                    S.Ticket = t with { Clock = t.Clock with { Overdue = [.. t.Clock.Overdue, c.Deadline] } };
                    comment = c.Deadline.ToString();
                    string title = Msg.Of("ticket.overdue", ("kind", KindText(t.Kind)), ("deadline", DeadlineText(c.Deadline)), ("subject", t.Subject));
                    string body = Msg.Of("ticket.overdueBody", ("id", Id), ("due", Due(due)));
                    Notify(Ops, "ticketOverdue", t.PartyId, title, body, now);
                    if (t.PartyId is { } party)
                    {
                        Notify("party:" + party, "ticketOverdue", party, title, body, now);
                    }

                    break;
                }

            case OpenTicketRectification c:
                {
                    var t = S.Ticket!;
                    if (Text(c.Title, MaxSubject) is not { } title || (c.Detail is { } d && d.Trim().Length > MaxContent))
                    {
                        return Invalid(Msg.Of("ticket.rectificationTitleRequired", ("max", MaxSubject), ("maxDetail", MaxContent)));
                    }

                    if (t.PartyId is not { } party)
                    {
                        return Invalid(Msg.Of("ticket.rectificationNeedsParty"));
                    }

                    // Id and operation follow from the count so far: a retry after a failed write reaches the same rectification.
                    var number = (t.Rectifications?.Count ?? 0) + 1;
                    var rectificationId = string.Create(CultureInfo.InvariantCulture, $"rect-{Id}-{number}");
                    var opened = await GrainFactory.GetGrain<Rectification.IRectificationGrain>(rectificationId).ExecuteAsync(
                        new Rectification.OpenRectification(party, new Rectification.RectificationSource("ticket", Id, title, Text(c.Detail, MaxContent) ?? t.Subject)),
                        new Operations.OpsActor(actor.UserId ?? Guid.Empty, actor.Name, Operations.OpsRole.Operator),
                        string.Create(CultureInfo.InvariantCulture, $"{Id}:rectification:{number}"));
                    if (!opened.Ok)
                    {
                        return Invalid(opened.Message ?? opened.Outcome.ToString());
                    }

                    S.Ticket = t with { Rectifications = [.. t.Rectifications ?? [], rectificationId] };
                    comment = rectificationId;
                    break;
                }

            case EraseTicketPersonalData:
                {
                    // A second request finds nothing left to forget; it is recorded all the same, with the time of the first kept.
                    // The attachments (photos, documents) go with the contact: they are deleted before the erasure is written, so a
                    // failed write leaves them gone and the retry finds nothing more to delete.
                    await _media.EraseTicketFilesAsync(Id);
                    S.Contact = null;
                    S.Ticket = S.Ticket! with
                    {
                        NameMasked = null,
                        PhoneMasked = null,
                        EmailMasked = null,
                        Attachments = null,
                        PersonalDataErasedAt = S.Ticket.PersonalDataErasedAt ?? now,
                    };
                    break;
                }

            default:
                return Invalid(Msg.Of("ticket.unknownCommand"));
        }

        var version = S.Ticket.Version + 1;
        S.Ticket = S.Ticket with { Version = version, UpdatedAt = now };
        var entry = new TicketHistoryEntry(version, now, actor.UserId, actor.Name, command.Type, from, S.Ticket.State, comment);
        S.History.Add(entry);
        _events.Owe(entry.Version);
        LogChanged(_logger, Id, command.Type.ToString(), from?.ToString() ?? "(new)", S.Ticket.State.ToString());
        return new TicketResult(TicketOutcome.Applied, null, S.Ticket.State, Table.AllowedIn(S.Ticket.State), S.Ticket);
    }

    /// <summary>Why the attachments of a filing are refused, judged before any is stored: count, size, type from the bytes.</summary>
    private string? VetAttachments(List<TicketUpload>? uploads)
    {
        if (uploads is not { Count: > 0 })
        {
            return null;
        }

        if (uploads.Count > Options.MaxAttachments)
        {
            return Msg.Of("ticket.tooManyAttachments", ("max", Options.MaxAttachments));
        }

        foreach (var upload in uploads)
        {
            var name = AttachmentName(upload.FileName);
            if (upload.Data is not { Length: > 0 } data)
            {
                return Msg.Of("ticket.attachmentEmpty", ("name", name));
            }

            if (data.LongLength > Options.MaxAttachmentBytes)
            {
                return Msg.Of("ticket.attachmentTooLarge", ("name", name), ("maxMb", Math.Max(1, Options.MaxAttachmentBytes / 1024 / 1024)));
            }

            var type = MediaRules.Sniff(data.AsSpan(0, Math.Min(data.Length, MediaRules.HeadLength)), name);
            if (type is null || !(type.StartsWith("image/", StringComparison.Ordinal) || type == "application/pdf"))
            {
                return Msg.Of("ticket.attachmentType", ("name", name));
            }
        }

        return null;
    }

    /// <summary>
    /// Stores each attachment through the media grains, keyed by the ticket and its position, so a retried filing reaches the
    /// same files (and a second write of a stored file changes nothing).
    /// </summary>
    private async Task<(List<TicketAttachment> Stored, string? Refusal)> StoreAttachmentsAsync(List<TicketUpload>? uploads)
    {
        var stored = new List<TicketAttachment>();
        for (var i = 0; i < (uploads?.Count ?? 0); i++)
        {
            var upload = uploads![i];
            var name = AttachmentName(upload.FileName);
            var operation = $"ticket:{Id}:attachment:{i}";
            var key = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(operation)).AsSpan(0, 16));
            var result = await GrainFactory.GetGrain<IMediaGrain>(key)
                .UploadAsync(new MediaUpload("", name, upload.Data!, Guid.Empty, Id), MediaRole.Ticket, operation);
            if (!result.Ok || result.Info is not { } info)
            {
                return ([], Msg.Of("ticket.attachmentNotStored", ("name", name), ("reason", result.Message ?? result.Outcome.ToString())));
            }

            stored.Add(new TicketAttachment(info.Id, info.FileName, info.ContentType, info.SizeBytes));
        }

        return (stored, null);
    }

    private static string AttachmentName(string? fileName)
    {
        var name = Path.GetFileName(fileName ?? "").Trim();
        return name.Length == 0 ? "file" : name.Length > 120 ? name[..120] : name;
    }

    private async Task<TicketClock> AcknowledgedAsync(TicketView t, TicketPriority priority, DateTimeOffset now)
    {
        // An accepted ticket raised to urgent gets the urgent reply limit, still counted from its receipt.
        var clock = t.Clock with { AcknowledgedAt = now };
        if (priority == t.Priority)
        {
            return clock;
        }

        var calendar = await CalendarAsync();
        return clock with { ReplyBy = calendar.AddWorkingDays(t.Clock.ReceivedAt, Options.LimitsFor(t.Kind, priority).ReplyWorkingDays, Zone) };
    }

    private Task<WorkingCalendar> CalendarAsync() => GrainFactory.GetGrain<ITicketCalendarGrain>(ITicketCalendarGrain.Default).GetAsync();

    private void Notify(string audience, string kind, string? partyId, string title, string body, DateTimeOffset at)
    {
        var version = (S.Ticket?.Version ?? 0) + 1;
        S.Notices.Add(new TicketNotice(string.Create(CultureInfo.InvariantCulture, $"ticket:{Id}:{version}:{audience}"), audience, kind, partyId, title, body, at));
    }

    /// <summary>
    /// An open ticket checks its time limits often; one no longer open that still holds a contact checks daily for the end of
    /// the consented retention; anything else needs no reminder.
    /// </summary>
    private async Task KeepReminderAsync()
    {
        var open = S.Ticket is { } t && TicketWorkflow.Open.Contains(t.State);
        await KeepAsync(DeadlineReminder, open, Options.CheckEvery);
        await KeepAsync(RetentionReminder, !open && S.Contact is not null && S.Ticket?.Consent is not null, Options.RetentionCheckEvery);
    }

    private async Task KeepAsync(string name, bool wanted, TimeSpan every)
    {
        var existing = await this.GetReminder(name);
        if (wanted && existing is null)
        {
            await this.RegisterOrUpdateReminder(name, every, every);
        }
        else if (!wanted && existing is not null)
        {
            await this.UnregisterReminder(existing);
        }
    }

    /// <summary>After activation or a re-read the log may lack any of the history.</summary>
    private void OweHistory()
    {
        if (S.History.Count > 0)
        {
            _events.Owe(S.History[0].Version);
        }
    }

    private async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        if (S.Ticket is not { } ticket)
        {
            return;
        }

        await _events.AppendAsync(S.History, h => h.Version, entry => _journal.RecordTicketAsync(ticket, entry, cancellationToken));
        await _journal.RecordTicketAsync(ticket, null, cancellationToken);
        for (; _noticesFrom < S.Notices.Count; _noticesFrom++)
        {
            var n = S.Notices[_noticesFrom];
            if (await _alerts.NotifyAsync(new AlertNotification(n.Id, n.Audience, n.Kind, n.PartyId, n.Title, n.Body, n.At), cancellationToken))
            {
                await GrainFactory.PublishLiveAsync(LiveTopic.Notifications, new NotificationRaised(n.Id, n.Audience, n.Kind, null, n.PartyId, null, n.Title, n.Body, n.At));
            }
        }
    }

    private static bool Bad(ProtectedField? f) =>
        f is not null && (string.IsNullOrEmpty(f.Protected) || f.Protected.Length > MaxProtected || f.Masked.Length > MaxMasked);

    private static string? Text(string? value, int max) => string.IsNullOrWhiteSpace(value) || value.Trim().Length > max ? null : value.Trim();

    private string Due(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static Msg KindText(TicketKind kind) => kind switch
    {
        TicketKind.Complaint => Msg.Of("ticket.kindComplaint"),
        TicketKind.Consultation => Msg.Of("ticket.kindConsultation"),
        _ => Msg.Of("ticket.kindSuggestion"),
    };

    private static Msg DeadlineText(TicketDeadline deadline) => deadline switch
    {
        TicketDeadline.Acknowledge => Msg.Of("ticket.deadlineAcknowledge"),
        TicketDeadline.Reply => Msg.Of("ticket.deadlineReply"),
        _ => Msg.Of("ticket.deadlineReturnVisit"),
    };

    private static TicketOutcome Outcome(WorkflowRefusal refusal) => refusal switch
    {
        WorkflowRefusal.NotFound => TicketOutcome.NotFound,
        WorkflowRefusal.IllegalMove => TicketOutcome.IllegalMove,
        WorkflowRefusal.Forbidden => TicketOutcome.Forbidden,
        _ => TicketOutcome.Invalid,
    };

    private TicketResult Invalid(string message) => Refuse(TicketOutcome.Invalid, message);

    private TicketResult Refuse(TicketOutcome outcome, string message) =>
        new(outcome, message, S.Ticket?.State, Table.AllowedIn(S.Ticket?.State), S.Ticket);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ticket {TicketId}: {Command} {From} -> {To}")]
    private static partial void LogChanged(ILogger logger, string ticketId, string command, string from, string to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ticket {TicketId}: could not update the read table, event log or alert centre yet: {Reason}")]
    private static partial void LogBehind(ILogger logger, string ticketId, string reason);
}

/// <summary>Stored state of the working-day calendar. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.TicketCalendarState")]
public sealed class TicketCalendarState
{
    [Id(0)] public WorkingCalendar Calendar { get; set; } = WorkingCalendar.Empty;

    [Id(1)] public List<string> Applied { get; set; } = [];
}

/// <summary>
/// The working-day calendar (one, key <see cref="ITicketCalendarGrain.Default"/>): administrators replace a year's holidays
/// and make-up working days; tickets read it when they compute a time limit, so a change applies to limits computed after it.
/// </summary>
internal sealed class TicketCalendarGrain([PersistentState("ticket-calendar", StorageNames.Main)] IPersistentState<TicketCalendarState> state)
    : Grain, ITicketCalendarGrain
{
    private const int Keep = 50;

    public Task<WorkingCalendar> GetAsync() => Task.FromResult(state.State.Calendar);

    public async Task<WorkingCalendar> SetYearAsync(int year, List<DateOnly> holidays, List<DateOnly> workdays, string operationId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(operationId);
        if (year is < 2000 or > 2100 || holidays.Concat(workdays).Any(d => d.Year != year) || holidays.Count + workdays.Count > 366
            || holidays.Intersect(workdays).Any())
        {
            throw new ArgumentException(Msg.Of("ticket.calendarYearInvalid", ("year", year)));
        }

        if (state.State.Applied.Contains(operationId))
        {
            return state.State.Calendar;
        }

        state.State.Calendar = state.State.Calendar.WithYear(year, holidays, workdays);
        state.State.Applied.Add(operationId);
        if (state.State.Applied.Count > Keep)
        {
            state.State.Applied.RemoveRange(0, state.State.Applied.Count - Keep);
        }

        await state.WriteStateAsync();
        return state.State.Calendar;
    }
}
