using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Security;
using Npgsql;

namespace MediaCenter.Web.Operations;

/// <summary>
/// A refusal with its HTTP status and extra members (e.g. <c>code</c>, <c>currentState</c>, <c>allowedMoves</c>),
/// turned into problem details by <see cref="OpsHttp.Problems"/>. Thrown inside a transaction, it also rolls it back.
/// </summary>
internal sealed class OpsProblem(int status, string title, string detail, IReadOnlyDictionary<string, object?>? extensions = null) : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();

    /// <summary>409: the move is not allowed in the current state.</summary>
    public static OpsProblem IllegalMove(string currentState, IEnumerable<string> allowedMoves, string detail) =>
        new(StatusCodes.Status409Conflict, "当前状态不允许此操作 / This move is not allowed in the current state.", detail, new Dictionary<string, object?>
        {
            ["code"] = "IllegalMove",
            ["currentState"] = currentState,
            ["allowedMoves"] = allowedMoves.ToArray(),
        });

    /// <summary>422: the content cannot be accepted.</summary>
    public static OpsProblem Invalid(string detail, IReadOnlyList<string>? errors = null) =>
        new(StatusCodes.Status422UnprocessableEntity, "内容不符合要求 / The request cannot be applied.", detail, new Dictionary<string, object?>
        {
            ["code"] = "Invalid",
            ["errors"] = errors ?? [detail],
        });

    public IResult ToResult() => Results.Problem(statusCode: Status, title: Title, detail: Message, extensions: Extensions);
}

/// <summary>Shared rules of the plans, drills, campaigns and hot-events APIs.</summary>
internal static class OpsHttp
{
    /// <summary>JSON as the API writes it (camelCase, enums as names): also used for stored answers.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>An endpoint filter turning <see cref="OpsProblem"/> into problem details.</summary>
    public static TBuilder Problems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (OpsProblem problem)
            {
                return problem.ToResult();
            }
        });

    /// <summary>
    /// The caller's Idempotency-Key, scoped to the caller (two people reusing a key never collide). Every
    /// state-changing call requires one: a retry after a timeout must not apply twice.
    /// </summary>
    public static string OperationId(HttpContext http)
    {
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length is 0 or > 100)
        {
            throw new IdentityProblem(ProblemKind.Invalid,
                "需要 Idempotency-Key 请求头（1–100 个字符），重试时使用同一个值 / the Idempotency-Key header (1–100 characters) is required; reuse it when retrying");
        }

        return $"{http.CurrentUser().Id:N}:{key}";
    }

    /// <summary>A new random id with a prefix, e.g. <c>plan-3f9a0c1b2d4e</c>.</summary>
    public static string NewId(string prefix) => prefix + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>An id derived from an operation id: a retry gets the same id, nobody else can guess it.</summary>
    public static string IdFor(string prefix, string operationId) =>
        prefix + "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(operationId)))[..20];

    /// <summary>True when the caller is a user (admin or member) of the access party.</summary>
    public static bool IsPartyUser(CurrentUser user, string partyId) => user.PartyId == partyId && user.PartyRole is not null;

    /// <summary>The caller's own access party, for creating things there; 403 for callers outside any party, 404 for another party.</summary>
    public static string OwnParty(CurrentUser user, string? requested, string what)
    {
        if (user.PartyId is null || user.PartyRole is null)
        {
            throw new IdentityProblem(ProblemKind.Forbidden, $"只有接入方的用户可以登记{what} / only users of an access party register a {what}");
        }

        if (requested is not null && requested != user.PartyId)
        {
            throw new IdentityProblem(ProblemKind.NotFound, $"接入方 {requested} 不存在 / access party {requested} not found");
        }

        return user.PartyId;
    }

    /// <summary>404 unless the caller may see the party's data; 403 unless the caller is a user of that party.</summary>
    public static void RequirePartyUser(CurrentUser user, string partyId, string what)
    {
        Scope.RequireVisible(user, partyId, what);
        if (!IsPartyUser(user, partyId))
        {
            throw new IdentityProblem(ProblemKind.Forbidden, $"只有该接入方的用户可以修改{what} / only users of the owning access party change the {what}");
        }
    }

    /// <summary>A trimmed text, or a 422 when it is missing or too long.</summary>
    public static string Required(string? value, string field, int max)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Trim().Length > max)
        {
            throw OpsProblem.Invalid($"{field} 必填，最多 {max} 字 / {field} is required, at most {max} characters");
        }

        return value.Trim();
    }

    /// <summary>A trimmed optional text (null when blank), or a 422 when too long.</summary>
    public static string? Optional(string? value, string field, int max)
    {
        if (value is not null && value.Trim().Length > max)
        {
            throw OpsProblem.Invalid($"{field} 最多 {max} 字 / {field} is at most {max} characters");
        }

        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}

/// <summary>What a state-changing call answers; stored with its Idempotency-Key so a repeat gets the same answer.</summary>
internal sealed record OpsAnswer(int Status, object Body, string? Location = null);

/// <summary>
/// Runs a plan, drill or campaign command in one PostgreSQL transaction together with its Idempotency-Key
/// (<c>mc.ops_requests</c>): the key is claimed first (a concurrent repeat waits for the first to finish),
/// the change is made, the answer stored, and all of it commits at once. A refused command (an exception)
/// rolls back, key included, so a corrected retry is judged afresh.
/// </summary>
internal sealed class OpsRequests(NpgsqlDataSource db)
{
    public async Task<IResult> RunAsync(HttpContext http, string action, Func<NpgsqlConnection, NpgsqlTransaction, Task<OpsAnswer>> work)
    {
        var operationId = OpsHttp.OperationId(http);
        var cancellationToken = http.RequestAborted;
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var claim = new NpgsqlCommand("""
            INSERT INTO mc.ops_requests (operation_id, action, status, body) VALUES (@id, @action, 0, 'null'::jsonb)
            ON CONFLICT (operation_id) DO NOTHING
            """, connection, transaction))
        {
            claim.Parameters.AddWithValue("id", operationId);
            claim.Parameters.AddWithValue("action", action);
            if (await claim.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return await ReplayAsync(http, operationId, action, cancellationToken);
            }
        }

        var answer = await work(connection, transaction);
        var body = JsonSerializer.Serialize(answer.Body, OpsHttp.Json);
        await using (var store = new NpgsqlCommand("UPDATE mc.ops_requests SET status = @status, body = @body::jsonb WHERE operation_id = @id",
            connection, transaction))
        {
            store.Parameters.AddWithValue("id", operationId);
            store.Parameters.AddWithValue("status", answer.Status);
            store.Parameters.AddWithValue("body", body);
            await store.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return Answer(http, answer.Status, body, answer.Location);
    }

    private async Task<IResult> ReplayAsync(HttpContext http, string operationId, string action, CancellationToken cancellationToken)
    {
        await using var read = db.CreateCommand("SELECT action, status, body::text FROM mc.ops_requests WHERE operation_id = @id");
        read.Parameters.AddWithValue("id", operationId);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException("The stored answer of an Idempotency-Key vanished.");
        }

        if (reader.GetString(0) != action)
        {
            throw OpsProblem.Invalid("这个 Idempotency-Key 已用于另一个请求 / this Idempotency-Key was already used for another request");
        }

        http.Response.Headers["Idempotent-Replay"] = "true";
        return Answer(http, reader.GetInt32(1), reader.GetString(2), null);
    }

    private static IResult Answer(HttpContext http, int status, string body, string? location)
    {
        if (location is not null)
        {
            http.Response.Headers.Location = location;
        }

        return Results.Content(body, "application/json; charset=utf-8", Encoding.UTF8, status);
    }
}
