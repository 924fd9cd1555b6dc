using System.Security.Cryptography;
using Dapper;
using MediaCenter.Grains.Newsroom;
using MediaCenter.Grains.People;
using MediaCenter.Hosting.Data;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Operations;
using MediaCenter.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace MediaCenter.Web.People;

/// <summary>
/// Staff records (人员管理, F8.1) under /api/v1/people: HTTP to the staff and roster grains, the list from the read table.
/// An organisation (an access party, or the operator) is named by its key: <c>party:{id}</c> or <c>operator</c>; a party's
/// users default to their own party, platform staff to the operator. Personal fields are encrypted here with the
/// personal-data key before they reach a grain, and only their masked forms are ever answered.
/// </summary>
internal static class StaffApi
{
    public sealed record CertificateBody(string? Type, string? Number, string? Issuer, DateOnly? ValidFrom, DateOnly? ValidTo);

    public sealed record StaffBody(
        string? Organisation,
        string? Name,
        StaffPost? Post,
        EducationLevel? Education,
        int? ExperienceYears,
        IReadOnlyList<string>? Skills,
        string? NationalId,
        string? Phone,
        Guid? UserId,
        IReadOnlyList<CertificateBody>? Certificates,
        bool? PublishConsent = null);

    public sealed record AccountBody(Guid? UserId);

    public sealed record TrainingBody(TrainingKind? Kind, string? Title, DateOnly? CompletedOn, int? Score, int? PassMark);

    public sealed record ReasonBody(string? Reason);

    private static readonly string What = Msg.Of("what.person");
    private const int MaxPersonal = 40;

    public static IEndpointRouteBuilder MapStaffApi(this IEndpointRouteBuilder endpoints)
    {
        var people = endpoints.MapGroup("/api/v1/people").WithTags("people");

        people.MapGet("/", async (string? organisation, HttpContext http, StaffReadModel read) =>
                Results.Ok(await read.ListAsync(Readable(http.CurrentUser(), organisation).Key, http.RequestAborted)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListStaff")
            .WithSummary("The staff of an organisation (organisation=party:{id} or operator; default: the caller's own), by name; personal fields masked.");

        people.MapGet("/roster", async (string? organisation, HttpContext http, IClusterClient cluster) =>
                Results.Ok(await cluster.GetGrain<IStaffRosterGrain>(Readable(http.CurrentUser(), organisation).Key).GetSummaryAsync()))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("StaffRoster")
            .WithSummary("The organisation's staff checked against the standard as of today: certified share now and over the reminder window, " +
                "certificates about to expire, people below their post's entry conditions.");

        people.MapGet("/reserve", async (string? organisation, HttpContext http, IClusterClient cluster) =>
            {
                var key = Readable(http.CurrentUser(), organisation).Key;
                return Results.Ok(new ReserveAnswer(key, await cluster.GetGrain<IStaffReserveGrain>(key).GetAsync()));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("StaffReservePlan")
            .WithSummary("The organisation's staff reserve plan (§8.1.4.2): per post the required headcount and the planned hires; null when none " +
                "is set. The roster's `reserve` lines show it against today's headcount.");

        people.MapPut("/reserve", async (string? organisation, ReserveBody? body, HttpContext http, IClusterClient cluster) =>
            {
                var target = Readable(http.CurrentUser(), organisation);
                var actor = Admin(http.CurrentUser(), target);
                var posts = body?.Posts?.Select(p => new ReservePost(p.Post ?? (StaffPost)(-1), p.Required ?? -1,
                    [.. (p.Planned ?? []).Select(h => new PlannedHire(h.Count ?? 0, h.By ?? DateOnly.MinValue, h.Note))])).ToList();
                var result = await cluster.GetGrain<IStaffReserveGrain>(target.Key).SetAsync(new SetReservePlan(posts), actor, CommandIds.Required(http));
                http.Audit().Target = "staff-reserve:" + target.Key;
                if (!result.Ok)
                {
                    return GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, null, Array.Empty<ReserveCommandType>(), Msg.Of("people.what.reservePlan"),
                        new Dictionary<string, object?> { ["errors"] = result.Message is { } m ? new[] { m } : [] });
                }

                OpsHttp.MarkReplay(http, result.Replay);
                http.Audit().Details["version"] = result.Plan!.Version;
                return Results.Ok(new ReserveAnswer(target.Key, result.Plan));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("SetStaffReservePlan")
            .WithSummary("Sets the organisation's staff reserve plan whole (its admins only): posts [{post, required, planned: [{count, by, note}]}], each " +
                "post at most once. The roster follows at once. Requires an Idempotency-Key.");

        people.MapGet("/rules", () => Results.Ok(new
        {
            StaffRules.MinimumCertifiedPercent,
            Manager = new { Education = StaffRules.ManagerEducation, Years = StaffRules.ManagerYears },
            Staff = new { Education = StaffRules.StaffEducation, Years = StaffRules.StaffYears },
        }))
            .RequireAuthorization(Policies.SignedIn)
            .WithName("StaffRules")
            .WithSummary("The standard's staff rules the roster checks (§8.1.1.2, §8.1.2, §8.1.3).");

        people.MapGet("/workflow", () => Results.Ok(StaffWorkflow.Rows()))
            .RequireAuthorization(Policies.SignedIn)
            .WithName("StaffWorkflow")
            .WithSummary("The staff record state table (state × command × who → next state).");

        people.MapPost("/", async (StaffBody? body, HttpContext http, IClusterClient cluster, PersonalDataProtector protector, UserStore users) =>
            {
                var user = http.CurrentUser();
                var organisation = Readable(user, body?.Organisation);
                var actor = Admin(user, organisation);
                var operation = CommandIds.Required(http);
                var id = OpsHttp.IdFor("st", operation);
                if (body?.UserId is { } account)
                {
                    await RequireAccountOfAsync(users, account, organisation, http.RequestAborted);
                }

                var command = new RegisterStaff(organisation, Details(body, protector), body?.UserId,
                    body?.Certificates?.Select(c => Certificate(c)).ToList());
                var result = await cluster.GetGrain<IStaffGrain>(id).ExecuteAsync(command, actor, operation);
                http.Audit().Target = "staff:" + id;
                return Answer(http, result, created: true);
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("RegisterStaff")
            .WithSummary("The organisation's admin records a person: name, post (Manager, Staff, ServicePost), education (Secondary, JuniorCollege, " +
                "Bachelor, Master, Doctorate), experienceYears, skills, nationalId and phone (stored encrypted, answered masked), userId, certificates. " +
                "Requires an Idempotency-Key.");

        people.MapGet("/{id}", async (string id, HttpContext http, IClusterClient cluster) => Results.Ok(await VisibleAsync(id, http, cluster)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetStaff")
            .WithSummary("A staff record; personal fields masked.");

        people.MapPut("/{id}", (string id, StaffBody? body, HttpContext http, IClusterClient cluster, PersonalDataProtector protector) =>
                ExecuteAsync(id, new UpdateStaffRecord(Details(body, protector)), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("UpdateStaff")
            .WithSummary("Changes name, post, education, experienceYears, skills, nationalId, phone or publishConsent (the person agreed to their name and post on the public information page) (fields left out stay). Requires an Idempotency-Key.");

        people.MapPost("/{id}/certificates", (string id, CertificateBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(id, Certificate(body), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("RecordCertificate")
            .WithSummary("Records a certificate (type, number, issuer, validFrom, validTo); the same number replaces the one held (a renewal). " +
                "The roster's ratio follows at once. Requires an Idempotency-Key.");

        people.MapDelete("/{id}/certificates/{number}", (string id, string number, string? reason, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(id, new RemoveCertificate(number, reason), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("RemoveCertificate")
            .WithSummary("Takes a certificate off the record (revoked, recorded by mistake). Requires an Idempotency-Key.");

        people.MapPost("/{id}/certificates/{number}/scan", async (string id, string number, HttpContext http, IClusterClient cluster,
                PersonalDataProtector protector) =>
            {
                var staff = await VisibleAsync(id, http, cluster);
                var actor = Admin(http.CurrentUser(), Organisation.Parse(staff.Organisation)!);
                var operation = CommandIds.Required(http);
                http.Audit().Target = "staff:" + id;
                if (!http.Request.HasFormContentType
                    || (await http.Request.ReadFormAsync(http.RequestAborted)).Files.GetFile("file") is not { Length: > 0 } file)
                {
                    throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("people.scanMissing"));
                }

                // Refused before the bytes are read (the request limit refuses larger bodies earlier still); the grain checks again.
                if (file.Length > CertificateScanRules.MaxBytes)
                {
                    return GrainOutcomes.Problem<string>("TooLarge", Msg.Of("people.scanTooLarge", ("maxMb", CertificateScanRules.MaxBytes / 1024 / 1024)),
                        null, [], What);
                }

                using var buffer = new MemoryStream((int)file.Length);
                await file.CopyToAsync(buffer, http.RequestAborted);
                var data = buffer.ToArray();

                // Typed from the plain bytes, never from the name or the client's claim: the grain only ever sees them encrypted.
                if (MediaRules.Sniff(data.AsSpan(0, Math.Min(data.Length, MediaRules.HeadLength)), file.FileName) is not { } type
                    || !CertificateScanRules.AcceptedTypes.Contains(type))
                {
                    return GrainOutcomes.Problem<string>("UnsupportedType", Msg.Of("people.scanType"), null, [], What);
                }

                var sha = Convert.ToHexStringLower(SHA256.HashData(data));
                var result = await cluster.GetGrain<IStaffGrain>(id).ExecuteAsync(
                    new AttachCertificateScan(number, file.FileName, type, data.LongLength, sha, protector.Protect(data)), actor, operation);
                http.Audit().Details["scan"] = new { number, type, size = data.LongLength, sha256 = sha };
                return Answer(http, result, created: false);
            })
            .WithMetadata(new RequestSizeLimitAttribute(CertificateScanRules.MaxBytes + 64 * 1024))
            .DisableAntiforgery()
            .RequireAuthorization(Policies.PartyRead)
            .WithName("AttachCertificateScan")
            .WithSummary("The organisation's admin uploads the scan of a held certificate (multipart field `file`): PDF, JPEG or PNG judged from its " +
                "bytes, at most 5 MB; stored encrypted with the personal-data key, replacing an earlier scan. Requires an Idempotency-Key.");

        people.MapGet("/{id}/certificates/{number}/scan", async (string id, string number, HttpContext http, IClusterClient cluster,
                PersonalDataProtector protector, StaffDocuments documents) =>
            {
                var staff = await PersonalDataReaderAsync(id, http, cluster, Msg.Of("people.scanViewForbidden"));
                var scan = staff.Certificates.FirstOrDefault(c => c.Number == number)?.Scan
                    ?? throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("people.noScan", ("number", number)));
                var stored = await documents.ReadAsync(scan.Id, http.RequestAborted)
                    ?? throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("people.noScan", ("number", number)));
                http.Audit().Target = "staff:" + id;
                http.Response.Headers.CacheControl = "private, no-store";
                var disposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("inline");
                disposition.SetHttpFileName(scan.FileName);
                http.Response.Headers.ContentDisposition = disposition.ToString();
                return Results.File(protector.Unprotect(stored), scan.ContentType);
            })
            .AddEndpointFilter<AuditedRead>()
            .RequireAuthorization(Policies.SignedIn)
            .WithName("GetCertificateScan")
            .WithSummary("The scan of a certificate, for the organisation's admins and the person themself (403 for others who see the " +
                "organisation, 404 for the rest); every view is written to the operation log.");

        people.MapGet("/{id}/personal-data", async (string id, HttpContext http, IClusterClient cluster, PersonalDataProtector protector) =>
            {
                await PersonalDataReaderAsync(id, http, cluster, Msg.Of("people.personalDataForbidden"));
                var fields = await cluster.GetGrain<IStaffGrain>(id).GetProtectedAsync();
                http.Audit().Target = "staff:" + id;
                http.Response.Headers.CacheControl = "private, no-store";
                return Results.Ok(new
                {
                    nationalId = fields?.NationalId is { } n ? protector.Unprotect(n.Protected) : null,
                    phone = fields?.Phone is { } p ? protector.Unprotect(p.Protected) : null,
                });
            })
            .AddEndpointFilter<AuditedRead>()
            .RequireAuthorization(Policies.SignedIn)
            .WithName("GetStaffPersonalData")
            .WithSummary("The full ID number and phone of a staff record, for the organisation's admins and the person themself (403 for others who " +
                "see the organisation, 404 for the rest); every view is written to the operation log.");

        people.MapDelete("/{id}/personal-data", (string id, string? reason, HttpContext http, IClusterClient cluster) =>
            {
                http.Audit().Details["erased"] = new[] { "nationalId", "phone", "certificateScans" };
                return ExecuteAsync(id, new ErasePersonalData(reason), http, cluster);
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("EraseStaffPersonalData")
            .WithSummary("Deletion on request: removes the record's ID number, phone and certificate scans irreversibly (the organisation's admins); " +
                "the record stays. Requires an Idempotency-Key.");

        people.MapPost("/{id}/trainings", (string id, TrainingBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(id, new RecordTraining(body?.Kind, body?.Title, body?.CompletedOn, body?.Score, body?.PassMark), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("RecordTraining")
            .WithSummary("Records a completed training of the person's current post: kind (PostBasics, OperatingSkills, PlatformOperations), title, " +
                "completedOn, score and passMark (0–100). A passed PostBasics lifts the gate on the post's role grants. Requires an Idempotency-Key.");

        people.MapPut("/{id}/account", async (string id, AccountBody? body, HttpContext http, IClusterClient cluster, UserStore users) =>
            {
                var staff = await VisibleAsync(id, http, cluster);
                if (body?.UserId is { } account)
                {
                    await RequireAccountOfAsync(users, account, Organisation.Parse(staff.Organisation)!, http.RequestAborted);
                }

                return await ExecuteAsync(id, new LinkStaffAccount(body?.UserId), http, cluster);
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithName("LinkStaffAccount")
            .WithSummary("Links the person's account of the same organisation (userId; null unlinks). Requires an Idempotency-Key.");

        people.MapPost("/{id}/leave", (string id, ReasonBody? body, HttpContext http, IClusterClient cluster) =>
                ExecuteAsync(id, new StaffLeave(body?.Reason), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("StaffLeave")
            .WithSummary("The person leaves the organisation (no longer counted). Requires an Idempotency-Key.");

        people.MapPost("/{id}/rejoin", (string id, HttpContext http, IClusterClient cluster) => ExecuteAsync(id, new StaffRejoin(), http, cluster))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("StaffRejoin")
            .WithSummary("A person who left comes back. Requires an Idempotency-Key.");

        return endpoints;
    }

    /// <summary>
    /// Checks that the caller may read the record's personal data in full: its organisation's admins and the person themself (403 for
    /// others who see the organisation, 404 for everyone else, as for a record that does not exist).
    /// </summary>
    private static async Task<StaffView> PersonalDataReaderAsync(string id, HttpContext http, IClusterClient cluster, string forbidden)
    {
        var caller = http.CurrentUser();
        var staff = await cluster.GetGrain<IStaffGrain>(id).GetAsync();
        var organisation = staff is null ? null : Organisation.Parse(staff.Organisation);
        var self = staff?.UserId is { } account && account == caller.Id;
        if (organisation is null || (!self && !MaySee(caller, organisation)))
        {
            throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("people.notFoundId", ("id", id)));
        }

        if (!self && !Actor(caller, organisation).Roles.HasFlag(StaffRole.OrganisationAdmin))
        {
            throw new IdentityProblem(ProblemKind.Forbidden, forbidden);
        }

        return staff!;
    }

    /// <summary>The organisation the caller asks about, when they may see it (404 otherwise, like another party's things).</summary>
    internal static Organisation Readable(CurrentUser user, string? requested)
    {
        var organisation = requested is null
            ? user.PartyId is { } own ? Organisation.Party(own) : Organisation.Operator
            : Organisation.Parse(requested) ?? throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("people.organisationFormat"));
        return MaySee(user, organisation) ? organisation : throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("people.noSuchOrganisation", ("organisation", requested)));
    }

    /// <summary>The operator's staff is seen by platform staff and management; a party's by those who see the party.</summary>
    private static bool MaySee(CurrentUser user, Organisation organisation) => organisation.Side == OrganisationSide.Operator
        ? user.SpansAllParties || user.Is(PlatformRoles.Management)
        : user.CanSeeParty(organisation.PartyId!);

    /// <summary>The caller's roles on an organisation's staff: its admins are the party's admins (and platform staff), the operator's its administrators.</summary>
    private static StaffActor Actor(CurrentUser user, Organisation organisation)
    {
        var admin = organisation.Side == OrganisationSide.Operator ? user.Is(PlatformRoles.Admin) : user.CanManageParty(organisation.PartyId!);
        return new StaffActor(user.Id, user.DisplayName, admin ? StaffRole.OrganisationAdmin : StaffRole.None);
    }

    /// <summary>The caller as an admin of the organisation; 403 before anything else is asked of a caller who is not one.</summary>
    internal static StaffActor Admin(CurrentUser user, Organisation organisation)
    {
        var actor = Actor(user, organisation);
        return actor.Roles.HasFlag(StaffRole.OrganisationAdmin)
            ? actor
            : throw new IdentityProblem(ProblemKind.Forbidden, Msg.Of("people.onlyAdminsChange"));
    }

    private static async Task RequireAccountOfAsync(UserStore users, Guid account, Organisation organisation, CancellationToken cancellationToken)
    {
        var found = await users.GetAsync(account, cancellationToken);
        if (found is null || found.PartyId != organisation.PartyId)
        {
            throw new CommandRefused("Invalid", Msg.Of("people.accountElsewhere", ("account", account)), What);
        }
    }

    private static StaffDetails Details(StaffBody? body, PersonalDataProtector protector) =>
        new(body?.Name, body?.Post, body?.Education, body?.ExperienceYears, body?.Skills,
            Protect(body?.NationalId, Masking.NationalId, protector), Protect(body?.Phone, Masking.Phone, protector), body?.PublishConsent);

    private static ProtectedField? Protect(string? value, Func<string, string> mask, PersonalDataProtector protector)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var trimmed = value.Trim();
        if (trimmed.Length > MaxPersonal || trimmed.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '+' or ' ')))
        {
            throw new CommandRefused("Invalid", Msg.Of("people.personalFormat", ("max", MaxPersonal)), What);
        }

        return new ProtectedField(protector.Protect(trimmed), mask(trimmed));
    }

    private static RecordCertificate Certificate(CertificateBody? c) => new(c?.Type, c?.Number, c?.Issuer, c?.ValidFrom, c?.ValidTo);

    private static async Task<IResult> ExecuteAsync(string id, StaffCommand command, HttpContext http, IClusterClient cluster)
    {
        var staff = await VisibleAsync(id, http, cluster);
        var actor = Admin(http.CurrentUser(), Organisation.Parse(staff.Organisation)!);
        var result = await cluster.GetGrain<IStaffGrain>(id).ExecuteAsync(command, actor, CommandIds.Required(http));
        http.Audit().Target = "staff:" + id;
        return Answer(http, result, created: false);
    }

    private static IResult Answer(HttpContext http, StaffResult result, bool created)
    {
        if (!result.Ok)
        {
            return GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.State?.ToString(), result.AllowedMoves, What,
                new Dictionary<string, object?> { ["errors"] = result.Message is { } m ? new[] { m } : [] });
        }

        OpsHttp.MarkReplay(http, result.Replay);
        var staff = result.Staff!;
        http.Audit().Details["state"] = staff.State.ToString();
        http.Audit().Details["version"] = staff.Version;
        return created ? Results.Created($"/api/v1/people/{staff.Id}", staff) : Results.Ok(staff);
    }

    /// <summary>A staff record the caller may see (the party's people, platform staff); 404 otherwise, like another party's things.</summary>
    internal static async Task<StaffView> VisibleAsync(string id, HttpContext http, IClusterClient cluster)
    {
        var staff = await cluster.GetGrain<IStaffGrain>(id).GetAsync();
        var organisation = staff is null ? null : Organisation.Parse(staff.Organisation);
        return organisation is not null && MaySee(http.CurrentUser(), organisation) ? staff! : throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("people.notFoundId", ("id", id))
);
    }
}

/// <summary>The people lists from their read table (the staff grains keep it up to date); read-only.</summary>
public sealed class StaffReadModel(NpgsqlDataSource db)
{
    /// <summary>The staff of one organisation, by name (those who left last).</summary>
    public async Task<IReadOnlyList<StaffView>> ListAsync(string organisation, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<StaffRow>(new CommandDefinition(
            StaffRow.Select + " WHERE organisation = @organisation ORDER BY state = 'Left', name, id LIMIT 5000", new { organisation },
            cancellationToken: cancellationToken));
        return rows.Select(r => r.ToView()).ToList();
    }
}

/// <summary>The stored (encrypted) bytes of staff documents, read-only; the staff grains write them.</summary>
public sealed class StaffDocuments(NpgsqlDataSource db)
{
    /// <summary>A document's encrypted bytes, or null when there is none.</summary>
    public async Task<byte[]?> ReadAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<byte[]?>(new CommandDefinition(
            "SELECT data FROM mc.staff_documents WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }
}

/// <summary>An organisation's reserve plan as the API answers it (null plan: none set).</summary>
public sealed record ReserveAnswer(string Organisation, ReservePlan? Plan);

/// <summary>The body of <c>PUT /api/v1/people/reserve</c>.</summary>
public sealed record ReserveBody(IReadOnlyList<ReservePostBody>? Posts);

/// <summary>One post of a reserve plan as sent.</summary>
public sealed record ReservePostBody(StaffPost? Post, int? Required, IReadOnlyList<PlannedHireBody>? Planned);

/// <summary>Planned hires as sent.</summary>
public sealed record PlannedHireBody(int? Count, DateOnly? By, string? Note);
