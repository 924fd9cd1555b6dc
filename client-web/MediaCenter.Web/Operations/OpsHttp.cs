using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MediaCenter.Grains.Operations;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Security;

namespace MediaCenter.Web.Operations;

/// <summary>Shared rules of the plans, drills, campaigns and hot-events APIs.</summary>
internal static class OpsHttp
{
    /// <summary>JSON as the API writes it (camelCase, enums as names), for what the read tables hold as JSON.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };


    /// <summary>An id derived from an operation id: a retry reaches the same grain, nobody else can guess it.</summary>
    public static string IdFor(string prefix, string operationId) =>
        prefix + "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(operationId)))[..20];

    /// <summary>True when the caller is a user (admin or member) of the access party.</summary>
    public static bool IsPartyUser(CurrentUser user, string partyId) => user.PartyId == partyId && user.PartyRole is not null;

    /// <summary>The caller's own access party, for creating things there; 403 for callers outside any party, 404 for another party.</summary>
    public static string OwnParty(CurrentUser user, string? requested, string what)
    {
        if (user.PartyId is null || user.PartyRole is null)
        {
            throw new IdentityProblem(ProblemKind.Forbidden, Msg.Of("ops.onlyPartyUsersRegister", ("what", what)));
        }

        if (requested is not null && requested != user.PartyId)
        {
            throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("ops.partyNotFound", ("party", requested)));
        }

        return user.PartyId;
    }

    /// <summary>The caller as it acts on something of <paramref name="partyId"/>: the party's users, platform staff, management.</summary>
    public static OpsActor Actor(CurrentUser user, string partyId)
    {
        var roles = OpsRole.None;
        if (IsPartyUser(user, partyId))
        {
            roles |= OpsRole.Party;
        }

        if (user.SpansAllParties)
        {
            roles |= OpsRole.Operator;
        }

        if (user.Is(PlatformRoles.Management))
        {
            roles |= OpsRole.Management;
        }

        return new OpsActor(user.Id, user.DisplayName, roles);
    }

    /// <summary>Marks an answer that repeats the first answer to the same Idempotency-Key.</summary>
    public static void MarkReplay(HttpContext http, bool replay)
    {
        if (replay)
        {
            http.Response.Headers["Idempotent-Replay"] = "true";
        }
    }
}

/// <summary>
/// A request refused before it reached a grain (e.g. a channel that is not the party's), answered through the same
/// outcome mapping as a grain's refusal (<see cref="GrainOutcomes"/>).
/// </summary>
internal sealed class CommandRefused(string outcome, string message, string what) : Exception(message)
{
    /// <summary>The outcome's name (<c>Invalid</c>, <c>Forbidden</c> …).</summary>
    public string Outcome { get; } = outcome;

    /// <summary>What the request was about.</summary>
    public string What { get; } = what;

    /// <summary>The problem details of the refusal.</summary>
    public IResult ToResult() => GrainOutcomes.Problem<string>(Outcome, Message, null, [], What,
        new Dictionary<string, object?> { ["errors"] = new[] { Message } });
}
