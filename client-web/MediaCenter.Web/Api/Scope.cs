using MediaCenter.Identity;

namespace MediaCenter.Web.Api;

/// <summary>Tenant isolation rules shared by the handlers: another party's resources look absent (404).</summary>
internal static class Scope
{
    /// <summary>The party filter for lists: null (all) for roles that span parties, else the caller's own party.</summary>
    public static string? PartyFilter(CurrentUser user, string? requested)
    {
        if (user.SpansAllParties || user.Is(PlatformRoles.Management))
        {
            return requested;
        }

        return user.PartyId ?? throw new IdentityProblem(ProblemKind.Forbidden, Msg.Of("web.noParty"));
    }

    /// <summary>Throws 404 unless the caller may see the party's data.</summary>
    public static void RequireVisible(CurrentUser user, string partyId, string what)
    {
        if (!user.CanSeeParty(partyId))
        {
            throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("common.notFound", ("what", what)));
        }
    }

    /// <summary>Throws 404 when the caller cannot see the party at all, 403 when it can see but not manage.</summary>
    public static void RequireManageable(CurrentUser user, string partyId, string what)
    {
        RequireVisible(user, partyId, what);
        if (!user.CanManageParty(partyId))
        {
            throw new IdentityProblem(ProblemKind.Forbidden, Msg.Of("web.mayNotManage"));
        }
    }
}
