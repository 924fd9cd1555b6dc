using System.Security.Cryptography;
using System.Text;
using MediaCenter.Grains.People;
using MediaCenter.Grains.Tickets;
using MediaCenter.Hosting.Tickets;
using MediaCenter.Identity;
using MediaCenter.Web.Api;
using MediaCenter.Web.Operations;
using MediaCenter.Web.Security;
using Microsoft.Extensions.Options;

namespace MediaCenter.Web.Tickets;

/// <summary>What the ticket endpoints share: the contact's encryption and proof, ids, answers.</summary>
internal static class TicketHttp
{
    public static readonly string What = Msg.Of("what.ticket");
    private const int MaxName = 50;
    private const int MaxPhone = 20;
    private const int MaxEmail = 254;
    private const string CodeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    /// <summary>
    /// The ticket id, which is also the follow-up code the submitter keeps: derived from the operation id, so a retried
    /// submission reaches the same ticket; 10 characters of an alphabet without look-alikes (50 bits: not guessable, and
    /// useless without the contact anyway).
    /// </summary>
    public static string IdFor(string operationId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("ticket\n" + operationId));
        var code = new StringBuilder("T", 11);
        for (var i = 0; i < 10; i++)
        {
            code.Append(CodeAlphabet[hash[i] % CodeAlphabet.Length]);
        }

        return code.ToString();
    }

    /// <summary>A follow-up code as typed (case and spaces forgiven), or null when it cannot be one.</summary>
    public static string? NormalizeCode(string? code)
    {
        var c = (code ?? "").Trim().Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        return c.Length == 11 && c[0] == 'T' && c[1..].All(x => CodeAlphabet.Contains(x, StringComparison.Ordinal)) ? c : null;
    }

    /// <summary>A phone number reduced to its digits (and a leading +), or null when it is not one.</summary>
    public static string? NormalizePhone(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone))
        {
            return null;
        }

        var digits = new string(phone.Trim().Where((c, i) => char.IsAsciiDigit(c) || (c == '+' && i == 0)).ToArray());
        return digits.Count(char.IsAsciiDigit) is >= 5 and <= MaxPhone && phone.Trim().All(c => char.IsAsciiDigit(c) || c is '+' or '-' or ' ') ? digits : null;
    }

    /// <summary>An e-mail address, trimmed and lower-cased, or null when it is not one.</summary>
    public static string? NormalizeEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return null;
        }

        var e = email.Trim().ToLowerInvariant();
        var at = e.IndexOf('@');
        return e.Length <= MaxEmail && at > 0 && at == e.LastIndexOf('@') && e.IndexOf('.', at) > at + 1 && !e.Any(char.IsWhiteSpace) ? e : null;
    }

    /// <summary>The contact given, encrypted with the personal-data key and masked; 422 for a malformed field.</summary>
    public static TicketContact? Contact(string? name, string? phone, string? email, PersonalDataProtector protector)
    {
        var n = string.IsNullOrWhiteSpace(name) ? null : name.Trim();
        if (n is { Length: > MaxName })
        {
            throw new CommandRefused("Invalid", Msg.Of("ticket.nameTooLong", ("max", MaxName)), What);
        }

        var p = NormalizePhone(phone);
        var e = NormalizeEmail(email);
        if ((phone is { } rawPhone && !string.IsNullOrWhiteSpace(rawPhone) && p is null) || (email is { } rawEmail && !string.IsNullOrWhiteSpace(rawEmail) && e is null))
        {
            throw new CommandRefused("Invalid", Msg.Of("ticket.contactMalformed")
, What);
        }

        return n is null && p is null && e is null
            ? null
            : new TicketContact(
                n is null ? null : new ProtectedField(protector.Protect(n), n[..1] + "**"),
                p is null ? null : new ProtectedField(protector.Protect(p), Masking.Phone(p)),
                e is null ? null : new ProtectedField(protector.Protect(e), Masking.Email(e)));
    }

    /// <summary>The consent as recorded with the data: the purpose and retention the submitter was shown, now.</summary>
    public static TicketConsent Consent(TicketOptions options, TimeProvider time) =>
        new(options.ConsentPurpose, options.RetentionDays, time.GetUtcNow(), options.PolicyVersion);

    /// <summary>True when the given phone or e-mail is the one the ticket holds (compared in constant time).</summary>
    public static bool Proves(TicketContact? held, string? given, PersonalDataProtector protector)
    {
        if (held is null || string.IsNullOrWhiteSpace(given))
        {
            return false;
        }

        var candidates = new[] { NormalizePhone(given), NormalizeEmail(given) }.OfType<string>().ToList();
        var proven = false;
        foreach (var field in new[] { held.Phone, held.Email }.OfType<ProtectedField>())
        {
            var plain = Encoding.UTF8.GetBytes(protector.Unprotect(field.Protected));
            foreach (var candidate in candidates)
            {
                proven |= CryptographicOperations.FixedTimeEquals(plain, Encoding.UTF8.GetBytes(candidate));
            }
        }

        return proven;
    }

    /// <summary>The answer to a command.</summary>
    public static IResult Answer(HttpContext http, TicketResult result, Func<TicketView, object> body, bool created = false)
    {
        if (!result.Ok)
        {
            return GrainOutcomes.Problem(result.Outcome.ToString(), result.Message, result.State?.ToString(), result.AllowedMoves, What,
                new Dictionary<string, object?> { ["errors"] = result.Message is { } m ? new[] { m } : [] });
        }

        OpsHttp.MarkReplay(http, result.Replay);
        var ticket = result.Ticket!;
        http.Audit().Target = "ticket:" + ticket.Id;
        http.Audit().Details["state"] = ticket.State.ToString();
        http.Audit().Details["version"] = ticket.Version;
        return created ? Results.Created($"/api/v1/tickets/{ticket.Id}", body(ticket)) : Results.Ok(body(ticket));
    }
}

/// <summary>Composition of the tickets in client-web: settings, read model, the public rate limit and the proof-of-work.</summary>
public static class TicketsHosting
{
    /// <summary>The rate-limit policy of the public ticket endpoints, per client address.</summary>
    public const string PublicRateLimit = "public-tickets";

    /// <summary>Registers what the ticket endpoints need.</summary>
    public static WebApplicationBuilder AddTickets(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TicketOptions>().Bind(builder.Configuration.GetSection(TicketOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TicketOptions>, TicketOptionsValidator>();
        services.AddSingleton<TicketReadModel>();
        services.AddSingleton<ProofOfWork>();
        services.AddPerAddressRateLimit<TicketOptions>(PublicRateLimit, o => (o.PublicPermits, o.PublicWindow));
        return builder;
    }
}
