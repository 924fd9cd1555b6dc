using MediaCenter.Grains.Tickets;
using MediaCenter.Identity;
using MediaCenter.Web.Operations;
using MediaCenter.Web.Security;
using Microsoft.Extensions.Options;

namespace MediaCenter.Web.Tickets;

/// <summary>
/// The public side of the tickets under /api/public/tickets, without an account (the page /public/complaint and mini
/// clients use it): the form's terms, a proof-of-work challenge, filing with consent, and following a ticket with its code
/// plus the phone or e-mail given (seeing the reply, rating it, asking for reopening or for the deletion of the personal
/// data). Every endpoint is rate limited per client address; a wrong code and a wrong contact answer the same 404.
/// </summary>
internal static class PublicTicketsApi
{
    public const string Path = "/api/public/tickets";

    public sealed record SubmitBody(TicketKind? Kind, string? Subject, string? Content, string? Name, string? Phone, string? Email, bool? Consent,
        TicketSource? Source, string? Challenge, string? Nonce, List<AttachmentBody>? Attachments);

    /// <summary>A file attached to a filing: its name and its bytes (base64 in JSON).</summary>
    public sealed record AttachmentBody(string? FileName, byte[]? Data);

    public sealed record ProofBody(string? Contact);

    public sealed record RateBody(string? Contact, int? Satisfaction, string? Comment);

    public sealed record ReopenBody(string? Contact, string? Reason);

    public static IEndpointRouteBuilder MapPublicTicketsApi(this IEndpointRouteBuilder endpoints)
    {
        // A filing carries its attachments base64-encoded (4 characters per 3 bytes) next to the text fields.
        var settings = endpoints.ServiceProvider.GetRequiredService<IOptions<TicketOptions>>().Value;
        var filingBodyBytes = (settings.MaxAttachments * settings.MaxAttachmentBytes * 4 / 3) + (64 * 1024);
        var open = endpoints.MapGroup(Path).WithTags("public").AllowAnonymous().RequireRateLimiting(TicketsHosting.PublicRateLimit);

        open.MapGet("/form", (IOptions<TicketOptions> options, ProofOfWork work) => Results.Ok(new
        {
            Kinds = Enum.GetValues<TicketKind>(),
            Consent = new { options.Value.ConsentPurpose, options.Value.RetentionDays, options.Value.PolicyVersion },
            MaxSubject = 100,
            MaxContent = 2000,
            options.Value.MaxAttachments,
            options.Value.MaxAttachmentBytes,
            AttachmentTypes = new[] { "image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf" },
            ProofOfWorkBits = work.Bits,
        }))
            .WithName("PublicTicketForm")
            .WithSummary("What the public form asks: the kinds, the consent text (purpose, retention in days, version), the size limits, the proof-of-work bits.");

        open.MapGet("/challenge", (ProofOfWork work) => Results.Ok(new { Challenge = work.Issue(), Bits = work.Bits }))
            .WithName("PublicTicketChallenge")
            .WithSummary("A proof-of-work challenge: find a nonce whose SHA-256 over 'challenge:nonce' starts with `bits` zero bits; valid 10 minutes, once.");

        open.MapPost("/", async (SubmitBody? body, HttpContext http, IClusterClient cluster, PersonalDataProtector protector, IOptions<TicketOptions> options,
                TimeProvider time, ProofOfWork work) =>
            {
                var key = http.Request.Headers["Idempotency-Key"].ToString();
                if (key.Length is < 16 or > 100)
                {
                    throw new IdentityProblem(ProblemKind.Invalid,
                        Msg.Of("ticket.publicKeyRequired"));
                }

                var operation = "public:" + key;
                var id = TicketHttp.IdFor(operation);
                var grain = cluster.GetGrain<ITicketGrain>(id);

                // A retry of a filing that went through answers the ticket again (its challenge is spent by then).
                if (await grain.GetAsync() is null)
                {
                    if (!work.Accept(body?.Challenge, body?.Nonce))
                    {
                        throw new CommandRefused("Invalid", Msg.Of("ticket.challengeFailed"), TicketHttp.What);
                    }

                    if (body?.Consent != true)
                    {
                        throw new CommandRefused("Invalid", Msg.Of("ticket.publicConsentRequired"), TicketHttp.What);
                    }

                    if (TicketHttp.NormalizePhone(body.Phone) is null && TicketHttp.NormalizeEmail(body.Email) is null)
                    {
                        throw new CommandRefused("Invalid", Msg.Of("ticket.contactNeeded"),
                            TicketHttp.What);
                    }
                }

                var contact = TicketHttp.Contact(body?.Name, body?.Phone, body?.Email, protector);
                var source = body?.Source == TicketSource.Api ? TicketSource.Api : TicketSource.Web;
                var attachments = body?.Attachments?.Select(a => new TicketUpload(a.FileName, a.Data)).ToList();
                var command = new SubmitTicket(body?.Kind, TicketPriority.Normal, source, body?.Subject, body?.Content, contact, TicketHttp.Consent(options.Value, time),
                    attachments is { Count: > 0 } ? attachments : null);
                var result = await grain.ExecuteAsync(command, TicketActor.Public, operation);
                if (attachments is { Count: > 0 })
                {
                    http.Audit().Details["attachments"] = result.Ticket?.Attachments?.Select(a => new { a.ContentType, a.SizeBytes }).ToList() ?? [];
                }

                return TicketHttp.Answer(http, result, PublicTicketView.Of, created: true);
            })
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(filingBodyBytes))
            .WithName("SubmitPublicTicket")
            .WithSummary("Files a complaint, consultation or suggestion without an account: kind, subject, content, name (optional), phone and/or e-mail, " +
                "consent=true, the solved challenge and nonce, and up to `maxAttachments` files (`attachments`: fileName, data in base64; images or PDF judged by " +
                "their bytes, each at most `maxAttachmentBytes`; a refused one answers 422 naming the file and why). Answers the follow-up code (`code`). Requires an Idempotency-Key (random, 16–100 characters).");

        open.MapPost("/{code}/view", async (string code, ProofBody? body, HttpContext http, IClusterClient cluster, PersonalDataProtector protector) =>
            {
                var (ticket, _) = await ProvenAsync(code, body?.Contact, cluster, protector);
                http.Audit().Target = "ticket:" + ticket.Id;
                return Results.Ok(PublicTicketView.Of(ticket));
            })
            .WithName("FollowPublicTicket")
            .WithSummary("The ticket's state, reply and clock for its code and the phone or e-mail given with it (a POST, so the contact stays out of addresses and logs).");

        open.MapPost("/{code}/rating", async (string code, RateBody? body, HttpContext http, IClusterClient cluster, PersonalDataProtector protector) =>
            {
                var (_, grain) = await ProvenAsync(code, body?.Contact, cluster, protector);
                var result = await grain.ExecuteAsync(new RateTicket(body?.Satisfaction, body?.Comment), TicketActor.Public, PublicOperation(http));
                return TicketHttp.Answer(http, result, PublicTicketView.Of);
            })
            .WithName("RatePublicTicket")
            .WithSummary("The submitter rates the reply (satisfaction 1–5, comment). Requires an Idempotency-Key.");

        open.MapPost("/{code}/reopen", async (string code, ReopenBody? body, HttpContext http, IClusterClient cluster, PersonalDataProtector protector) =>
            {
                var (_, grain) = await ProvenAsync(code, body?.Contact, cluster, protector);
                var result = await grain.ExecuteAsync(new ReopenTicket(body?.Reason), TicketActor.Public, PublicOperation(http));
                return TicketHttp.Answer(http, result, PublicTicketView.Of);
            })
            .WithName("ReopenPublicTicket")
            .WithSummary("After a dissatisfied rating, the submitter asks for the ticket to be handled again. Requires an Idempotency-Key.");

        open.MapPost("/{code}/erasure", async (string code, ProofBody? body, HttpContext http, IClusterClient cluster, PersonalDataProtector protector) =>
            {
                var (_, grain) = await ProvenAsync(code, body?.Contact, cluster, protector);
                var result = await grain.ExecuteAsync(new EraseTicketPersonalData(), TicketActor.Public, PublicOperation(http));
                http.Audit().Details["erased"] = new[] { "name", "phone", "email", "attachments" };
                return TicketHttp.Answer(http, result, PublicTicketView.Of);
            })
            .WithName("ErasePublicTicketPersonalData")
            .WithSummary("Deletion on request by the submitter: name, phone, e-mail and attachments are removed for good (the ticket can no longer be followed); " +
                "the anonymous ticket stays. Requires an Idempotency-Key.");

        return endpoints;
    }

    private static string PublicOperation(HttpContext http)
    {
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        return key.Length is > 0 and <= 100
            ? "public:" + key
            : throw new IdentityProblem(ProblemKind.Invalid, Msg.Of("common.operationIdRequired"));
    }

    private static async Task<(TicketView Ticket, ITicketGrain Grain)> ProvenAsync(string code, string? contact, IClusterClient cluster,
        PersonalDataProtector protector)
    {
        var id = TicketHttp.NormalizeCode(code);
        var grain = id is null ? null : cluster.GetGrain<ITicketGrain>(id);
        var ticket = grain is null ? null : await grain.GetAsync();
        if (ticket is null || !TicketHttp.Proves(await grain!.GetContactAsync(), contact, protector))
        {
            throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("ticket.codeOrContactWrong")
);
        }

        return (ticket, grain);
    }
}
