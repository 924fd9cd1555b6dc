using MediaCenter.Grains.People;
using MediaCenter.Identity;
using MediaCenter.Web.Security;

namespace MediaCenter.Web.Api;

/// <summary>
/// Accounts: list and create (scoped to the caller's access party), password reset, disablement, personal data. Accounts that may
/// see unmasked personal data (party administrators) are created and reset by platform administrators only.
/// </summary>
internal static class UsersApi
{
    public sealed record CreateUser(string? Username, string? DisplayName, string? Password, string? PartyId, string? PartyRole,
        IReadOnlyList<string>? PlatformRoles, string? Phone, string? Email, string? NationalId, string? StaffId = null);

    public sealed record PasswordReset(string? NewPassword);

    public sealed record ResetResult(string Password, bool MustChangePassword, int SessionsRevoked);

    public sealed record DisabledRequest(bool? Disabled);

    public sealed record DisabledResult(bool Disabled, int SessionsRevoked);

    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder endpoints)
    {
        var users = endpoints.MapGroup("/api/users").WithTags("users");

        users.MapGet("/", async (string? party, HttpContext http, UserStore store) =>
                Results.Ok(await store.ListAsync(Scope.PartyFilter(http.CurrentUser(), party), http.RequestAborted)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("ListUsers")
            .WithSummary("Accounts the caller may see (its own access party, or all for platform staff); personal data masked.");

        users.MapPost("/", async (CreateUser body, HttpContext http, UserStore store, People.TrainingGate training, IClusterClient cluster) =>
            {
                var caller = http.CurrentUser();
                if (body.PartyId is null)
                {
                    if (!caller.Is(PlatformRoles.Admin))
                    {
                        throw new IdentityProblem(ProblemKind.Forbidden, Msg.Of("web.onlyAdminsCreatePlatform"));
                    }
                }
                else
                {
                    Scope.RequireManageable(caller, body.PartyId, Msg.Of("web.whatParty"));
                    if (body.PartyRole == PartyRoles.Admin && !caller.Is(PlatformRoles.Admin))
                    {
                        throw new IdentityProblem(ProblemKind.Forbidden, Msg.Of("web.onlyAdminsCreatePartyAdmins"));
                    }
                }

                // A post's platform roles (§8.1.5.4) go only to a person of the organisation who passed the post's basic training: the
                // account is created on that person's staff record and linked to it.
                var organisation = body.PartyId is null ? Organisation.Operator : Organisation.Party(body.PartyId);
                var gated = (body.PlatformRoles ?? []).Intersect(People.TrainingGate.GatedPlatformRoles, StringComparer.Ordinal).ToList();
                if (gated.Count > 0 && await training.RefusalForNewAccountAsync(body.StaffId, organisation, gated) is { } untrained)
                {
                    throw new IdentityProblem(ProblemKind.Conflict, untrained);
                }

                var staff = string.IsNullOrWhiteSpace(body.StaffId) ? null : await People.StaffApi.VisibleAsync(body.StaffId, http, cluster);
                if (staff is not null && (staff.Organisation != organisation.Key || staff.UserId is not null))
                {
                    throw new IdentityProblem(ProblemKind.Conflict, Msg.Of("people.staffRecordTaken", ("name", staff.Name)));
                }

                var linker = staff is null ? null : People.StaffApi.Admin(caller, organisation);
                var id = await store.CreateAsync(new NewUser(body.Username ?? "", body.DisplayName ?? "", body.Password ?? "", body.PartyId,
                    body.PartyRole, body.PlatformRoles, new PersonalData(body.Phone, body.Email, body.NationalId)), http.RequestAborted);
                if (staff is not null && linker is not null)
                {
                    // The operation id is the new account's: a repeat of this link (there is none: the account is new) would replay.
                    var linked = await cluster.GetGrain<IStaffGrain>(staff.Id).ExecuteAsync(new LinkStaffAccount(id), linker, "account:" + id);
                    http.Audit().Details["staff"] = staff.Id;
                    if (!linked.Ok)
                    {
                        throw new IdentityProblem(ProblemKind.Conflict, linked.Message ?? Msg.Of("people.staffRecordTaken", ("name", staff.Name)));
                    }
                }

                var created = await store.GetAsync(id, http.RequestAborted);
                http.Audit().Target = "user:" + id;
                http.Audit().Details["after"] = new { created!.Username, created.PartyId, created.PartyRole, created.PlatformRoles };
                return Results.Created($"/api/users/{id}", created);
            })
            .RequireAuthorization(Policies.PartyManage)
            .WithName("CreateUser")
            .WithSummary("Creates an account (platform accounts and party administrators: platform administrators only; other party accounts: that party's managers). "
                + "staffId links the account to a person's staff record of the same organisation; the platform roles admin and operator need one "
                + "whose post's basic training is passed (409 with the reason otherwise).");

        users.MapGet("/{id:guid}", async (Guid id, HttpContext http, UserStore store) =>
                Results.Ok(await VisibleUserAsync(id, http, store)))
            .RequireAuthorization(Policies.PartyRead)
            .WithName("GetUser")
            .WithSummary("One account; personal data masked.");

        users.MapPost("/{id:guid}/password-reset", async (Guid id, PasswordReset? body, HttpContext http, UserStore store, LiveConnections live) =>
            {
                var target = await ManageableUserAsync(id, http, store);
                var password = string.IsNullOrEmpty(body?.NewPassword) ? Passwords.Generate() : body.NewPassword;
                var revoked = await store.ResetPasswordAsync(target.Id, password, http.RequestAborted);
                live.CloseUser(target.Id);
                http.Audit().Target = "user:" + id;
                http.Audit().Details["sessionsRevoked"] = revoked;
                return Results.Ok(new ResetResult(password, true, revoked));
            })
            .RequireAuthorization(Policies.PartyManage)
            .WithName("ResetPassword")
            .WithSummary("Sets a new password (given or generated, shown once), ends the account's sessions, tokens and live connections, and requires a change at next sign-in.");

        users.MapPut("/{id:guid}/disabled", async (Guid id, DisabledRequest? body, HttpContext http, UserStore store, LiveConnections live) =>
            {
                var target = await ManageableUserAsync(id, http, store);
                var disabled = body?.Disabled ?? throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("web.disabledRequired"));
                if (target.Id == http.CurrentUser().Id)
                {
                    throw new IdentityProblem(ProblemKind.Forbidden, Msg.Of("web.noSelfDisable"));
                }

                var revoked = await store.SetDisabledAsync(target.Id, disabled, http.RequestAborted)
                    ?? throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("identity.noSuchUser"));
                live.CloseUser(target.Id);
                http.Audit().Target = "user:" + id;
                http.Audit().Details["after"] = new { disabled };
                http.Audit().Details["sessionsRevoked"] = revoked;
                return Results.Ok(new DisabledResult(disabled, revoked));
            })
            .RequireAuthorization(Policies.PartyManage)
            .WithName("SetUserDisabled")
            .WithSummary("Disables (ending every session, token and live connection) or enables an account; nobody disables their own.");

        users.MapGet("/{id:guid}/personal-data", async (Guid id, HttpContext http, UserStore store) =>
            {
                var target = await ManageableUserAsync(id, http, store, personalData: true);
                var data = await store.GetPersonalDataAsync(target.Id, http.RequestAborted);
                http.Audit().Target = "user:" + id;
                return Results.Ok(data);
            })
            .AddEndpointFilter<AuditedRead>()
            .RequireAuthorization(Policies.PersonalData)
            .WithName("GetPersonalData")
            .WithSummary("The full personal data of an account; every view is written to the operation log.");

        users.MapDelete("/{id:guid}/personal-data", async (Guid id, HttpContext http, UserStore store) =>
            {
                var target = await ManageableUserAsync(id, http, store, personalData: true);
                await store.ErasePersonalDataAsync(target.Id, http.RequestAborted);
                http.Audit().Target = "user:" + id;
                http.Audit().Details["erased"] = new[] { "phone", "email", "nationalId" };
                return Results.NoContent();
            })
            .RequireAuthorization(Policies.PersonalData)
            .WithName("ErasePersonalData")
            .WithSummary("Deletion on request: removes the account's personal data irreversibly.");

        return endpoints;
    }

    private static async Task<UserSummary> VisibleUserAsync(Guid id, HttpContext http, UserStore store)
    {
        var caller = http.CurrentUser();
        var user = await store.GetAsync(id, http.RequestAborted);
        // Platform accounts are visible to platform staff only.
        if (user is null || (user.PartyId is null ? !(caller.SpansAllParties || caller.Is(PlatformRoles.Management)) : !caller.CanSeeParty(user.PartyId)))
        {
            throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("identity.noSuchUser"));
        }

        return user;
    }

    private static async Task<UserSummary> ManageableUserAsync(Guid id, HttpContext http, UserStore store, bool personalData = false)
    {
        var caller = http.CurrentUser();
        var user = await VisibleUserAsync(id, http, store);
        // Platform accounts and party administrators (who see unmasked personal data) are administered by platform administrators
        // only: otherwise an operator or a fellow party administrator could reset one, receive the password and act as it.
        var allowed = user.PartyId is null
            ? caller.Is(PlatformRoles.Admin)
            : personalData ? caller.Is(PlatformRoles.Admin) || (caller.PartyId == user.PartyId && caller.PartyRole == PartyRoles.Admin)
            : user.PartyRole == PartyRoles.Admin ? caller.Is(PlatformRoles.Admin)
            : caller.CanManageParty(user.PartyId);
        return allowed ? user : throw new IdentityProblem(ProblemKind.Forbidden, Msg.Of("web.mayNotChangeAccount")
);
    }
}

/// <summary>Writes an operation-log entry for a read that must itself be audited (personal data views).</summary>
internal sealed class AuditedRead(MediaCenter.Identity.AuditLog audit) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var notes = new AuditNotes();
        http.Items[typeof(AuditNotes)] = notes;
        var result = await next(context);
        await audit.OperationAsync(http.OperationEntry($"VIEW {http.Request.Path}", notes.Target, "ok",
            new Dictionary<string, object?> { ["method"] = "GET", ["personalData"] = true }));
        return result;
    }
}
