using System.Globalization;
using Dapper;
using MediaCenter.Grains.Indicators;
using MediaCenter.Grains.People;
using MediaCenter.Messages;
using MiniExcelLibs;
using MiniExcelLibs.Attributes;
using MiniExcelLibs.OpenXml;
using Npgsql;

namespace MediaCenter.Reports;

/// <summary>
/// Report packs (数据分析报表, F8.6) for a range of months and one party or all: one section per sheet — the measures of the
/// catalogue per party and month (newsroom throughput and timeliness, incidents with MTTA/MTTR, terminal alerts), the
/// indicators' figures against their targets, the rectifications, newsroom throughput per channel, incidents per source and
/// severity, the terminals' use per application, and every terminal's inspection schedule. Cells are typed (numbers, dates, percentages,
/// booleans), the header row is frozen, columns have widths. The same sections export as CSV one at a time.
/// </summary>
public sealed class ReportPack(NpgsqlDataSource db, IndicatorReadModel read, IGrainFactory grains)
{
    /// <summary>The sections, as sheet names.</summary>
    public const string Measures = "Measures";
    public const string Figures = "Indicators";
    public const string Trends = "Trends";
    public const string Rectifications = "Rectifications";
    public const string Terminals = "Terminals";
    public const string Channels = "Channels";
    public const string Incidents = "Incidents";
    public const string Inspections = "Inspections";
    public const string Staff = "Staff";
    public const string HotEvents = "HotEvents";
    public const string RootCauses = "RootCauses";

    /// <summary>At most this many months per pack.</summary>
    public const int MaxMonths = 24;

    /// <summary>The sections in sheet order.</summary>
    public static readonly IReadOnlyList<string> SectionNames =
        [Measures, Figures, Trends, Rectifications, Channels, Incidents, RootCauses, Terminals, Inspections, Staff, HotEvents];

    /// <summary>The step that follows the sections when a pack is made as a file.</summary>
    public const string FileStep = "File";

    /// <summary>Steps of making a pack as a file: each section read, then the file written.</summary>
    public static int FileSteps => SectionNames.Count + 1;

    /// <summary>The rows of each section, in sheet order; each section read is reported as a step of <paramref name="totalSteps"/>.</summary>
    public async Task<Dictionary<string, object>> SectionsAsync(string? partyId, DateOnly from, DateOnly to, CancellationToken cancellationToken,
        IProgress<ReportPackStep>? progress = null, int? totalSteps = null)
    {
        var sections = new Dictionary<string, object>();
        var total = totalSteps ?? SectionNames.Count;
        List<Dictionary<string, object?>>? figures = null;
        foreach (var name in SectionNames)
        {
            List<Dictionary<string, object?>> rows;
            if (name == Figures || name == Trends)
            {
                // The trend table is the figures again, month by month: read once for both.
                figures ??= await FigureRowsAsync(partyId, from, to, cancellationToken);
                rows = name == Figures ? figures : ReportCharts.TrendRows(figures);
            }
            else
            {
                rows = await SectionRowsAsync(name, partyId, from, to, cancellationToken);
            }

            sections[name] = Rows(rows, ColumnsOf[name]);
            progress?.Report(new ReportPackStep(name, sections.Count, total, rows.Count));
        }

        return sections;
    }

    /// <summary>One section's rows (its header alone when it has none), or null for a name that is no section.</summary>
    public async Task<List<Dictionary<string, object?>>?> SectionAsync(string name, string? partyId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var section = SectionNames.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
        return section is null ? null : Rows(await SectionRowsAsync(section, partyId, from, to, cancellationToken), ColumnsOf[section]);
    }

    private async Task<List<Dictionary<string, object?>>> SectionRowsAsync(string name, string? partyId, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        name switch
        {
            Measures => await MeasureRowsAsync(partyId, from, to, cancellationToken),
            Figures => await FigureRowsAsync(partyId, from, to, cancellationToken),
            Trends => ReportCharts.TrendRows(await FigureRowsAsync(partyId, from, to, cancellationToken)),
            Rectifications => await RectificationRowsAsync(partyId, from, cancellationToken),
            Channels => await ChannelRowsAsync(partyId, from, to, cancellationToken),
            Incidents => await IncidentRowsAsync(partyId, from, to, cancellationToken),
            RootCauses => await RootCauseRowsAsync(partyId, from, to, cancellationToken),
            Terminals => await TerminalRowsAsync(partyId, from, to, cancellationToken),
            Inspections => await InspectionRowsAsync(partyId, cancellationToken),
            Staff => await StaffRowsAsync(partyId, from, to, cancellationToken),
            HotEvents => await HotEventRowsAsync(partyId, from, to, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a section of the report pack"),
        };

    /// <summary>Each section's columns, in order: the header an empty section still has.</summary>
    private static readonly Dictionary<string, string[]> ColumnsOf = new()
    {
        [Measures] = ["Month", "Party", .. IndicatorMeasures.All.Select(m => m.Name)],
        [Figures] = ["Month", "Indicator", "IndicatorId", "Party", "Application", "Value", "Comparison", "Target", "Met", "Closed", "Reminded"],
        [Trends] = ["Month"],
        [Rectifications] = ["Id", "Party", "Source", "Title", "State", "NextDue", "OpenedAt", "UpdatedAt"],
        [Channels] = ["Month", "Party", "Channel", "Application", "Published", "AssignmentsSubmitted", "AssignmentsOnTime", "OnTimeRate", "ReviewsDone", "ReviewMedianHours"],
        [Incidents] = ["Month", "Party", "Source", "Severity", "Reported", "Acknowledged", "Resolved", "MttaMinutes", "MttrMinutes", "WithRootCause"],
        [RootCauses] = ["Month", "Party", "Category", "Incidents", "MttrMinutes", "Sources"],
        [Terminals] = ["Month", "Party", "Application", "ActiveTerminals", "Heartbeats", "Sessions", "Interactions", "ScreenOnHours"],
        [Inspections] = ["Party", "Application", "Terminal", "Name", "Region", "Health", "LastInspection", "LastPassed", "InspectionDue", "Overdue"],
        [Staff] =
        [
            "Organisation", "Party", "Total", "Managers", "StaffPosts", "ServicePosts", "Certified", "CertifiedShare", "MeetsRatio", "BelowHalfFrom",
            "ExpiringCertificates", "EntryBreaches", "SessionsClosed", "Attended", "Passed", "ObligationsOpen", "ObligationsOverdue",
        ],
        [HotEvents] =
        [
            "Id", "Party", "Title", "Status", "StartsAt", "EndsAt", "DeclaredMultiple", "Channels", "QaRequests", "QaAnswered", "AnsweredShare",
            "FeedRequests", "PeakPerMinute", "PeakMinute",
        ],
    };

    /// <summary>Every measure of the catalogue per party and month, computed by the month grain (nothing stored).</summary>
    private async Task<List<Dictionary<string, object?>>> MeasureRowsAsync(string? partyId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var parties = partyId is not null ? [partyId] : await PartiesAsync(cancellationToken);
        var months = new List<DateOnly>();
        for (var month = from; month <= to && months.Count < MaxMonths; month = month.AddMonths(1))
        {
            months.Add(month);
        }

        var grain = grains.GetGrain<IIndicatorMonthGrain>(IIndicatorMonthGrain.DefaultKey);
        var measureRows = new List<Dictionary<string, object?>>();
        foreach (var party in parties)
        {
            foreach (var month in months)
            {
                var values = await grain.MeasureAsync(party, month);
                var row = new Dictionary<string, object?> { ["Month"] = month.ToDateTime(TimeOnly.MinValue), ["Party"] = party };
                foreach (var measure in IndicatorMeasures.All)
                {
                    var value = values.GetValueOrDefault(measure.Name);
                    // The on-time rate is a true percentage cell: the fraction, shown as a percent.
                    row[measure.Name] = measure.Unit == "%" && value is { } v ? v / 100 : value;
                }

                measureRows.Add(row);
            }
        }

        return measureRows;
    }

    /// <summary>The kept figures of the indicators, with the indicator's name.</summary>
    private async Task<List<Dictionary<string, object?>>> FigureRowsAsync(string? partyId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var indicators = (await read.IndicatorsAsync(null, cancellationToken)).ToDictionary(i => i.Id, i => i);
        return (await read.FiguresAsync(null, partyId, from, to, cancellationToken))
            .Select(f => new Dictionary<string, object?>
            {
                ["Month"] = f.Month.ToDateTime(TimeOnly.MinValue),
                ["Indicator"] = indicators.TryGetValue(f.IndicatorId, out var i) ? i.Name : f.IndicatorId,
                ["IndicatorId"] = f.IndicatorId,
                ["Party"] = f.PartyId,
                ["Application"] = f.Application,
                ["Value"] = f.Value,
                ["Comparison"] = f.Comparison == nameof(IndicatorComparison.AtLeast) ? ">=" : "<=",
                ["Target"] = f.Target,
                ["Met"] = f.Met,
                ["Closed"] = f.Closed,
                ["Reminded"] = f.Reminded,
            }).ToList();
    }

    /// <summary>Rectifications that moved since the range began (a shortfall's rectification is opened after its month has closed).</summary>
    private async Task<List<Dictionary<string, object?>>> RectificationRowsAsync(string? partyId, DateOnly from, CancellationToken cancellationToken)
    {
        var first = from.ToDateTime(TimeOnly.MinValue);
        return (await read.RectificationsAsync(partyId, null, cancellationToken))
            .Where(r => r.UpdatedAt.UtcDateTime >= first)
            .Select(r => new Dictionary<string, object?>
            {
                ["Id"] = r.Id,
                ["Party"] = r.PartyId,
                ["Source"] = r.SourceKind,
                ["Title"] = r.Title,
                ["State"] = r.State,
                ["NextDue"] = r.NextDue?.ToDateTime(TimeOnly.MinValue),
                ["OpenedAt"] = r.OpenedAt.UtcDateTime,
                ["UpdatedAt"] = r.UpdatedAt.UtcDateTime,
            }).ToList();
    }

    /// <summary>Writes the pack as XLSX, its text in the request's language, with a line chart per indicator and scope on the Trends sheet.</summary>
    /// <remarks>
    /// The charts are drawn into the written workbook, so the target must be an empty stream that can be read and sought (a file,
    /// or memory); anything else is written through a buffer in memory.
    /// </remarks>
    public static async Task WriteXlsxAsync(Stream stream, Dictionary<string, object> sections, CancellationToken cancellationToken)
    {
        if (!stream.CanSeek || !stream.CanRead || stream.Length != 0)
        {
            using var buffer = new MemoryStream();
            await WriteXlsxAsync(buffer, sections, cancellationToken);
            buffer.Position = 0;
            await buffer.CopyToAsync(stream, cancellationToken);
            return;
        }

        await stream.SaveAsAsync(sections.ToDictionary(s => s.Key, s => Rendered(s.Value)), printHeader: true, excelType: ExcelType.XLSX, configuration: Layout(),
            cancellationToken: cancellationToken);
        if (sections.TryGetValue(Trends, out var trends) && trends is List<Dictionary<string, object?>> { Count: > 0 } rows && rows[0].Count > 1)
        {
            // After Month, each series has its value column, then its target column.
            ReportCharts.Draw(stream, Trends, rows.Count, [.. rows[0].Keys.Skip(1).Where((_, i) => i % 2 == 0)]);
        }
    }

    /// <summary>Writes one section as CSV, its text in the request's language.</summary>
    public static Task WriteCsvAsync(Stream stream, object rows, CancellationToken cancellationToken) =>
        stream.SaveAsAsync(Rendered(rows), printHeader: true, excelType: ExcelType.CSV, cancellationToken: cancellationToken);

    /// <summary>A file leaves the system as it is: any message among its cells (a title the platform wrote) is rendered now.</summary>
    private static object Rendered(object rows) => rows is List<Dictionary<string, object?>> list
        ? list.Select(row => row.ToDictionary(c => c.Key, c => c.Value is string text ? MessageCatalog.Render(text) : c.Value)).ToList()
        : rows;

    private static OpenXmlConfiguration Layout() => new()
    {
        FreezeRowCount = 1,
        AutoFilter = true,
        TableStyles = TableStyles.None,
        DynamicColumns =
        [
            new DynamicExcelColumn("Month") { Format = "yyyy-mm", Width = 10 },
            new DynamicExcelColumn("Party") { Width = 16 },
            new DynamicExcelColumn("Indicator") { Width = 24 },
            new DynamicExcelColumn("IndicatorId") { Width = 26 },
            new DynamicExcelColumn("Title") { Width = 32 },
            new DynamicExcelColumn("Id") { Width = 36 },
            new DynamicExcelColumn("NextDue") { Format = "yyyy-mm-dd", Width = 12 },
            new DynamicExcelColumn("OpenedAt") { Format = "yyyy-mm-dd hh:mm", Width = 18 },
            new DynamicExcelColumn("UpdatedAt") { Format = "yyyy-mm-dd hh:mm", Width = 18 },
            new DynamicExcelColumn("Value") { Format = "0.00", Width = 12 },
            new DynamicExcelColumn("Target") { Format = "0.00", Width = 12 },
            new DynamicExcelColumn("ScreenOnHours") { Format = "0.00", Width = 14 },
            new DynamicExcelColumn("OnTimeRate") { Format = "0.00%", Width = 12 },
            new DynamicExcelColumn("ReviewMedianHours") { Format = "0.00", Width = 14 },
            new DynamicExcelColumn("MttaMinutes") { Format = "0.0", Width = 12 },
            new DynamicExcelColumn("MttrMinutes") { Format = "0.0", Width = 12 },
            new DynamicExcelColumn(IndicatorMeasures.AssignmentOnTimeRate) { Format = "0.00%", Width = 14 },
            new DynamicExcelColumn(IndicatorMeasures.ReviewTurnaroundMedianHours) { Format = "0.00", Width = 14 },
            new DynamicExcelColumn(IndicatorMeasures.IncidentMttaMinutes) { Format = "0.0", Width = 14 },
            new DynamicExcelColumn(IndicatorMeasures.IncidentMttrMinutes) { Format = "0.0", Width = 14 },
            new DynamicExcelColumn(IndicatorMeasures.TerminalAvailability) { Format = "0.00%", Width = 14 },
            new DynamicExcelColumn("Terminal") { Width = 24 },
            new DynamicExcelColumn("Organisation") { Width = 20 },
            new DynamicExcelColumn("StartsAt") { Format = "yyyy-mm-dd hh:mm", Width = 18 },
            new DynamicExcelColumn("EndsAt") { Format = "yyyy-mm-dd hh:mm", Width = 18 },
            new DynamicExcelColumn("PeakMinute") { Format = "yyyy-mm-dd hh:mm", Width = 18 },
            new DynamicExcelColumn("AnsweredShare") { Format = "0.00%", Width = 14 },
            new DynamicExcelColumn("CertifiedShare") { Format = "0.00%", Width = 14 },
            new DynamicExcelColumn("BelowHalfFrom") { Format = "yyyy-mm-dd", Width = 14 },
            new DynamicExcelColumn("Name") { Width = 24 },
            new DynamicExcelColumn("LastInspection") { Format = "yyyy-mm-dd", Width = 14 },
            new DynamicExcelColumn("InspectionDue") { Format = "yyyy-mm-dd", Width = 14 },
        ],
    };

    /// <summary>Rows with every column present in a fixed order (an empty section still has its header).</summary>
    private static List<Dictionary<string, object?>> Rows(List<Dictionary<string, object?>> rows, string[] columns) =>
        rows.Count > 0 ? rows : [columns.ToDictionary(c => c, _ => (object?)null)];

    /// <summary>
    /// Newsroom throughput and timeliness per channel and month (the measures of the catalogue, by channel): stories published,
    /// assignments submitted and on time, reviews and their median turnaround, from mc.event_log.
    /// </summary>
    private async Task<List<Dictionary<string, object?>>> ChannelRowsAsync(string? partyId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var (start, end) = (IndicatorMonths.Window(from).From, IndicatorMonths.Window(to).To);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ChannelMonth>(new CommandDefinition("""
            WITH a AS (
                SELECT date_trunc('month', e.occurred_at AT TIME ZONE 'Asia/Shanghai')::date AS month, c.access_party_id AS party_id, c.code AS channel,
                       c.application_code AS application, e.entity_id, e.event_type, e.occurred_at, e.payload
                  FROM mc.event_log e JOIN mc.channels c ON c.code = e.payload ->> 'channel'
                 WHERE e.entity_type = 'article' AND e.occurred_at >= @start AND e.occurred_at < @end AND (@party::text IS NULL OR c.access_party_id = @party))
            SELECT month, party_id, channel, application,
                   count(DISTINCT entity_id) FILTER (WHERE event_type = 'Publish') AS published,
                   count(*) FILTER (WHERE event_type = 'Submit' AND payload ->> 'dueAt' IS NOT NULL) AS submitted,
                   count(*) FILTER (WHERE event_type = 'Submit' AND (payload ->> 'dueAt')::timestamptz >= occurred_at) AS on_time,
                   count(*) FILTER (WHERE event_type IN ('Approve', 'Reject')) AS reviews,
                   (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM occurred_at - (payload ->> 'reviewRequestedAt')::timestamptz) / 3600.0)
                      FILTER (WHERE event_type IN ('Approve', 'Reject') AND payload ->> 'reviewRequestedAt' IS NOT NULL))::float8 AS review_median_hours
              FROM a GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3
            """, new { party = partyId, start = start.ToUniversalTime(), end = end.ToUniversalTime() }, cancellationToken: cancellationToken));
        return rows.Select(r => new Dictionary<string, object?>
        {
            ["Month"] = r.Month.ToDateTime(TimeOnly.MinValue),
            ["Party"] = r.PartyId,
            ["Channel"] = r.Channel,
            ["Application"] = r.Application,
            ["Published"] = r.Published,
            ["AssignmentsSubmitted"] = r.Submitted,
            ["AssignmentsOnTime"] = r.OnTime,
            // A true percentage cell: the fraction, shown as a percent.
            ["OnTimeRate"] = r.Submitted > 0 ? (double)r.OnTime / r.Submitted : null,
            ["ReviewsDone"] = r.Reviews,
            ["ReviewMedianHours"] = r.ReviewMedianHours,
        }).ToList();
    }

    /// <summary>
    /// Incidents reported in each month per party, source and severity: how many, how many acknowledged and resolved, the mean
    /// minutes to acknowledge and to resolve, and how many have a root cause recorded (from the incidents' read table).
    /// </summary>
    private async Task<List<Dictionary<string, object?>>> IncidentRowsAsync(string? partyId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var (start, end) = (IndicatorMonths.Window(from).From, IndicatorMonths.Window(to).To);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<IncidentMonth>(new CommandDefinition("""
            SELECT date_trunc('month', reported_at AT TIME ZONE 'Asia/Shanghai')::date AS month, coalesce(party_id, '') AS party_id, source, severity,
                   count(*) AS reported, count(acknowledged_at) AS acknowledged, count(resolved_at) AS resolved,
                   avg(extract(epoch FROM acknowledged_at - reported_at) / 60.0)::float8 AS mtta_minutes,
                   avg(extract(epoch FROM resolved_at - reported_at) / 60.0)::float8 AS mttr_minutes,
                   count(*) FILTER (WHERE snapshot -> 'rootCause' IS NOT NULL AND jsonb_typeof(snapshot -> 'rootCause') = 'object') AS with_root_cause
              FROM mc.incidents
             WHERE reported_at >= @start AND reported_at < @end AND (@party::text IS NULL OR party_id = @party)
             GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
            """, new { party = partyId, start = start.ToUniversalTime(), end = end.ToUniversalTime() }, cancellationToken: cancellationToken));
        return rows.Select(r => new Dictionary<string, object?>
        {
            ["Month"] = r.Month.ToDateTime(TimeOnly.MinValue),
            ["Party"] = r.PartyId,
            ["Source"] = r.Source,
            ["Severity"] = r.Severity,
            ["Reported"] = r.Reported,
            ["Acknowledged"] = r.Acknowledged,
            ["Resolved"] = r.Resolved,
            ["MttaMinutes"] = r.MttaMinutes,
            ["MttrMinutes"] = r.MttrMinutes,
            ["WithRootCause"] = r.WithRootCause,
        }).ToList();
    }

    /// <summary>
    /// Incidents reported in each month per party by the category of their recorded root cause (RootCauseCategory; causes recorded
    /// before categories existed count as Unrecorded, and so do incidents without a root cause yet), with the mean minutes to resolve
    /// and the sources they came from.
    /// </summary>
    private async Task<List<Dictionary<string, object?>>> RootCauseRowsAsync(string? partyId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var (start, end) = (IndicatorMonths.Window(from).From, IndicatorMonths.Window(to).To);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<RootCauseMonth>(new CommandDefinition("""
            SELECT date_trunc('month', reported_at AT TIME ZONE 'Asia/Shanghai')::date AS month, coalesce(party_id, '') AS party_id,
                   coalesce(snapshot -> 'rootCause' ->> 'category', 'Unrecorded') AS category, count(*) AS incidents,
                   avg(extract(epoch FROM resolved_at - reported_at) / 60.0)::float8 AS mttr_minutes,
                   string_agg(DISTINCT source, ', ') AS sources
              FROM mc.incidents
             WHERE reported_at >= @start AND reported_at < @end AND (@party::text IS NULL OR party_id = @party)
             GROUP BY 1, 2, 3 ORDER BY 1, 2, 4 DESC, 3
            """, new { party = partyId, start = start.ToUniversalTime(), end = end.ToUniversalTime() }, cancellationToken: cancellationToken));
        return rows.Select(r => new Dictionary<string, object?>
        {
            ["Month"] = r.Month.ToDateTime(TimeOnly.MinValue),
            ["Party"] = r.PartyId,
            ["Category"] = r.Category,
            ["Incidents"] = r.Incidents,
            ["MttrMinutes"] = r.MttrMinutes,
            ["Sources"] = r.Sources ?? "",
        }).ToList();
    }

    private sealed class RootCauseMonth
    {
        public DateOnly Month { get; init; }
        public string PartyId { get; init; } = "";
        public string Category { get; init; } = "";
        public long Incidents { get; init; }
        public double? MttrMinutes { get; init; }
        public string? Sources { get; init; }
    }

    private sealed class ChannelMonth
    {
        public DateOnly Month { get; init; }
        public string PartyId { get; init; } = "";
        public string Channel { get; init; } = "";
        public string Application { get; init; } = "";
        public long Published { get; init; }
        public long Submitted { get; init; }
        public long OnTime { get; init; }
        public long Reviews { get; init; }
        public double? ReviewMedianHours { get; init; }
    }

    private sealed class IncidentMonth
    {
        public DateOnly Month { get; init; }
        public string PartyId { get; init; } = "";
        public string Source { get; init; } = "";
        public string Severity { get; init; } = "";
        public long Reported { get; init; }
        public long Acknowledged { get; init; }
        public long Resolved { get; init; }
        public double? MttaMinutes { get; init; }
        public double? MttrMinutes { get; init; }
        public long WithRootCause { get; init; }
    }

    /// <summary>
    /// The terminals' use per party, application and month from the daily activity the terminal grains keep (mc.terminal_activity):
    /// how many terminals reported at all, with their heartbeats, sessions, interactions and screen-on hours. A terminal counts in the
    /// application it belongs to now.
    /// </summary>
    private async Task<List<Dictionary<string, object?>>> TerminalRowsAsync(string? partyId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<TerminalMonth>(new CommandDefinition("""
            SELECT date_trunc('month', a.day)::date AS month, a.party_id, coalesce(t.application_code, 'default') AS application,
                   count(DISTINCT a.terminal_id) AS active_terminals, sum(a.heartbeats) AS heartbeats, sum(a.sessions) AS sessions,
                   sum(a.interactions) AS interactions, sum(a.screen_on_seconds) / 3600.0 AS screen_on_hours
              FROM mc.terminal_activity a LEFT JOIN mc.terminals t ON t.id = a.terminal_id
             WHERE (@party::text IS NULL OR a.party_id = @party) AND a.day >= @from AND a.day < @until
             GROUP BY 1, 2, 3
             ORDER BY 1, 2, 3
            """, new { party = partyId, from, until = to.AddMonths(1) }, cancellationToken: cancellationToken));
        return rows.Select(r => new Dictionary<string, object?>
        {
            ["Month"] = r.Month.ToDateTime(TimeOnly.MinValue),
            ["Party"] = r.PartyId,
            ["Application"] = r.Application,
            ["ActiveTerminals"] = r.ActiveTerminals,
            ["Heartbeats"] = r.Heartbeats,
            ["Sessions"] = r.Sessions,
            ["Interactions"] = r.Interactions,
            ["ScreenOnHours"] = Math.Round(r.ScreenOnHours, 2),
        }).ToList();
    }

    private sealed class TerminalMonth
    {
        public DateOnly Month { get; init; }
        public string PartyId { get; init; } = "";
        public string Application { get; init; } = "";
        public long ActiveTerminals { get; init; }
        public long Heartbeats { get; init; }
        public long Sessions { get; init; }
        public long Interactions { get; init; }
        public double ScreenOnHours { get; init; }
    }

    /// <summary>
    /// Every terminal of the party (or all) with its inspection schedule as it stands when the pack is made (巡检, every six months):
    /// the last inspection and whether it passed, when the next is due and whether that has passed. The month's inspections and
    /// the share made on time are measures (Measures sheet).
    /// </summary>
    private async Task<List<Dictionary<string, object?>>> InspectionRowsAsync(string? partyId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<InspectionStatus>(new CommandDefinition("""
            SELECT t.party_id, coalesce(t.application_code, 'default') AS application, t.id AS terminal, t.name, t.region, t.health,
                   t.last_inspection_at AS last_inspection, t.inspection_due,
                   (SELECT (e.payload ->> 'passed')::boolean FROM mc.event_log e
                     WHERE e.entity_type = 'inspection' AND e.entity_id = t.id ORDER BY e.version DESC LIMIT 1) AS last_passed,
                   (t.inspection_due IS NOT NULL AND t.inspection_due < now()) AS overdue
              FROM mc.terminals t
             WHERE (@party::text IS NULL OR t.party_id = @party)
             ORDER BY t.party_id, t.inspection_due NULLS LAST, t.id
            """, new { party = partyId }, cancellationToken: cancellationToken));
        return rows.Select(r => new Dictionary<string, object?>
        {
            ["Party"] = r.PartyId,
            ["Application"] = r.Application,
            ["Terminal"] = r.Terminal,
            ["Name"] = r.Name,
            ["Region"] = r.Region,
            ["Health"] = r.Health,
            ["LastInspection"] = r.LastInspection?.UtcDateTime,
            ["LastPassed"] = r.LastPassed,
            ["InspectionDue"] = r.InspectionDue?.UtcDateTime,
            ["Overdue"] = r.Overdue,
        }).ToList();
    }

    private sealed class InspectionStatus
    {
        public string PartyId { get; init; } = "";
        public string Application { get; init; } = "";
        public string Terminal { get; init; } = "";
        public string Name { get; init; } = "";
        public string Region { get; init; } = "";
        public string Health { get; init; } = "";
        public DateTimeOffset? LastInspection { get; init; }
        public bool? LastPassed { get; init; }
        public DateTimeOffset? InspectionDue { get; init; }
        public bool Overdue { get; init; }
    }

    /// <summary>
    /// Staff and training per organisation (the operator's and each party's; a party's pack: its own): the active staff by post, the
    /// certified share (持证上岗 ≥ 50 %) as the roster checks it today with the first day within its window it would fall below half,
    /// certificates expiring within the window and entry conditions broken; the training sessions closed within the range with their
    /// attendance and passes; re-training obligations open now and overdue.
    /// </summary>
    private async Task<List<Dictionary<string, object?>>> StaffRowsAsync(string? partyId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var organisation = partyId is null ? null : Organisation.Party(partyId).Key;
        var rows = (await connection.QueryAsync<StaffCounts>(new CommandDefinition("""
            WITH orgs AS (
                SELECT organisation FROM mc.staff UNION SELECT organisation FROM mc.training_sessions UNION SELECT organisation FROM mc.training_obligations),
            s AS (
                SELECT organisation, count(*) FILTER (WHERE post = 'Manager') AS managers, count(*) FILTER (WHERE post = 'Staff') AS staff_posts,
                       count(*) FILTER (WHERE post = 'ServicePost') AS service_posts
                  FROM mc.staff WHERE state = 'Active' GROUP BY organisation),
            t AS (
                SELECT ts.organisation, count(DISTINCT ts.id) AS sessions_closed,
                       count(a.value) FILTER (WHERE (a.value ->> 'attended')::boolean) AS attended,
                       count(a.value) FILTER (WHERE (a.value ->> 'passed')::boolean) AS passed
                  FROM mc.training_sessions ts LEFT JOIN LATERAL jsonb_array_elements(ts.attendees) a ON true
                 WHERE ts.state = 'Closed' AND ts.closed_on >= @from AND ts.closed_on < @until
                 GROUP BY ts.organisation),
            o AS (
                SELECT organisation, count(*) AS open, count(*) FILTER (WHERE due < current_date) AS overdue
                  FROM mc.training_obligations WHERE state = 'Open' GROUP BY organisation)
            SELECT orgs.organisation, coalesce(s.managers, 0) AS managers, coalesce(s.staff_posts, 0) AS staff_posts,
                   coalesce(s.service_posts, 0) AS service_posts, coalesce(t.sessions_closed, 0) AS sessions_closed,
                   coalesce(t.attended, 0) AS attended, coalesce(t.passed, 0) AS passed, coalesce(o.open, 0) AS obligations_open,
                   coalesce(o.overdue, 0) AS obligations_overdue
              FROM orgs LEFT JOIN s USING (organisation) LEFT JOIN t USING (organisation) LEFT JOIN o USING (organisation)
             WHERE @organisation::text IS NULL OR orgs.organisation = @organisation
             ORDER BY orgs.organisation
            """, new { organisation, from, until = to.AddMonths(1) }, cancellationToken: cancellationToken))).ToList();
        if (organisation is not null && rows.Count == 0)
        {
            rows.Add(new StaffCounts { Organisation = organisation });
        }

        var result = new List<Dictionary<string, object?>>();
        foreach (var r in rows)
        {
            // The roster grain holds the certificates: its reading of the ratio is the one the people page and the alerts use.
            var summary = await grains.GetGrain<IStaffRosterGrain>(r.Organisation).GetSummaryAsync();
            result.Add(new Dictionary<string, object?>
            {
                ["Organisation"] = r.Organisation,
                ["Party"] = Organisation.Parse(r.Organisation)?.PartyId ?? "",
                ["Total"] = summary.Total,
                ["Managers"] = r.Managers,
                ["StaffPosts"] = r.StaffPosts,
                ["ServicePosts"] = r.ServicePosts,
                ["Certified"] = summary.Certified,
                ["CertifiedShare"] = summary.Total > 0 ? (double)summary.Certified / summary.Total : null,
                ["MeetsRatio"] = summary.MeetsRatio,
                ["BelowHalfFrom"] = summary.BelowFrom?.ToDateTime(TimeOnly.MinValue),
                ["ExpiringCertificates"] = summary.Expiring.Count,
                ["EntryBreaches"] = summary.Breaches.Count,
                ["SessionsClosed"] = r.SessionsClosed,
                ["Attended"] = r.Attended,
                ["Passed"] = r.Passed,
                ["ObligationsOpen"] = r.ObligationsOpen,
                ["ObligationsOverdue"] = r.ObligationsOverdue,
            });
        }

        return result;
    }

    private sealed class StaffCounts
    {
        public string Organisation { get; init; } = "";
        public long Managers { get; init; }
        public long StaffPosts { get; init; }
        public long ServicePosts { get; init; }
        public long SessionsClosed { get; init; }
        public long Attended { get; init; }
        public long Passed { get; init; }
        public long ObligationsOpen { get; init; }
        public long ObligationsOverdue { get; init; }
    }

    /// <summary>
    /// Hot events (热点事件) whose window meets the range, with their traffic as the web instances counted it and kept per minute: the
    /// public Q&amp;A asked (refused requests included: the demand) and answered, the feeds of their channels while active, and the
    /// busiest minute (all instances and kinds summed).
    /// </summary>
    private async Task<List<Dictionary<string, object?>>> HotEventRowsAsync(string? partyId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var (start, end) = (IndicatorMonths.Window(from).From, IndicatorMonths.Window(to).To);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<HotEventTraffic>(new CommandDefinition("""
            WITH h AS (
                SELECT * FROM mc.hot_events WHERE starts_at < @end AND ends_at >= @start AND (@party::text IS NULL OR party_id = @party)),
            t AS (
                SELECT event_id, kind, minute, sum(requests) AS requests FROM mc.hot_event_traffic
                 WHERE event_id IN (SELECT id FROM h) GROUP BY event_id, kind, minute),
            peaks AS (
                SELECT DISTINCT ON (event_id) event_id, minute, requests
                  FROM (SELECT event_id, minute, sum(requests) FILTER (WHERE kind <> 'qaServed') AS requests FROM t GROUP BY event_id, minute) m
                 ORDER BY event_id, requests DESC NULLS LAST, minute)
            SELECT h.id, h.party_id, h.title, h.status, h.starts_at, h.ends_at, (h.card ->> 'trafficMultiple')::float8 AS declared_multiple,
                   (SELECT string_agg(ch, ', ') FROM jsonb_array_elements_text(h.card -> 'channels') ch) AS channels,
                   coalesce((SELECT sum(requests) FROM t WHERE t.event_id = h.id AND kind = 'qa'), 0) AS qa_requests,
                   coalesce((SELECT sum(requests) FROM t WHERE t.event_id = h.id AND kind = 'qaServed'), 0) AS qa_answered,
                   coalesce((SELECT sum(requests) FROM t WHERE t.event_id = h.id AND kind = 'feed'), 0) AS feed_requests,
                   p.requests AS peak_per_minute, p.minute AS peak_minute
              FROM h LEFT JOIN peaks p ON p.event_id = h.id
             ORDER BY h.starts_at, h.id
            """, new { party = partyId, start = start.ToUniversalTime(), end = end.ToUniversalTime() }, cancellationToken: cancellationToken));
        return rows.Select(r => new Dictionary<string, object?>
        {
            ["Id"] = r.Id,
            ["Party"] = r.PartyId,
            ["Title"] = r.Title,
            ["Status"] = r.Status,
            ["StartsAt"] = r.StartsAt.UtcDateTime,
            ["EndsAt"] = r.EndsAt.UtcDateTime,
            ["DeclaredMultiple"] = r.DeclaredMultiple,
            ["Channels"] = r.Channels ?? "",
            ["QaRequests"] = r.QaRequests,
            ["QaAnswered"] = r.QaAnswered,
            ["AnsweredShare"] = r.QaRequests > 0 ? (double)r.QaAnswered / r.QaRequests : null,
            ["FeedRequests"] = r.FeedRequests,
            ["PeakPerMinute"] = r.PeakPerMinute,
            ["PeakMinute"] = r.PeakMinute?.UtcDateTime,
        }).ToList();
    }

    private sealed class HotEventTraffic
    {
        public string Id { get; init; } = "";
        public string PartyId { get; init; } = "";
        public string Title { get; init; } = "";
        public string Status { get; init; } = "";
        public DateTimeOffset StartsAt { get; init; }
        public DateTimeOffset EndsAt { get; init; }
        public double? DeclaredMultiple { get; init; }
        public string? Channels { get; init; }
        public long QaRequests { get; init; }
        public long QaAnswered { get; init; }
        public long FeedRequests { get; init; }
        public long? PeakPerMinute { get; init; }
        public DateTimeOffset? PeakMinute { get; init; }
    }

    /// <summary>Every access party, by id.</summary>
    public async Task<IReadOnlyList<string>> PartiesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<string>(new CommandDefinition("SELECT id FROM mc.access_parties ORDER BY id", cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>A month from yyyy-MM.</summary>
    public static bool TryMonth(string? text, out DateOnly month) =>
        DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out month);
}
