using MediaCenter.Identity;
using Microsoft.AspNetCore.Authorization;

namespace MediaCenter.Web.Security;

/// <summary>
/// Authorization policies by name. Every endpoint names one (or allows anonymous callers explicitly);
/// the fallback requires a signed-in user. Which access party's data a caller may touch is decided in the
/// handler from <see cref="CurrentUser"/>; another party's resources answer 404.
/// </summary>
public static class Policies
{
    /// <summary>Any signed-in user.</summary>
    public const string SignedIn = "signed-in";

    /// <summary>Platform administrators.</summary>
    public const string PlatformAdmin = "platform-admin";

    /// <summary>Administrators and operators (运营方).</summary>
    public const string Operations = "operations";

    /// <summary>Reading operations reports (patrol): administrators, operators and management.</summary>
    public const string OperationsRead = "operations-read";

    /// <summary>Reading the logs: administrators and auditors.</summary>
    public const string AuditRead = "audit-read";

    /// <summary>Managing an access party's users, channels, terminals: administrators, operators, party admins.</summary>
    public const string PartyManage = "party-manage";

    /// <summary>Seeing an access party's data: the above, management, and party members.</summary>
    public const string PartyRead = "party-read";

    /// <summary>Seeing or erasing full personal data: administrators and party admins (their own party).</summary>
    public const string PersonalData = "personal-data";

    /// <summary>Registers the policies.</summary>
    public static AuthorizationBuilder AddMediaCenterPolicies(this AuthorizationBuilder builder)
    {
        var signedIn = new AuthorizationPolicyBuilder(SessionAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build();
        AuthorizationPolicy Roles(params string[] roles) =>
            new AuthorizationPolicyBuilder(SessionAuthenticationHandler.SchemeName).RequireAuthenticatedUser().RequireRole(roles).Build();

        return builder
            .SetFallbackPolicy(signedIn)
            .SetDefaultPolicy(signedIn)
            .AddPolicy(SignedIn, signedIn)
            .AddPolicy(PlatformAdmin, Roles(PlatformRoles.Admin))
            .AddPolicy(Operations, Roles(PlatformRoles.Admin, PlatformRoles.Operator))
            .AddPolicy(AuditRead, Roles(PlatformRoles.Admin, PlatformRoles.Auditor))
            .AddPolicy(OperationsRead, Roles(PlatformRoles.Admin, PlatformRoles.Operator, PlatformRoles.Management))
            .AddPolicy(PartyManage, Roles(PlatformRoles.Admin, PlatformRoles.Operator, PartyRoles.Admin))
            .AddPolicy(PartyRead, Roles(PlatformRoles.Admin, PlatformRoles.Operator, PlatformRoles.Management, PartyRoles.Admin, PartyRoles.Member))
            .AddPolicy(PersonalData, Roles(PlatformRoles.Admin, PartyRoles.Admin));
    }
}
