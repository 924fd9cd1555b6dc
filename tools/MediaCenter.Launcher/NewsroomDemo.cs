using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace MediaCenter.Launcher;

/// <summary>
/// `up --demo`: fills the demonstration channels through the real API, as the demonstration staff, so the
/// board opens with stories in every column (one assigned story falls overdue a few minutes after start).
/// Runs once, when the demonstration accounts are created (their password is known only then).
/// </summary>
internal sealed class NewsroomDemo(Uri web, string password)
{
    private readonly Dictionary<string, HttpClient> _people = [];

    public async Task<int> SeedAsync(CancellationToken cancellationToken)
    {
        foreach (var who in new[] { "demo-chief", "demo-editor", "demo-reviewer1", "demo-reviewer2", "demo-reviewer3" })
        {
            _people[who] = await SignInAsync(who, cancellationToken);
        }

        try
        {
            var editorId = await EditorIdAsync("demo-news-home", cancellationToken);
            var count = 0;
            var home = "demo-news-home";
            count += await StoryAsync(home, "冬季文化惠民活动安排", "Pitched", editorId, cancellationToken);
            count += await StoryAsync(home, "老城区改造十年回访", "PitchReturned", editorId, cancellationToken);
            count += await StoryAsync(home, "非遗传承人系列访谈", "Confirmed", editorId, cancellationToken);
            count += await StoryAsync(home, "区图书馆夜间开放首周观察", "Assigned", editorId, cancellationToken, due: TimeSpan.FromMinutes(3));
            count += await StoryAsync(home, "社区养老服务站探访", "Drafting", editorId, cancellationToken);
            count += await StoryAsync(home, "数字文化馆正式上线", "InReview1", editorId, cancellationToken);
            count += await StoryAsync(home, "春节档惠民演出安排", "InReview2", editorId, cancellationToken);
            count += await StoryAsync(home, "全民阅读月启动", "InReview3", editorId, cancellationToken);
            count += await StoryAsync(home, "新能源公交线路调整", "Rejected", editorId, cancellationToken);
            count += await StoryAsync(home, "博物馆免费开放日", "Approved", editorId, cancellationToken);
            count += await StoryAsync(home, "新年献词", "Scheduled", editorId, cancellationToken);
            count += await StoryAsync(home, "市民文化节开幕", "Published", editorId, cancellationToken);
            count += await StoryAsync(home, "演出票务信息更正", "Withdrawn", editorId, cancellationToken);

            foreach (var (channel, prefix) in new[] { ("demo-news-gov", "政务"), ("demo-news-life", "民生") })
            {
                var id = await EditorIdAsync(channel, cancellationToken);
                count += await StoryAsync(channel, prefix + "：政策解读专题", "Pitched", id, cancellationToken);
                count += await StoryAsync(channel, prefix + "：办事指南更新", "InReview1", id, cancellationToken);
                count += await StoryAsync(channel, prefix + "：一周要闻", "Published", id, cancellationToken);
            }

            return count;
        }
        finally
        {
            foreach (var client in _people.Values)
            {
                client.Dispose();
            }
        }
    }

    private async Task<HttpClient> SignInAsync(string username, CancellationToken cancellationToken)
    {
        var http = new HttpClient { BaseAddress = web };
        var response = await http.PostAsJsonAsync("/api/auth/tokens", new { username, password, name = "demo" }, cancellationToken);
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("token").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private async Task<Guid> EditorIdAsync(string channel, CancellationToken cancellationToken)
    {
        var members = await _people["demo-chief"].GetFromJsonAsync<JsonElement>($"/api/channels/{channel}/members", cancellationToken);
        return members.EnumerateArray().First(m => m.GetProperty("role").GetString() == "editor" && m.GetProperty("username").GetString() == "demo-editor")
            .GetProperty("userId").GetGuid();
    }

    /// <summary>Drives one story to the named column with the moves a newsroom would make.</summary>
    private async Task<int> StoryAsync(string channel, string title, string target, Guid editorId, CancellationToken cancellationToken, TimeSpan? due = null)
    {
        var chief = _people["demo-chief"];
        var editor = _people["demo-editor"];
        var filed = await SendAsync(editor, $"/api/v1/channels/{channel}/pitches",
            new { title, angle = "从读者关心的问题切入，采访相关部门和市民。", materials = new object[] { new { kind = "Note", text = "采访对象：主管部门负责人、市民代表" } } },
            cancellationToken);
        var id = filed.GetProperty("id").GetString()!;
        if (target == "Pitched")
        {
            return 1;
        }

        if (target == "PitchReturned")
        {
            await CommandAsync(chief, id, "return-pitch", new { comment = "角度与上月稿件重复，请换一个切入点" }, cancellationToken);
            return 1;
        }

        await CommandAsync(chief, id, "confirm", new { }, cancellationToken);
        if (target == "Confirmed")
        {
            return 1;
        }

        await CommandAsync(chief, id, "assign", new { assignees = new[] { editorId }, dueAt = DateTimeOffset.UtcNow + (due ?? TimeSpan.FromDays(2)) }, cancellationToken);
        if (target == "Assigned")
        {
            return 1;
        }

        await CommandAsync(editor, id, "report-progress", new { progress = 60, comment = "采访已完成，正在整理" }, cancellationToken);
        await CommandAsync(editor, id, "save-draft", new
        {
            baseVersion = 0,
            draft = new { kind = "ImageText", title, summary = title + "（摘要）", bodyHtml = $"<h2>{title}</h2><p>本报讯 记者从相关部门获悉……</p>" },
        }, cancellationToken);
        if (target == "Drafting")
        {
            return 1;
        }

        await CommandAsync(editor, id, "submit", new { }, cancellationToken);
        if (target == "Rejected")
        {
            await CommandAsync(_people["demo-reviewer1"], id, "reject", new { comment = "数据来源需要补充，请核实线路调整日期" }, cancellationToken);
            return 1;
        }

        var levels = target.StartsWith("InReview", StringComparison.Ordinal) ? int.Parse(target[^1..]) - 1 : 3;
        for (var level = 1; level <= levels; level++)
        {
            await CommandAsync(_people["demo-reviewer" + level], id, "approve", new { comment = "同意" }, cancellationToken);
        }

        switch (target)
        {
            case "Scheduled":
                await CommandAsync(chief, id, "schedule", new { at = DateTimeOffset.UtcNow.AddDays(1) }, cancellationToken);
                break;
            case "Published":
                await CommandAsync(chief, id, "publish", new { }, cancellationToken);
                break;
            case "Withdrawn":
                await CommandAsync(chief, id, "publish", new { }, cancellationToken);
                await CommandAsync(chief, id, "withdraw", new { comment = "票务信息有误，核实后重发" }, cancellationToken);
                break;
        }

        return 1;
    }

    private static Task CommandAsync(HttpClient client, string id, string command, object body, CancellationToken cancellationToken) =>
        SendAsync(client, $"/api/v1/articles/{id}/{command}", body, cancellationToken);

    private static async Task<JsonElement> SendAsync(HttpClient client, string path, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var response = await client.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {text}");
        }

        return JsonDocument.Parse(text).RootElement;
    }
}
