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
            return await WriteAsync(context, problem.Kind switch
            {
                ProblemKind.Invalid => StatusCodes.Status400BadRequest,
                ProblemKind.Conflict => StatusCodes.Status409Conflict,
                ProblemKind.NotFound => StatusCodes.Status404NotFound,
                _ => StatusCodes.Status403Forbidden,
            }, problem.Message, problem.Details.Count > 0 ? Msg.List(problem.Details) : null, problem.Details, exception);
        }

        if (exception is Operations.CommandRefused command)
        {
            // The same mapping as a grain's refusal: one outcome → problem details for the whole API.
            await command.ToResult().ExecuteAsync(context);
            return true;
        }

        if (exception is SignInRefused refused)
        {
            return await WriteAsync(context, StatusCodes.Status401Unauthorized, refused.Message, null, [], exception);
        }

        var (status, title) = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge, Msg.Of("web.requestTooLarge")),
            BadHttpRequestException => (StatusCodes.Status400BadRequest, Msg.Of("web.requestMalformed")),
            ArgumentException => (StatusCodes.Status400BadRequest, Msg.Of("web.requestInvalid")),
            TimeoutException => (StatusCodes.Status503ServiceUnavailable, Msg.Of("web.timedOut")),
            // The database is unreachable (an outage, a failover): nothing was acknowledged, the same request may be retried.
            _ when IsDatabase(exception) => (StatusCodes.Status503ServiceUnavailable, Msg.Of("web.databaseUnavailable")),
            OrleansException => (StatusCodes.Status503ServiceUnavailable, Msg.Of("web.serviceUnavailable")),
            _ => (StatusCodes.Status500InternalServerError, Msg.Of("web.unexpectedError")),
        };

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
