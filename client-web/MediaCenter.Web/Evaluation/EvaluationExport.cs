using System.Globalization;
using MediaCenter.Grains.Evaluation;
using MediaCenter.Grains.Rectification;

namespace MediaCenter.Web.Evaluation;

/// <summary>
/// One evaluation as a workbook (F12.1): a summary (center, year, state, total, result, bands, conclusion, reward and practice),
/// the criteria with their weights and each party's score and the combined one, the evidence, and the findings with their
/// rectification and its state. Sheet names, headers and fixed values are messages, rendered in the caller's language when the
/// workbook is written (<see cref="Reports.ReportPack.WriteXlsxAsync"/>).
/// </summary>
internal static class EvaluationExport
{
    /// <summary>The sheets, in order, keyed by their rendered names.</summary>
    public static Dictionary<string, object> Sections(EvaluationView e, IReadOnlyDictionary<string, RectificationState?> rectifications)
    {
        static string M(string key) => MessageCatalog.Render(Msg.Of("evaluation.export." + key), MessageCatalog.CurrentLanguage);
        static string Day(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

        var total = e.Total ?? EvaluationScoring.Total(e);
        var summary = new List<Dictionary<string, object?>>();
        void Line(string key, object? value) => summary.Add(new() { [M("item")] = M(key), [M("value")] = value });
        Line("center", e.PartyId);
        Line("year", e.Year);
        Line("title", e.Title);
        Line("state", M("state." + e.State));
        Line("total", total);
        Line("grade", e.Result is { } g ? M("grade." + g) : null);
        Line("bands", string.Create(CultureInfo.InvariantCulture, $"{e.Bands.Excellent} / {e.Bands.Good} / {e.Bands.Pass}"));
        Line("summary", e.Summary);
        Line("reward", e.Reward);
        Line("practice", e.Practice);

        var parties = Enum.GetValues<EvaluationParty>();
        var criteria = e.Criteria.Select(c =>
        {
            var row = new Dictionary<string, object?> { [M("code")] = c.Code, [M("name")] = c.Name, [M("weight")] = c.Weight };
            foreach (var party in parties)
            {
                row[M("party." + party)] = e.Scores.FirstOrDefault(s => s.Party == party && s.Criterion == c.Code)?.Score;
            }

            row[M("combined")] = EvaluationScoring.CriterionScore(e, c.Code);
            return row;
        }).ToList();

        var evidence = e.Evidence.Select(x => new Dictionary<string, object?>
        {
            [M("number")] = x.Number,
            [M("kind")] = M("kind." + x.Kind),
            [M("reference")] = x.Reference,
            [M("note")] = x.Note,
            [M("by")] = x.By,
            [M("at")] = Day(x.At),
        }).ToList();

        var findings = e.Findings.Select(f => new Dictionary<string, object?>
        {
            [M("number")] = f.Number,
            [M("finding")] = f.Text,
            [M("criterion")] = f.Criterion,
            [M("responsible")] = f.Responsible,
            [M("rectification")] = f.RectificationId,
            [M("rectificationState")] = f.RectificationId is { } r && rectifications.GetValueOrDefault(r) is { } state ? M("rect." + state) : null,
        }).ToList();

        return new Dictionary<string, object>
        {
            [M("sheet.summary")] = summary,
            [M("sheet.criteria")] = WithHeaders(criteria, [M("code"), M("name"), M("weight"), .. parties.Select(p => M("party." + p)), M("combined")]),
            [M("sheet.evidence")] = WithHeaders(evidence, [M("number"), M("kind"), M("reference"), M("note"), M("by"), M("at")]),
            [M("sheet.findings")] = WithHeaders(findings, [M("number"), M("finding"), M("criterion"), M("responsible"), M("rectification"), M("rectificationState")]),
        };
    }

    /// <summary>An empty sheet still shows its headers (one empty row).</summary>
    private static List<Dictionary<string, object?>> WithHeaders(List<Dictionary<string, object?>> rows, string[] headers) =>
        rows.Count > 0 ? rows : [headers.ToDictionary(h => h, _ => (object?)null)];
}
