using System.Security.Cryptography;
using System.Text;
using MediaCenter.Grains.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MediaCenter.Grains.People;

/// <summary>Stored state of a staff record. The type name is stable: it is written into stored JSON.</summary>
[GenerateSerializer, Alias("mc.StaffGrainState")]
public sealed class StaffGrainState
{
    /// <summary>The record as lists show it; null until registered.</summary>
    [Id(0)] public StaffView? Staff { get; set; }

    /// <summary>The ID number, encrypted by the web host (the view holds only its masked form).</summary>
    [Id(1)] public ProtectedField? NationalId { get; set; }

    /// <summary>The phone number, encrypted by the web host.</summary>
    [Id(2)] public ProtectedField? Phone { get; set; }

    [Id(3)] public List<StaffHistoryEntry> History { get; set; } = [];
    [Id(4)] public List<AppliedOperation<StaffResult>> Applied { get; set; } = [];
}

/// <summary>
/// One person's staff record. Commands run through the command pipeline against <see cref="StaffWorkflow"/>; after
/// the write, the read table and the event log follow through <see cref="IPeopleJournal"/> and the organisation's
/// roster hears the record, which checks the standard's rules again.
/// </summary>
internal sealed partial class StaffGrain : Grain, IStaffGrain
{
    private const int MaxName = 100;
    private const int MaxText = 200;
    private const int MaxSkills = 30;
    private const int MaxCertificates = 50;
    private const int MaxTrainings = 500;
    private const int MaxYears = 60;
    private const int MaxProtected = 4000;
    private const int MaxMasked = 64;

    private static readonly WorkflowTable<StaffState, StaffCommandType, StaffRole> Table = new(
        StaffWorkflow.Transitions.Select(t => new Transition<StaffState, StaffCommandType, StaffRole>(t.From, t.Command, t.Roles, t.To)));

    private readonly IPersistentState<StaffGrainState> _state;
    private readonly TimeProvider _time;
    private readonly IPeopleJournal _journal;
    private readonly ILogger<StaffGrain> _logger;
    private readonly CommandPipeline<StaffGrainState, StaffState, StaffCommandType, StaffRole, StaffResult> _pipeline;
    private readonly EventBacklog _events = new();

    public StaffGrain(
        [PersistentState("staff", StorageNames.Main)] IPersistentState<StaffGrainState> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        IPeopleJournal journal,
        Orleans.Serialization.DeepCopier<StaffGrainState> copier,
        ILogger<StaffGrain> logger)
    {
        _state = state;
        _time = time;
        _journal = journal;
        _logger = logger;
        _pipeline = CommandPipeline.For(this, state, new WorkflowSpec<StaffGrainState, StaffState, StaffCommandType, StaffRole, StaffResult>
        {
            Table = Table,
            StageOf = s => s.Staff?.State,
            Operations = OperationMemory<StaffGrainState, StaffResult>.Over(s => s.Applied, a => a.OperationId, a => a.Result with { Replay = true },
                (id, result) => new AppliedOperation<StaffResult>(id, result)),
            Copy = copier.Copy,
            IsApplied = r => r.Ok,
            Refuse = (refusal, message) => Refuse(Outcome(refusal), message),
            NotFoundMessage = Msg.Of("common.notFound", ("what", Msg.Of("what.person"))),
            RefusalAsStored = r => Refuse(r.Outcome, r.Message ?? r.Outcome.ToString()),
            Announce = AnnounceAsync,
            AnnounceFailed = ex => LogBehind(_logger, Id, ex.Message),
            Reread = OweHistory,
        });
    }

    private StaffGrainState S => _state.State;

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Staff is null)
        {
            return;
        }

        // A write acknowledged just before the last activation ended may not have reached the read table or the roster.
        OweHistory();
        await _pipeline.Announcer.RunAsync(cancellationToken);
    }

    public Task<StaffView?> GetAsync() => Task.FromResult(S.Staff);

    public Task<StaffProtectedFields?> GetProtectedAsync() =>
        Task.FromResult(S.Staff is null ? null : new StaffProtectedFields(S.NationalId, S.Phone));

    public Task<StaffResult> ExecuteAsync(StaffCommand command, StaffActor actor, string operationId) =>
        _pipeline.ExecuteAsync(new WorkflowCall<StaffState, StaffCommandType, StaffRole, StaffResult>
        {
            OperationId = operationId,
            Command = command.Type,
            Roles = () => actor.Roles,
            Decide = async transition => command switch
            {
                AttachCertificateScan scan => await AttachScanAsync(scan, actor, operationId, transition.To!.Value),
                ErasePersonalData erase => await EraseAsync(erase, actor, transition.To!.Value),
                _ => Decide(command, actor, transition.To!.Value),
            },
            AfterWrite = result => result.Ok && command is AttachCertificateScan or RemoveCertificate ? SweepScansAsync() : Task.CompletedTask,
        });

    /// <summary>
    /// Deletes the stored scans no certificate shows any more (a replaced scan, a removed certificate's), once the record that
    /// stops showing them is written. A failure is logged and left to the next sweep (the next scan or removal, or the erasure).
    /// </summary>
    private async Task SweepScansAsync()
    {
        try
        {
            await _journal.DeleteCertificateScansAsync(Id, [.. S.Staff!.Certificates.Select(c => c.Scan?.Id).OfType<Guid>()]);
        }
        catch (Exception ex)
        {
            LogSweepFailed(_logger, Id, ex.Message);
        }
    }

    private StaffResult Decide(StaffCommand command, StaffActor actor, StaffState to, CertificateScan? scan = null)
    {
        var now = _time.GetUtcNow();
        var from = S.Staff?.State;
        string? comment = null;
        switch (command)
        {
            case RegisterStaff c:
                {
                    var d = c.Details;
                    if (c.Organisation is not { } organisation || (organisation.Side == OrganisationSide.Party) == string.IsNullOrWhiteSpace(organisation.PartyId))
                    {
                        return Invalid(Msg.Of("people.organisationRequired"));
                    }

                    if (Text(d.Name, MaxName) is not { } name || d.Post is not { } post || d.Education is not { } education
                        || d.ExperienceYears is not { } years)
                    {
                        return Invalid(Msg.Of("people.registerRequired", ("max", MaxName)));
                    }

                    if (CheckDetails(d) is { } problem)
                    {
                        return Invalid(problem);
                    }

                    var certificates = new List<StaffCertificate>();
                    foreach (var given in c.Certificates ?? [])
                    {
                        if (Certificate(given) is not { } certificate)
                        {
                            return Invalid(CertificateRequired);
                        }

                        certificates.RemoveAll(x => x.Number == certificate.Number);
                        certificates.Add(certificate);
                    }

                    if (certificates.Count > MaxCertificates)
                    {
                        return Invalid(TooManyCertificates);
                    }

                    S.NationalId = d.NationalId;
                    S.Phone = d.Phone;
                    S.Staff = new StaffView(Id, organisation.Key, organisation.Side, organisation.PartyId?.Trim(), name, post, education, years, Skills(d.Skills),
                        certificates.OrderBy(x => x.ValidFrom).ToList(), d.NationalId?.Masked, d.Phone?.Masked, c.UserId, to, 0, now, now, new List<StaffTraining>(), d.PublishConsent == true);
                    break;
                }

            case UpdateStaffRecord c:
                {
                    var d = c.Details;
                    if (d.Name is not null && Text(d.Name, MaxName) is null)
                    {
                        return Invalid(Msg.Of("people.nameInvalid", ("max", MaxName)));
                    }

                    if (CheckDetails(d) is { } problem)
                    {
                        return Invalid(problem);
                    }

                    S.NationalId = d.NationalId ?? S.NationalId;
                    S.Phone = d.Phone ?? S.Phone;
                    var s = S.Staff!;
                    S.Staff = s with
                    {
                        Name = Text(d.Name, MaxName) ?? s.Name,
                        Post = d.Post ?? s.Post,
                        Education = d.Education ?? s.Education,
                        ExperienceYears = d.ExperienceYears ?? s.ExperienceYears,
                        Skills = d.Skills is null ? s.Skills : Skills(d.Skills),
                        NationalIdMasked = S.NationalId?.Masked,
                        PhoneMasked = S.Phone?.Masked,
                        PublishConsent = d.PublishConsent ?? s.PublishConsent,
                    };
                    break;
                }

            case RecordCertificate c:
                {
                    if (Certificate(c) is not { } certificate)
                    {
                        return Invalid(CertificateRequired);
                    }

                    var number = certificate.Number;
                    var certificates = S.Staff!.Certificates.Where(x => x.Number != number).Append(certificate).OrderBy(x => x.ValidFrom).ToList();
                    if (certificates.Count > MaxCertificates)
                    {
                        return Invalid(TooManyCertificates);
                    }

                    S.Staff = S.Staff with { Certificates = certificates };
                    comment = number;
                    break;
                }

            case RemoveCertificate c:
                {
                    var number = c.Number?.Trim();
                    if (string.IsNullOrEmpty(number) || S.Staff!.Certificates.All(x => x.Number != number) || (c.Reason is { } r && r.Trim().Length > MaxText))
                    {
                        return Invalid(Msg.Of("people.noSuchCertificate", ("number", number)));
                    }

                    S.Staff = S.Staff with { Certificates = S.Staff.Certificates.Where(x => x.Number != number).ToList() };
                    comment = string.IsNullOrWhiteSpace(c.Reason) ? number : number + ": " + c.Reason.Trim();
                    break;
                }

            case RecordTraining c:
                {
                    if (c.Kind is not { } kind || !Enum.IsDefined(kind) || Text(c.Title, MaxText) is not { } title || c.CompletedOn is not { } completed
                        || c.Score is not { } score || c.PassMark is not { } passMark || score is < 0 or > 100 || passMark is < 0 or > 100)
                    {
                        return Invalid(Msg.Of("people.trainingRequired", ("max", MaxText)));
                    }

                    var trainings = (S.Staff!.Trainings ?? []).ToList();
                    if (trainings.Count >= MaxTrainings)
                    {
                        return Invalid(Msg.Of("people.tooManyTrainings", ("max", MaxTrainings)));
                    }

                    trainings.Add(new StaffTraining(kind, title, S.Staff.Post, completed, score, passMark));
                    S.Staff = S.Staff with { Trainings = trainings };
                    comment = $"{kind} {score}/{passMark}";
                    break;
                }

            case AttachCertificateScan c when scan is not null:
                {
                    // Checked and stored by AttachScanAsync; here the description goes on the certificate.
                    S.Staff = S.Staff! with
                    {
                        Certificates = S.Staff.Certificates.Select(x => x.Number == c.Number ? x with { Scan = scan } : x).ToList(),
                    };
                    comment = c.Number + ": " + scan.FileName;
                    break;
                }

            case ErasePersonalData c:
                {
                    if (c.Reason is { } why && why.Trim().Length > MaxText)
                    {
                        return Invalid(Msg.Of("people.reasonTooLong", ("max", MaxText)));
                    }

                    // The scans' bytes were deleted by EraseAsync; the record keeps who the person is in the organisation, not how to reach them.
                    S.NationalId = null;
                    S.Phone = null;
                    S.Staff = S.Staff! with
                    {
                        NationalIdMasked = null,
                        PhoneMasked = null,
                        Certificates = S.Staff.Certificates.Select(x => x with { Scan = null }).ToList(),
                    };
                    comment = string.IsNullOrWhiteSpace(c.Reason) ? null : c.Reason.Trim();
                    break;
                }

            case LinkStaffAccount c:
                S.Staff = S.Staff! with { UserId = c.UserId == Guid.Empty ? null : c.UserId };
                break;

            case StaffLeave c:
                if (c.Reason is { } reason && reason.Trim().Length > MaxText)
                {
                    return Invalid(Msg.Of("people.reasonTooLong", ("max", MaxText)));
                }

                S.Staff = S.Staff! with { State = to };
                comment = string.IsNullOrWhiteSpace(c.Reason) ? null : c.Reason.Trim();
                break;

            case StaffRejoin:
                S.Staff = S.Staff! with { State = to };
                break;

            default:
                return Invalid(Msg.Of("people.unknownCommand"));
        }

        var version = S.Staff.Version + 1;
        S.Staff = S.Staff with { Version = version, UpdatedAt = now };
        var entry = new StaffHistoryEntry(version, now, actor.UserId, actor.Name, command.Type, from, S.Staff.State, comment, S.Staff.Post);
        S.History.Add(entry);
        _events.Owe(entry.Version);
        LogChanged(_logger, Id, command.Type.ToString(), from?.ToString() ?? "(new)", S.Staff.State.ToString());
        return new StaffResult(StaffOutcome.Applied, null, S.Staff.State, Table.AllowedIn(S.Staff.State), S.Staff);
    }

    private const int MaxFileName = 255;

    /// <summary>
    /// A scan is checked, then its (encrypted) bytes are stored before the state is written, like the media store: a retry
    /// of the same operation stores the same bytes under the same id again, which changes nothing.
    /// </summary>
    private async Task<StaffResult> AttachScanAsync(AttachCertificateScan c, StaffActor actor, string operationId, StaffState to)
    {
        var number = c.Number?.Trim();
        if (string.IsNullOrEmpty(number) || S.Staff!.Certificates.All(x => x.Number != number))
        {
            return Invalid(Msg.Of("people.noSuchCertificate", ("number", number)));
        }

        if (c.ProtectedData is not { Length: > 0 } data || c.SizeBytes <= 0 || c.Sha256 is not { Length: 64 } sha)
        {
            return Invalid(Msg.Of("people.scanMissing"));
        }

        if (c.SizeBytes > CertificateScanRules.MaxBytes)
        {
            return Invalid(Msg.Of("people.scanTooLarge", ("maxMb", CertificateScanRules.MaxBytes / 1024 / 1024)));
        }

        if (c.ContentType is not { } type || !CertificateScanRules.AcceptedTypes.Contains(type))
        {
            return Invalid(Msg.Of("people.scanType"));
        }

        var name = Path.GetFileName(c.FileName ?? "").Trim();
        name = name.Length == 0 ? "scan" : name.Length > MaxFileName ? name[..MaxFileName] : name;
        // The same person and operation always name the same stored scan.
        var id = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(Id + "\n" + operationId)).AsSpan(0, 16));
        var scan = new CertificateScan(id, name, type, c.SizeBytes, sha.ToLowerInvariant(), _time.GetUtcNow());
        await _journal.StoreCertificateScanAsync(Id, S.Staff.Organisation, number, scan, data, actor.UserId);
        return Decide(c with { Number = number }, actor, to, scan);
    }

    /// <summary>Deletion on request: the scans' bytes go before the state is written, so an acknowledged erasure has left nothing behind.</summary>
    private async Task<StaffResult> EraseAsync(ErasePersonalData c, StaffActor actor, StaffState to)
    {
        await _journal.DeleteCertificateScansAsync(Id);
        return Decide(c, actor, to);
    }

    private static string? CheckDetails(StaffDetails d)
    {
        if (d.ExperienceYears is < 0 or > MaxYears)
        {
            return Msg.Of("people.experienceRange", ("max", MaxYears));
        }

        if (d.Post is { } post && !Enum.IsDefined(post) || d.Education is { } education && !Enum.IsDefined(education))
        {
            return Msg.Of("people.unknownPostOrEducation");
        }

        if (d.Skills is { } skills && (skills.Count > MaxSkills || skills.Any(s => string.IsNullOrWhiteSpace(s) || s.Trim().Length > MaxText)))
        {
            return Msg.Of("people.skillsInvalid", ("max", MaxSkills));
        }

        bool Bad(ProtectedField? f) => f is not null && (string.IsNullOrEmpty(f.Protected) || f.Protected.Length > MaxProtected || f.Masked.Length > MaxMasked);
        return Bad(d.NationalId) || Bad(d.Phone) ? Msg.Of("people.personalFieldMalformed") : null;
    }

    private static readonly string CertificateRequired = Msg.Of("people.certificateRequired", ("max", MaxText));

    private static readonly string TooManyCertificates = Msg.Of("people.tooManyCertificates", ("max", MaxCertificates));

    private static StaffCertificate? Certificate(RecordCertificate? c) =>
        c is not null && Text(c.CertificateType, MaxText) is { } type && Text(c.Number, MaxText) is { } number && Text(c.Issuer, MaxText) is { } issuer
            && c.ValidFrom is { } validFrom && (c.ValidTo is not { } end || end >= validFrom)
            ? new StaffCertificate(type, number, issuer, validFrom, c.ValidTo)
            : null;

    private static List<string> Skills(IReadOnlyList<string>? skills) => (skills ?? []).Select(s => s.Trim()).Distinct(StringComparer.Ordinal).ToList();

    private static string? Text(string? value, int max) => string.IsNullOrWhiteSpace(value) || value.Trim().Length > max ? null : value.Trim();

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
        if (S.Staff is not { } staff)
        {
            return;
        }

        await _events.AppendAsync(S.History, h => h.Version, entry => _journal.RecordStaffAsync(staff, entry, cancellationToken));
        await _journal.RecordStaffAsync(staff, null, cancellationToken);
        await GrainFactory.GetGrain<IStaffRosterGrain>(staff.Organisation).HearAsync(new RosterEntry(staff.Id, staff.Name, staff.Post, staff.Education,
            staff.ExperienceYears, staff.Certificates, staff.State == StaffState.Active, staff.Version));

        // One-way: the organisation's training may be waiting on this record (a closing session records its passes here).
        await GrainFactory.GetGrain<ITrainingGrain>(staff.Organisation)
            .HearPersonAsync(new TrainingPerson(staff.Id, staff.Name, staff.Post, staff.State == StaffState.Active, staff.Version));
    }

    /// <summary>The staff outcome of a pipeline refusal (the reserve plan's grain answers with the same outcomes).</summary>
    internal static StaffOutcome Outcome(WorkflowRefusal refusal) => refusal switch
    {
        WorkflowRefusal.NotFound => StaffOutcome.NotFound,
        WorkflowRefusal.IllegalMove => StaffOutcome.IllegalMove,
        WorkflowRefusal.Forbidden => StaffOutcome.Forbidden,
        _ => StaffOutcome.Invalid,
    };

    private StaffResult Invalid(string message) => Refuse(StaffOutcome.Invalid, message);

    private StaffResult Refuse(StaffOutcome outcome, string message) =>
        new(outcome, message, S.Staff?.State, Table.AllowedIn(S.Staff?.State), S.Staff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Staff {PersonId}: could not delete replaced certificate scans yet: {Reason}")]
    private static partial void LogSweepFailed(ILogger logger, string personId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Staff {PersonId}: {Command} {From} -> {To}")]
    private static partial void LogChanged(ILogger logger, string personId, string command, string from, string to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Staff {PersonId}: could not update the read table, event log or roster yet: {Reason}")]
    private static partial void LogBehind(ILogger logger, string personId, string reason);
}
