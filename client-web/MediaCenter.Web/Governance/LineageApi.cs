using Dapper;
using MediaCenter.Identity;
using MediaCenter.Web.Newsroom;
using MediaCenter.Web.Security;
using MediaCenter.Web.Terminals;
using Npgsql;

namespace MediaCenter.Web.Governance;

/// <summary>Where a record came from: a user, the public, a reprint or collected URL, a terminal or the platform itself.</summary>
/// <param name="Type">user, public, reprint, terminal or system.</param>
/// <param name="Actor">The account's display name (user), the channel (public: Web, Api), or null.</param>
/// <param name="At">When the record was created.</param>
/// <param name="Url">For a reprint: the original's address.</param>
public sealed record LineageOrigin(string Type, string? Actor, DateTimeOffset? At, string? Url);

/// <summary>One change of the record as mc.event_log holds it.</summary>
public sealed record LineageChange(long Version, string Event, string? Actor, DateTimeOffset At);

/// <summary>The lineage of one record (F10.3): its origin and every change with its actor.</summary>
public sealed record Lineage(string Kind, string Id, LineageOrigin? Origin, IReadOnlyList<LineageChange> Changes);

/// <summary>
/// Lineage on records (F10.3): <c>GET /api/v1/lineage/{kind}/{id}</c> for stories, incidents, tickets, terminals, staff records,
/// supervision records, yearly evaluations, rectifications, emergency plans, drills, campaigns, hot events, applications and uploaded media,
/// read from mc.event_log plus what each domain keeps of a record's source. Whoever may read the record may read its lineage: each
/// kind asks the same visibility check as its own detail endpoint.
/// </summary>
internal static class LineageApi
{
    /// <summary>The kinds answered and the event-log domains of each.</summary>
    private static readonly Dictionary<string, string[]> Domains = new()
    {
        ["story"] = ["article"],
        ["incident"] = ["incident"],
        ["ticket"] = ["ticket"],
        ["terminal"] = ["terminal", "inspection"],
        ["staff"] = ["staff"],
        ["supervision"] = ["supervision"],
        ["evaluation"] = ["evaluation"],
        ["rectification"] = ["rectification"],
        ["plan"] = ["plan"],
        ["drill"] = ["drill"],
        ["campaign"] = ["campaign"],
        ["hot-event"] = ["hot-event"],
        ["application"] = ["application"],

        // A file never changes once stored: its lineage is its upload (or the page it was fetched from).
        ["media"] = [],
    };

    /// <summary>The end of an encoded message (its URL argument runs up to it).</summary>
    private const char MessageEnd = '\uE001';

    /// <summary>How the reprint path's filing comment (<c>intake.reprintComment</c>) starts, up to its URL.</summary>
    private static readonly string ReprintComment = ((string)Msg.Of("intake.reprintComment", ("url", "")))[..^1];

    public static IEndpointRouteBuilder MapLineageApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/lineage/{kind}/{id}", async (string kind, string id, HttpContext http, IClusterClient cluster, PartyDirectory parties,
                TerminalDirectory terminals, MediaStore media, NpgsqlDataSource db) =>
            {
                if (!Domains.TryGetValue(kind, out var domains))
                {
                    throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("common.notFound", ("what", kind)));
                }

                switch (kind)
                {
                    case "story":
                        await NewsroomApi.VisibleArticleAsync(id, http, parties, cluster);
                        break;
                    case "incident":
                        await Incidents.IncidentsApi.VisibleAsync(id, http, cluster);
                        break;
                    case "ticket":
                        id = (await Tickets.TicketsApi.VisibleAsync(id, http, cluster)).Ticket.Id;
                        break;
                    case "terminal":
                        await TerminalsApi.VisibleAsync(id, http, terminals);
                        break;
                    case "supervision":
                        await Supervision.SupervisionApi.VisibleAsync(id, http, cluster);
                        break;
                    case "evaluation":
                        await Evaluation.EvaluationsApi.VisibleAsync(id, http, cluster);
                        break;
                    case "rectification":
                        await Indicators.IndicatorsApi.VisibleRectificationAsync(id, http, cluster);
                        break;
                    case "plan":
                        await Operations.PlansApi.VisiblePlanAsync(id, http, cluster);
                        break;
                    case "drill":
                        await Operations.PlansApi.VisibleDrillAsync(id, http, cluster);
                        break;
                    case "campaign":
                        await Operations.CampaignsApi.VisibleAsync(id, http, cluster);
                        break;
                    case "hot-event":
                        await Operations.HotEventsApi.VisibleAsync(id, http, cluster);
                        break;
                    case "application":
                        await Applications.ApplicationsApi.VisibleAsync(id, http, cluster);
                        break;
                    case "media":
                        // A channel's file, for people who may see the channel (published or not: its origin is the newsroom's
                        // business); a ticket's attachment is part of the ticket's lineage and looks absent here.
                        var file = Guid.TryParse(id, out var mediaId) ? await media.InfoAsync(mediaId, http.RequestAborted) : null;
                        if (file is null)
                        {
                            throw new IdentityProblem(ProblemKind.NotFound, Msg.Of("common.notFound", ("what", Msg.Of("what.file"))));
                        }

                        await NewsroomAccess.VisibleChannelAsync(file.Channel, http, parties);
                        id = file.Id.ToString();
                        break;
                    default:
                        await People.StaffApi.VisibleAsync(id, http, cluster);
                        break;
                }

                await using var connection = await db.OpenConnectionAsync(http.RequestAborted);
                // A kind with no event-log domain (a file) has no changes to read.
                var changes = domains.Length == 0 ? [] : (await connection.QueryAsync<LineageChange>(new CommandDefinition("""
                    SELECT e.version AS Version, e.event_type AS Event,
                           coalesce(d.actor, e.actor, CASE WHEN e.entity_type = 'terminal' THEN 'terminal:' || e.entity_id END) AS Actor, e.occurred_at AS At
                      FROM mc.event_log e LEFT JOIN mc.event_log_display d ON d.id = e.id
                     WHERE e.entity_type = ANY(@domains) AND e.entity_id = @id
                     ORDER BY e.occurred_at, e.id
                    """, new { domains, id }, cancellationToken: http.RequestAborted))).ToList();
                var origin = await OriginAsync(connection, kind, id, changes, http.RequestAborted);
                return Results.Ok(new Lineage(kind, id, origin, changes));
            })
            .RequireAuthorization(Policies.PartyRead)
            .WithTags("governance")
            .WithName("GetLineage")
            .WithSummary("Where a record came from (user, public, reprint URL, terminal, system) and when, and every change with its actor from mc.event_log; " +
                "kind: story, incident, ticket, terminal, staff, supervision, evaluation, rectification, plan, drill, campaign, hot-event, application, media. " +
                "Answered to whoever may read the record.");
        return endpoints;
    }

    private static async Task<LineageOrigin?> OriginAsync(NpgsqlConnection connection, string kind, string id, List<LineageChange> changes, CancellationToken cancellationToken)
    {
        var first = changes.Count > 0 ? changes[0] : null;
        LineageOrigin ByFirst() => first is null ? new LineageOrigin("system", null, null, null)
            : new LineageOrigin(first.Actor is null ? "system" : "user", first.Actor, first.At, null);
        switch (kind)
        {
            case "story":
                // A reprint (一键转载, or a collected item taken through the reprint path) is filed with the reprint comment naming the
                // URL; people's text never carries message markers, so only the reprint path writes it. A draft also keeps the source.
                var comment = await connection.ExecuteScalarAsync<string?>(new CommandDefinition("""
                    SELECT coalesce(d.payload, e.payload) ->> 'comment' FROM mc.event_log e LEFT JOIN mc.event_log_display d ON d.id = e.id
                     WHERE e.entity_type = 'article' AND e.entity_id = @id ORDER BY e.version LIMIT 1
                    """, new { id }, cancellationToken: cancellationToken));
                if (comment is not null && comment.StartsWith(ReprintComment, StringComparison.Ordinal)
                    && comment.IndexOf(MessageEnd, ReprintComment.Length) is var end and > 0)
                {
                    return new LineageOrigin("reprint", first?.Actor, first?.At, comment[ReprintComment.Length..end]);
                }

                var reprint = await connection.QueryFirstOrDefaultAsync<ReprintRow>(new CommandDefinition("""
                    SELECT content -> 'source' ->> 'url' AS Url, saved_by_name AS By, saved_at AS At FROM mc.article_versions
                     WHERE article_id = @id AND content -> 'source' ->> 'url' IS NOT NULL ORDER BY version LIMIT 1
                    """, new { id }, cancellationToken: cancellationToken));
                return reprint is { } r ? new LineageOrigin("reprint", first?.Actor ?? r.By, first?.At ?? r.At, r.Url) : ByFirst();
            case "ticket":
                var ticket = await connection.QueryFirstOrDefaultAsync<TicketRow>(new CommandDefinition(
                    "SELECT source AS Source, created_at AS CreatedAt FROM mc.tickets WHERE id = @id", new { id }, cancellationToken: cancellationToken));
                return ticket is { Source: "Web" or "Api" } t ? new LineageOrigin("public", t.Source, t.CreatedAt, null)
                    : ticket is { } s ? new LineageOrigin("user", first?.Actor, s.CreatedAt, null) : ByFirst();
            case "media":
                var file = await connection.QueryFirstOrDefaultAsync<MediaRow>(new CommandDefinition("""
                    SELECT u.display_name AS By, m.uploaded_at AS At, m.source_url AS Url FROM mc.media m LEFT JOIN mc.users u ON u.id = m.uploaded_by
                     WHERE m.id = @id::uuid
                    """, new { id }, cancellationToken: cancellationToken));
                return file is null ? ByFirst() : new LineageOrigin(file.Url is null ? "user" : "reprint", file.By, file.At, file.Url);
            case "terminal":
                var issued = await connection.QueryFirstOrDefaultAsync<IssuedRow>(new CommandDefinition("""
                    SELECT u.display_name AS By, c.issued_at AS At FROM mc.terminal_credentials c LEFT JOIN mc.users u ON u.id = c.issued_by WHERE c.terminal_id = @id
                    """, new { id }, cancellationToken: cancellationToken));
                return issued is { } i ? new LineageOrigin(i.By is null ? "system" : "user", i.By, i.At, null) : ByFirst();
            default:
                return ByFirst();
        }
    }

    private sealed record ReprintRow(string Url, string? By, DateTimeOffset At);

    private sealed record TicketRow(string Source, DateTimeOffset CreatedAt);

    private sealed record IssuedRow(string? By, DateTimeOffset At);

    private sealed record MediaRow(string? By, DateTimeOffset At, string? Url);
}
