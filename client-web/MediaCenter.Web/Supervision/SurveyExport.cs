using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using MediaCenter.Database.Data;
using MediaCenter.Grains.Supervision;
using MediaCenter.Identity;
using Npgsql;

namespace MediaCenter.Web.Supervision;

/// <summary>
/// A survey's answers as rows for a spreadsheet (F11.2): one row per answer, in the order they came, with the time (Asia/Shanghai)
/// and one column per question headed by its number and text; choices by their option text, ratings as numbers. Read-only, from
/// <c>mc.survey_answers</c>. Column headers are messages rendered in the caller's language on the way out. Phone numbers and
/// e-mail addresses in text answers are masked unless the caller may see personal data in full (platform administrators).
/// </summary>
public sealed partial class SurveyExport(NpgsqlDataSource db)
{
    private sealed record AnswerRow(string AnswerId, DateTime AnsweredAt, string Items);

    /// <summary>The rows of the export, keyed by their (rendered) column headers in order.</summary>
    public async Task<List<Dictionary<string, object?>>> RowsAsync(SurveyView survey, bool fullPersonalData, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var answers = await connection.QueryAsync<AnswerRow>(new CommandDefinition("""
            SELECT answer_id, answered_at, items::text AS items FROM mc.survey_answers WHERE survey_id = @id ORDER BY answered_at, answer_id
            """, new { id = survey.Id }, cancellationToken: cancellationToken));
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Grains.Indicators.IndicatorMonths.TimeZone);
        var number = MessageCatalog.Render(Msg.Of("supervision.export.number"), MessageCatalog.CurrentLanguage);
        var at = MessageCatalog.Render(Msg.Of("supervision.export.answeredAt"), MessageCatalog.CurrentLanguage);
        var heads = survey.Questions.ToDictionary(q => q.Number, q => string.Create(CultureInfo.InvariantCulture, $"{q.Number}. {q.Text}"));
        var rows = new List<Dictionary<string, object?>>();
        foreach (var answer in answers)
        {
            var items = PersistedJson.Deserialize<List<SurveyAnswerItem>>(answer.Items) ?? [];
            var row = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                [number] = rows.Count + 1,
                [at] = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(answer.AnsweredAt, DateTimeKind.Utc), zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            };
            foreach (var q in survey.Questions)
            {
                var item = items.FirstOrDefault(i => i.Number == q.Number);
                row[heads[q.Number]] = item is null ? null : Value(q, item, fullPersonalData);
            }

            rows.Add(row);
        }

        if (rows.Count == 0)
        {
            // An empty export still carries its headers.
            rows.Add(new Dictionary<string, object?>(StringComparer.Ordinal) { [number] = null, [at] = null });
            foreach (var q in survey.Questions)
            {
                rows[0][heads[q.Number]] = null;
            }
        }

        return rows;
    }

    private static object? Value(SurveyQuestion q, SurveyAnswerItem item, bool fullPersonalData) => q.Kind switch
    {
        SurveyQuestionKind.Rating => item.Rating,
        SurveyQuestionKind.Text => item.Text is { } text ? (fullPersonalData ? text : Masked(text)) : null,
        _ => item.Choices is { Count: > 0 } choices
            ? string.Join("; ", choices.Where(c => c >= 1 && c <= q.Options.Count).Select(c => q.Options[c - 1]))
            : null,
    };

    /// <summary>A text answer with the phone numbers and e-mail addresses in it masked (people write them in free text).</summary>
    internal static string Masked(string text)
    {
        var emails = Email().Replace(text, m => Masking.Email(m.Value));
        return Phone().Replace(emails, m => Masking.Phone(m.Value));
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")]
    private static partial Regex Email();

    [GeneratedRegex(@"\+?\d[\d\- ]{5,}\d")]
    private static partial Regex Phone();
}
