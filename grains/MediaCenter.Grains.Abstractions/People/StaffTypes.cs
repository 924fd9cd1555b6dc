namespace MediaCenter.Grains.People;

/// <summary>A person's post (岗位, standard §8.1.1).</summary>
public enum StaffPost
{
    /// <summary>管理人员: needs a bachelor's degree or higher and three years of relevant experience (§8.1.2).</summary>
    Manager,

    /// <summary>工作人员: needs junior college or higher and one year of relevant experience (§8.1.3).</summary>
    Staff,

    /// <summary>服务岗位: front-line service; the standard sets no entry condition of its own.</summary>
    ServicePost,
}

/// <summary>Which side of the platform an organisation is on.</summary>
public enum OrganisationSide
{
    /// <summary>An access party (接入方): the organisation is the party.</summary>
    Party,

    /// <summary>The platform operator (运营方).</summary>
    Operator,
}

/// <summary>Education levels, lowest first (the rules compare them by order).</summary>
public enum EducationLevel
{
    /// <summary>Secondary school or below.</summary>
    Secondary = 0,

    /// <summary>大专: junior college.</summary>
    JuniorCollege = 1,

    /// <summary>本科: bachelor's degree.</summary>
    Bachelor = 2,

    /// <summary>硕士: master's degree.</summary>
    Master = 3,

    /// <summary>博士: doctorate.</summary>
    Doctorate = 4,
}

/// <summary>The state of a staff record. See <see cref="StaffWorkflow"/>.</summary>
public enum StaffState
{
    /// <summary>在岗: counts in the organisation's roster.</summary>
    Active,

    /// <summary>离岗: kept for the record, no longer counted.</summary>
    Left,
}

/// <summary>What can be done to a staff record.</summary>
public enum StaffCommandType
{
    /// <summary>The organisation's admin records a person.</summary>
    Register,

    /// <summary>Post, education, experience, skills or personal fields change.</summary>
    UpdateRecord,

    /// <summary>A certificate is recorded (or replaced, by its number).</summary>
    RecordCertificate,

    /// <summary>A certificate is taken off the record (revoked, recorded by mistake).</summary>
    RemoveCertificate,

    /// <summary>The person's account is linked (or unlinked).</summary>
    LinkAccount,

    /// <summary>The person leaves the organisation.</summary>
    Leave,

    /// <summary>A training completed, with its assessment (score and pass mark).</summary>
    RecordTraining,

    /// <summary>A person who left comes back.</summary>
    Rejoin,

    /// <summary>A scan of a held certificate (PDF, JPEG or PNG) is attached; a later scan replaces it.</summary>
    AttachCertificateScan,

    /// <summary>Deletion on request: the ID number, the phone and every certificate scan are removed for good; the record stays.</summary>
    ErasePersonalData,
}

/// <summary>Who may give a staff command (flags, so a caller may hold several).</summary>
[Flags]
public enum StaffRole
{
    /// <summary>No role.</summary>
    None = 0,

    /// <summary>The organisation's admin: a party admin for a party, a platform administrator for the operator.</summary>
    OrganisationAdmin = 1,

    /// <summary>Runs the organisation's training (plans, sessions): its admins, and the operators for the operator's own staff.</summary>
    Trainer = 2,

    /// <summary>Appraises the organisation's staff (schemes, scores, incentives): its admins.</summary>
    Appraiser = 4,

    /// <summary>The person an appraisal is about, through the account linked to their record (acknowledges or disputes).</summary>
    Appraisee = 8,
}

/// <summary>How a staff command ended (the names match the other workflows', so one problem-details mapping serves all).</summary>
public enum StaffOutcome
{
    /// <summary>Applied and stored.</summary>
    Applied,

    /// <summary>Not allowed in the current state (409).</summary>
    IllegalMove,

    /// <summary>The caller does not hold a role the move needs (403).</summary>
    Forbidden,

    /// <summary>The arguments are not acceptable (422).</summary>
    Invalid,

    /// <summary>No such person (404).</summary>
    NotFound,
}

/// <summary>An organisation whose staff is counted together: an access party, or the operator.</summary>
[GenerateSerializer, Immutable, Alias("mc.Organisation")]
public sealed record Organisation([property: Id(0)] OrganisationSide Side, [property: Id(1)] string? PartyId)
{
    /// <summary>The key of the operator's organisation.</summary>
    public const string OperatorKey = "operator";

    private const string PartyPrefix = "party:";

    /// <summary>The operator (运营方).</summary>
    public static Organisation Operator { get; } = new(OrganisationSide.Operator, null);

    /// <summary>An access party.</summary>
    public static Organisation Party(string partyId) => new(OrganisationSide.Party, partyId);

    /// <summary>The key of the organisation's roster grain and of its rows: <c>operator</c> or <c>party:{id}</c>.</summary>
    public string Key => Side == OrganisationSide.Operator ? OperatorKey : PartyPrefix + PartyId;

    /// <summary>The organisation a key names, or null when the key is not one.</summary>
    public static Organisation? Parse(string? key) => key switch
    {
        OperatorKey => Operator,
        not null when key.StartsWith(PartyPrefix, StringComparison.Ordinal) && key.Length > PartyPrefix.Length => Party(key[PartyPrefix.Length..]),
        _ => null,
    };

    /// <summary>The alert centre audience of the organisation's admins.</summary>
    public string AdminAudience => Side == OrganisationSide.Operator ? "role:admin" : PartyPrefix + PartyId;
}

/// <summary>
/// A personal field (ID number, phone) as the grains keep it: encrypted by the web host with the personal-data key
/// (GB/T 35273, like the accounts' fields) and its masked form for lists. The grains never see the plain value.
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.ProtectedField")]
public sealed record ProtectedField([property: Id(0)] string Protected, [property: Id(1)] string Masked);

/// <summary>A qualification or certificate (资格证书): the ratio of §8.1.1.2 counts people holding one valid on the day.</summary>
/// <param name="ValidTo">The last day it is valid; null when it does not expire.</param>
[GenerateSerializer, Immutable, Alias("mc.StaffCertificate")]
public sealed record StaffCertificate(
    [property: Id(0)] string Type,
    [property: Id(1)] string Number,
    [property: Id(2)] string Issuer,
    [property: Id(3)] DateOnly ValidFrom,
    [property: Id(4)] DateOnly? ValidTo,
    [property: Id(5)] CertificateScan? Scan = null)
{
    /// <summary>True when the certificate is valid on the day.</summary>
    public bool ValidOn(DateOnly day) => ValidFrom <= day && (ValidTo is not { } to || day <= to);
}

/// <summary>
/// The description of a certificate's scan (证书扫描件). The bytes are personal data: encrypted by the web host with the
/// personal-data key and kept in <c>mc.staff_documents</c> under <paramref name="Id"/>, never in grain state or lists.
/// </summary>
/// <param name="Sha256">Of the plain bytes, lower-case hex.</param>
[GenerateSerializer, Immutable, Alias("mc.CertificateScan")]
public sealed record CertificateScan(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string FileName,
    [property: Id(2)] string ContentType,
    [property: Id(3)] long SizeBytes,
    [property: Id(4)] string Sha256,
    [property: Id(5)] DateTimeOffset UploadedAt);

/// <summary>What a certificate scan may be: its type decided from its bytes (<see cref="Newsroom.MediaRules"/>), its size limited.</summary>
public static class CertificateScanRules
{
    /// <summary>The largest scan accepted (5 MB).</summary>
    public const long MaxBytes = 5 * 1024 * 1024;

    /// <summary>The types a scan may have.</summary>
    public static IReadOnlyList<string> AcceptedTypes { get; } = ["application/pdf", "image/jpeg", "image/png"];
}

/// <summary>The standard's kinds of post training (§8.1.5).</summary>
public enum TrainingKind
{
    /// <summary>岗位基础: the post's basics; a post's roles are granted only once it is passed (§8.1.5.4).</summary>
    PostBasics,

    /// <summary>操作技能: operating skills.</summary>
    OperatingSkills,

    /// <summary>运维能力: platform operations.</summary>
    PlatformOperations,

    /// <summary>政务服务: the periodic government-service training of §9.5.1.</summary>
    GovernmentService,

    /// <summary>质量: the periodic quality training of §9.5.1.</summary>
    Quality,

    /// <summary>安全: the periodic security training of §9.5.1.</summary>
    Security,

    /// <summary>保密: the periodic confidentiality training of §9.5.1.</summary>
    Confidentiality,
}

/// <summary>A training the person completed, for the post they held then, with its assessment.</summary>
[GenerateSerializer, Immutable, Alias("mc.StaffTraining")]
public sealed record StaffTraining(
    [property: Id(0)] TrainingKind Kind,
    [property: Id(1)] string Title,
    [property: Id(2)] StaffPost Post,
    [property: Id(3)] DateOnly CompletedOn,
    [property: Id(4)] int Score,
    [property: Id(5)] int PassMark)
{
    /// <summary>True when the assessment reached the pass mark.</summary>
    public bool Passed => Score >= PassMark;
}

/// <summary>The parts of a staff record an admin writes (register and update).</summary>
/// <param name="Skills">Skills of §8.1.1.4 (computer, smart-device operation …), as short names.</param>
[GenerateSerializer, Immutable, Alias("mc.StaffDetails")]
public sealed record StaffDetails(
    [property: Id(0)] string? Name,
    [property: Id(1)] StaffPost? Post,
    [property: Id(2)] EducationLevel? Education,
    [property: Id(3)] int? ExperienceYears,
    [property: Id(4)] IReadOnlyList<string>? Skills,
    [property: Id(5)] ProtectedField? NationalId,
    [property: Id(6)] ProtectedField? Phone,
    [property: Id(7)] bool? PublishConsent = null);

/// <summary>A staff command: one typed record per command.</summary>
[GenerateSerializer, Alias("mc.StaffCommand")]
public abstract record StaffCommand
{
    /// <summary>Which command this is.</summary>
    public abstract StaffCommandType Type { get; }
}

/// <summary>
/// Records a person in an organisation, optionally with their account and the certificates they hold already (so a
/// certified newcomer never counts as uncertified in between).
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.RegisterStaff")]
public sealed record RegisterStaff(
    [property: Id(0)] Organisation Organisation,
    [property: Id(1)] StaffDetails Details,
    [property: Id(2)] Guid? UserId,
    [property: Id(3)] IReadOnlyList<RecordCertificate>? Certificates = null) : StaffCommand
{
    /// <inheritdoc />
    public override StaffCommandType Type => StaffCommandType.Register;
}

/// <summary>Changes the written parts of the record; fields left null stay.</summary>
[GenerateSerializer, Immutable, Alias("mc.UpdateStaffRecord")]
public sealed record UpdateStaffRecord([property: Id(0)] StaffDetails Details) : StaffCommand
{
    /// <inheritdoc />
    public override StaffCommandType Type => StaffCommandType.UpdateRecord;
}

/// <summary>Records a certificate; one with the same number is replaced (a renewal).</summary>
[GenerateSerializer, Immutable, Alias("mc.RecordCertificate")]
public sealed record RecordCertificate(
    [property: Id(0)] string? CertificateType,
    [property: Id(1)] string? Number,
    [property: Id(2)] string? Issuer,
    [property: Id(3)] DateOnly? ValidFrom,
    [property: Id(4)] DateOnly? ValidTo) : StaffCommand
{
    /// <inheritdoc />
    public override StaffCommandType Type => StaffCommandType.RecordCertificate;
}

/// <summary>Takes a certificate off the record.</summary>
[GenerateSerializer, Immutable, Alias("mc.RemoveCertificate")]
public sealed record RemoveCertificate([property: Id(0)] string? Number, [property: Id(1)] string? Reason) : StaffCommand
{
    /// <inheritdoc />
    public override StaffCommandType Type => StaffCommandType.RemoveCertificate;
}

/// <summary>Links the person's account (null unlinks it).</summary>
[GenerateSerializer, Immutable, Alias("mc.LinkStaffAccount")]
public sealed record LinkStaffAccount([property: Id(0)] Guid? UserId) : StaffCommand
{
    /// <inheritdoc />
    public override StaffCommandType Type => StaffCommandType.LinkAccount;
}

/// <summary>Records a completed training of the person's current post, with its assessment.</summary>
[GenerateSerializer, Immutable, Alias("mc.RecordTraining")]
public sealed record RecordTraining(
    [property: Id(0)] TrainingKind? Kind,
    [property: Id(1)] string? Title,
    [property: Id(2)] DateOnly? CompletedOn,
    [property: Id(3)] int? Score,
    [property: Id(4)] int? PassMark) : StaffCommand
{
    /// <inheritdoc />
    public override StaffCommandType Type => StaffCommandType.RecordTraining;
}

/// <summary>
/// Attaches a scan to the held certificate <paramref name="Number"/>. The web host has typed it from its plain bytes and
/// encrypted them (<paramref name="ProtectedData"/>); the grain stores them before it records the scan on the certificate.
/// </summary>
[GenerateSerializer, Immutable, Alias("mc.AttachCertificateScan")]
public sealed record AttachCertificateScan(
    [property: Id(0)] string? Number,
    [property: Id(1)] string? FileName,
    [property: Id(2)] string? ContentType,
    [property: Id(3)] long SizeBytes,
    [property: Id(4)] string? Sha256,
    [property: Id(5)] byte[]? ProtectedData) : StaffCommand
{
    /// <inheritdoc />
    public override StaffCommandType Type => StaffCommandType.AttachCertificateScan;
}

/// <summary>Deletion on request (GB/T 35273): the person's ID number, phone and certificate scans are removed irreversibly.</summary>
[GenerateSerializer, Immutable, Alias("mc.ErasePersonalData")]
public sealed record ErasePersonalData([property: Id(0)] string? Reason) : StaffCommand
{
    /// <inheritdoc />
    public override StaffCommandType Type => StaffCommandType.ErasePersonalData;
}

/// <summary>The person leaves the organisation.</summary>
[GenerateSerializer, Immutable, Alias("mc.StaffLeave")]
public sealed record StaffLeave([property: Id(0)] string? Reason) : StaffCommand
{
    /// <inheritdoc />
    public override StaffCommandType Type => StaffCommandType.Leave;
}

/// <summary>A person who left comes back.</summary>
[GenerateSerializer, Immutable, Alias("mc.StaffRejoin")]
public sealed record StaffRejoin : StaffCommand
{
    /// <inheritdoc />
    public override StaffCommandType Type => StaffCommandType.Rejoin;
}

/// <summary>Who gives a command, with the roles the web layer established from the identity store for the organisation.</summary>
[GenerateSerializer, Immutable, Alias("mc.StaffActor")]
public sealed record StaffActor([property: Id(0)] Guid UserId, [property: Id(1)] string Name, [property: Id(2)] StaffRole Roles);

/// <summary>A staff record (人员档案) as lists and pages show it: personal fields only masked.</summary>
[GenerateSerializer, Immutable, Alias("mc.StaffView")]
public sealed record StaffView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Organisation,
    [property: Id(2)] OrganisationSide Side,
    [property: Id(3)] string? PartyId,
    [property: Id(4)] string Name,
    [property: Id(5)] StaffPost Post,
    [property: Id(6)] EducationLevel Education,
    [property: Id(7)] int ExperienceYears,
    [property: Id(8)] IReadOnlyList<string> Skills,
    [property: Id(9)] IReadOnlyList<StaffCertificate> Certificates,
    [property: Id(10)] string? NationalIdMasked,
    [property: Id(11)] string? PhoneMasked,
    [property: Id(12)] Guid? UserId,
    [property: Id(13)] StaffState State,
    [property: Id(14)] long Version,
    [property: Id(15)] DateTimeOffset CreatedAt,
    [property: Id(16)] DateTimeOffset UpdatedAt,
    [property: Id(17)] IReadOnlyList<StaffTraining>? Trainings = null,
    [property: Id(18)] bool PublishConsent = false)
{
    /// <summary>
    /// True when the person passed the basic training (岗位基础) of the post they hold now: only then may they be given the
    /// post's roles (§8.1.5.4). A change of post asks for the new post's basics.
    /// </summary>
    public bool BasicTrainingPassed => (Trainings ?? []).Any(t => t.Kind == TrainingKind.PostBasics && t.Post == Post && t.Passed);
}

/// <summary>One entry of a staff record's history (the start of the growth record, 成长档案).</summary>
[GenerateSerializer, Immutable, Alias("mc.StaffHistoryEntry")]
public sealed record StaffHistoryEntry(
    [property: Id(0)] long Version,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] Guid ActorId,
    [property: Id(3)] string Actor,
    [property: Id(4)] StaffCommandType Command,
    [property: Id(5)] StaffState? From,
    [property: Id(6)] StaffState To,
    [property: Id(7)] string? Comment,
    [property: Id(8)] StaffPost? Post = null);

/// <summary>The outcome of a staff command.</summary>
[GenerateSerializer, Immutable, Alias("mc.StaffResult")]
public sealed record StaffResult(
    [property: Id(0)] StaffOutcome Outcome,
    [property: Id(1)] string? Message,
    [property: Id(2)] StaffState? State,
    [property: Id(3)] IReadOnlyList<StaffCommandType> AllowedMoves,
    [property: Id(4)] StaffView? Staff,
    [property: Id(5)] bool Replay = false)
{
    /// <summary>True when the command was applied.</summary>
    public bool Ok => Outcome == StaffOutcome.Applied;
}

/// <summary>
/// One person's staff record (人员档案, F8.1), keyed by the person id: it exists before (and without) an account.
/// Commands follow <see cref="StaffWorkflow"/>; after each write the organisation's roster hears the record.
/// </summary>
[Alias("mc.IStaffGrain")]
public interface IStaffGrain : IGrainWithStringKey
{
    /// <summary>Applies a command (idempotent per operation id).</summary>
    [Alias("Execute")]
    Task<StaffResult> ExecuteAsync(StaffCommand command, StaffActor actor, string operationId);

    /// <summary>The record, or null when there is none.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<StaffView?> GetAsync();

    /// <summary>The personal fields as stored (encrypted; the web host opens them for an audited view), or null when there is no record.</summary>
    [Alias("GetProtected"), Orleans.Concurrency.ReadOnly]
    Task<StaffProtectedFields?> GetProtectedAsync();
}

/// <summary>A staff record's personal fields as stored: encrypted with the personal-data key, each with its masked form.</summary>
[GenerateSerializer, Immutable, Alias("mc.StaffProtectedFields")]
public sealed record StaffProtectedFields([property: Id(0)] ProtectedField? NationalId, [property: Id(1)] ProtectedField? Phone);

/// <summary>One allowed move of a staff record.</summary>
public sealed record StaffTransition(StaffState? From, StaffCommandType Command, StaffRole Roles, StaffState To, string Note);

/// <summary>
/// The staff record's state table as data. Everything not listed is an illegal move (409); a listed move by a caller
/// without one of its roles is 403. docs/PEOPLE.md prints it; the grain tests walk it.
/// </summary>
public static class StaffWorkflow
{
    private const StaffRole Admin = StaffRole.OrganisationAdmin;

    /// <summary>Every allowed move.</summary>
    public static IReadOnlyList<StaffTransition> Transitions { get; } =
    [
        new(null, StaffCommandType.Register, Admin, StaffState.Active, "name, post, education, experience; personal fields encrypted"),
        new(StaffState.Active, StaffCommandType.UpdateRecord, Admin, StaffState.Active, "fields left out stay"),
        new(StaffState.Active, StaffCommandType.RecordCertificate, Admin, StaffState.Active, "same number replaces (renewal)"),
        new(StaffState.Active, StaffCommandType.RemoveCertificate, Admin, StaffState.Active, "by number"),
        new(StaffState.Active, StaffCommandType.LinkAccount, Admin, StaffState.Active, "null unlinks"),
        new(StaffState.Active, StaffCommandType.RecordTraining, Admin, StaffState.Active, "for the current post; score and pass mark"),
        new(StaffState.Active, StaffCommandType.AttachCertificateScan, Admin, StaffState.Active, "PDF, JPEG or PNG up to 5 MB, stored encrypted; replaces the previous scan"),
        new(StaffState.Active, StaffCommandType.ErasePersonalData, Admin, StaffState.Active, "deletion on request: ID number, phone and certificate scans removed for good"),
        new(StaffState.Active, StaffCommandType.Leave, Admin, StaffState.Left, "no longer counted in the ratio"),
        new(StaffState.Left, StaffCommandType.Rejoin, Admin, StaffState.Active, "counted again"),
        new(StaffState.Left, StaffCommandType.LinkAccount, Admin, StaffState.Left, "null unlinks"),
        new(StaffState.Left, StaffCommandType.ErasePersonalData, Admin, StaffState.Left, "deletion on request, also after leaving"),
    ];

    /// <summary>The table as the API serves it.</summary>
    public static IReadOnlyList<Operations.WorkflowRow> Rows() =>
        Transitions.Select(t => new Operations.WorkflowRow(t.From?.ToString(), t.Command.ToString(), t.Roles.ToString(), t.To.ToString(), t.Note)).ToList();
}
