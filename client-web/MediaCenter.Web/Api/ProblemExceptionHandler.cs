using MediaCenter.Identity;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace MediaCenter.Web.Api;

/// <summary>The one place where exceptions become HTTP problem details.</summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is IdentityProblem problem)
        {
            return await WriteAsync(context, StatusOf(exception), problem.Message, problem.Details.Count > 0 ? Msg.List(problem.Details) : null, problem.Details,
                exception);
        }

        if (exception is Operations.CommandRefused command)
        {
            // The same mapping as a grain's refusal: one outcome → problem details for the whole API.
            await command.ToResult().ExecuteAsync(context);
            return true;
        }

        if (exception is SignInRefused refused)
        {
            return await WriteAsync(context, StatusOf(exception), refused.Message, null, [], exception);
        }

        var (status, title) = Unexpected(exception);
        if (status >= 500)
        {
            LogFailure(logger, context.Request.Method, context.Request.Path, exception);
        }

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "2";
        }

        return await WriteAsync(context, status, title, status < 500 ? exception.Message : null, [], exception);
    }

    /// <summary>The status an exception is answered with (the operation log records it before the answer is written).</summary>
    public static int StatusOf(Exception exception) => exception switch
    {
        IdentityProblem { Kind: ProblemKind.Invalid } => StatusCodes.Status400BadRequest,
        IdentityProblem { Kind: ProblemKind.Conflict } => StatusCodes.Status409Conflict,
        IdentityProblem { Kind: ProblemKind.NotFound } => StatusCodes.Status404NotFound,
        IdentityProblem => StatusCodes.Status403Forbidden,
        Operations.CommandRefused command => GrainOutcomes.Describe(command.Outcome, command.What).Status,
        SignInRefused => StatusCodes.Status401Unauthorized,
        _ => Unexpected(exception).Status,
    };

    private static (int Status, string Title) Unexpected(Exception exception) => exception switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge, Msg.Of("web.requestTooLarge")),
        BadHttpRequestException => (StatusCodes.Status400BadRequest, Msg.Of("web.requestMalformed")),
        ArgumentException => (StatusCodes.Status400BadRequest, Msg.Of("web.requestInvalid")),
        TimeoutException => (StatusCodes.Status503ServiceUnavailable, Msg.Of("web.timedOut")),
        // The operation log could not take the entry of a change about to be made: the change is not made.
        Security.AuditUnavailable => (StatusCodes.Status503ServiceUnavailable, Msg.Of("web.auditUnavailable")),
        // The database is unreachable (an outage, a failover): nothing was acknowledged, the same request may be retried.
        _ when IsDatabase(exception) => (StatusCodes.Status503ServiceUnavailable, Msg.Of("web.databaseUnavailable")),
        OrleansException => (StatusCodes.Status503ServiceUnavailable, Msg.Of("web.serviceUnavailable")),
        _ => (StatusCodes.Status500InternalServerError, Msg.Of("web.unexpectedError")),
    };

    // A database error here, or one a grain raised that reached us as an exception Orleans could not carry as itself.
    private static bool IsDatabase(Exception exception) =>
        exception is System.Data.Common.DbException
        || exception.InnerException is System.Data.Common.DbException
        || (exception is Orleans.Serialization.CodecNotFoundException && exception.Message.Contains("Npgsql", StringComparison.Ordinal));

    private async Task<bool> WriteAsync(HttpContext context, int status, string title, string? detail, IReadOnlyList<string> errors, Exception exception)
    {
        context.Response.StatusCode = status;
        var details = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (errors.Count > 0)
        {
            details.Extensions["errors"] = errors;
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, Exception = exception, ProblemDetails = details });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogFailure(ILogger logger, string method, string path, Exception exception);
}
