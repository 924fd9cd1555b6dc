using System.Security.Cryptography;
using System.Text;
using MediaCenter.Identity;
using MediaCenter.Web.Security;

namespace MediaCenter.Web.Api;

/// <summary>Operation ids of the API's commands, from the caller's Idempotency-Key: the one idempotency mechanism is the grains' operation ids.</summary>
internal static class CommandIds
{
    /// <summary>
    /// The caller's Idempotency-Key, scoped to the caller (two people reusing a key never collide). State-changing calls of the
    /// workflows require one: a retry after a timeout must not apply twice.
    /// </summary>
    public static string Required(HttpContext http)
    {
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length is 0 or > 100)
        {
            throw new IdentityProblem(ProblemKind.Invalid,
                Msg.Of("web.idempotencyKeyRequired"));
        }

        return $"{http.CurrentUser().Id:N}:{key}";
    }

    /// <summary>
    /// The caller's Idempotency-Key scoped to the caller (two people reusing a key never collide), or a fresh id when
    /// the caller sent none: these endpoints answered without one before they reached grains, and still do — then a
    /// retry is a new command.
    /// </summary>
    public static string Optional(HttpContext http)
    {
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        return key.Length is > 0 and <= 100 ? $"{http.CurrentUser().Id:N}:{key}" : $"{http.CurrentUser().Id:N}:{Guid.NewGuid():N}";
    }

    /// <summary>The key of a grain a command creates, derived from its operation id: a retry reaches the same grain, nobody can guess it.</summary>
    public static Guid KeyFor(string kind, string operationId) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes(kind + "\n" + operationId)).AsSpan(0, 16));
}
