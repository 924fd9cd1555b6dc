using MediaCenter.Grains.Operations;
using MediaCenter.Grains.People;
using MediaCenter.Identity;
using MediaCenter.Web.Security;

namespace MediaCenter.Web.Operations;

/// <summary>
/// The caller's roles on what an organisation answers for — its yearly evaluation, its indicators and rectifications. For an
/// access party: its administrators answer for it (<see cref="OpsRole.Party"/>), platform administrators and operators act as
/// operator and management, management as management. For the operator itself (<see cref="Organisation.OperatorKey"/>) the
/// same three-party rules are adapted: its own administrators (platform administrators) answer for it, operators still run the
/// process, and only management judges it — nobody of the operator acts as management on the operator's own things.
/// </summary>
internal static class OrganisationActor
{
    /// <summary>The caller as an actor on the organisation <paramref name="partyId"/> (an access party id or <c>operator</c>).</summary>
    public static OpsActor Of(CurrentUser user, string? partyId)
    {
        var roles = OpsRole.None;
        if (partyId == Organisation.OperatorKey)
        {
            if (user.Is(PlatformRoles.Admin))
            {
                roles |= OpsRole.Party;
            }

            if (user.SpansAllParties)
            {
                roles |= OpsRole.Operator;
            }
        }
        else
        {
            if (partyId is not null && user.PartyId == partyId && user.PartyRole == PartyRoles.Admin)
            {
                roles |= OpsRole.Party;
            }

            if (user.SpansAllParties)
            {
                roles |= OpsRole.Operator | OpsRole.Management;
            }
        }

        if (user.Is(PlatformRoles.Management))
        {
            roles |= OpsRole.Management;
        }

        return new OpsActor(user.Id, user.DisplayName, roles);
    }
}
