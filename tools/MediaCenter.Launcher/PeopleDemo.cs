using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace MediaCenter.Launcher;

/// <summary>
/// `up --demo`: a small staff for the demonstration party (demo-news), recorded through the real API by its admin: six
/// people of whom three are certified — exactly at the 50 % line — and one certificate that expires in three weeks, so
/// the people page shows the reminder and the forecast fall below half; one manager lacks a year of experience. A staff
/// post-basics training plan is in force before they are recorded (so the staff owe it) and a session of it is scheduled.
/// Appraisal schemes for managers and staff are set, and last month's appraisals opened for an editor (left in draft) and the
/// director (scored, waiting for the person's answer).
/// Runs once, when the demonstration accounts are created (their password is known only then).
/// </summary>
internal sealed class PeopleDemo(Uri web, string password, TimeProvider time)
{
    public async Task<int> SeedAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = web };
        var signIn = await http.PostAsJsonAsync("/api/auth/tokens", new { username = "demo-party-admin", password, name = "demo" }, cancellationToken);
        signIn.EnsureSuccessStatusCode();
        var token = (await signIn.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("token").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        object Certificate(string number, DateOnly? validTo) =>
            new { type = "广播电视播音员主持人资格证", number, issuer = "国家广播电视总局", validFrom = today.AddYears(-2), validTo };
        var plan = await SendAsync(http, HttpMethod.Post, "/api/v1/people/training/plans?organisation=party:demo-news", new
        {
            post = "Staff",
            kind = "PostBasics",
            title = "工作人员岗位基础培训",
            cadence = "Once",
            skills = new[] { "内容审核流程", "智能设备操作" },
            passMark = 60,
        }, "demo-training-plan", cancellationToken);
        var planId = plan.GetProperty("id").GetString();
        await SendAsync(http, HttpMethod.Post, $"/api/v1/people/training/plans/{planId}/activate?organisation=party:demo-news", new { },
            "demo-training-activate", cancellationToken);

        var staff = new (string Name, string Post, string Education, int Years, object[] Certificates)[]
        {
            ("陈主任", "Manager", "Master", 12, [Certificate("DEMO-0001", today.AddYears(2))]),
            ("周经理", "Manager", "Bachelor", 2, []),
            ("吴编辑", "Staff", "Bachelor", 4, [Certificate("DEMO-0002", today.AddDays(21))]),
            ("郑记者", "Staff", "JuniorCollege", 1, [Certificate("DEMO-0003", null)]),
            ("冯摄像", "Staff", "JuniorCollege", 3, []),
            ("卫前台", "ServicePost", "Secondary", 0, []),
        };
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, post, education, years, certificates) in staff)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/people")
            {
                Content = JsonContent.Create(new
                {
                    organisation = "party:demo-news",
                    name,
                    post,
                    education,
                    experienceYears = years,
                    skills = new[] { "计算机操作" },
                    certificates,
                }),
            };
            // The name keys the command: a demo started again adds no second copy. Header values are ASCII only, hence hex.
            request.Headers.Add("Idempotency-Key", "demo-people-" + Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes(name)));
            using var response = await http.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
            ids[name] = (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetString()!;
        }

        await SendAsync(http, HttpMethod.Post, "/api/v1/people/training/sessions?organisation=party:demo-news", new
        {
            planId,
            startsAt = time.GetUtcNow().AddDays(7),
            location = "二楼培训室",
            materials = new[] { new { name = "工作人员岗位手册", link = (string?)null } },
        }, "demo-training-session", cancellationToken);
        await AppraiseAsync(http, ids, cancellationToken);
        return staff.Length;
    }

    /// <summary>Schemes for managers and staff, and last month's appraisals: the editor's in draft, the director's scored.</summary>
    private async Task AppraiseAsync(HttpClient http, Dictionary<string, string> ids, CancellationToken cancellationToken)
    {
        object Scheme(string post) => new
        {
            post,
            indicators = new object[]
            {
                new { measure = "trainingsPassed", weight = 20, target = 1.0, lowerIsBetter = false },
                new { measure = post == "Manager" ? "reviewsDone" : "pitchesFiled", weight = 20, target = 5.0, lowerIsBetter = false },
            },
            manualItems = new[] { new { name = "工作态度", weight = 30 }, new { name = "业务能力", weight = 30 } },
            bands = new[] { new { grade = "优秀", minTotal = 90.0 }, new { grade = "良好", minTotal = 75.0 }, new { grade = "合格", minTotal = 60.0 }, new { grade = "不合格", minTotal = 0.0 } },
        };
        await SendAsync(http, HttpMethod.Put, "/api/v1/people/appraisals/schemes?organisation=party:demo-news",
            new { schemes = new[] { Scheme("Manager"), Scheme("Staff") } }, "demo-appraisal-schemes", cancellationToken);

        // The month before this one, in the standard's time zone: an ended period, as an appraisal needs.
        var local = TimeZoneInfo.ConvertTime(time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));
        var period = new DateOnly(local.Year, local.Month, 1).AddMonths(-1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        await SendAsync(http, HttpMethod.Post, "/api/v1/people/appraisals?organisation=party:demo-news",
            new { personId = ids["吴编辑"], period }, "demo-appraisal-editor", cancellationToken);
        var director = await SendAsync(http, HttpMethod.Post, "/api/v1/people/appraisals?organisation=party:demo-news",
            new { personId = ids["陈主任"], period }, "demo-appraisal-director", cancellationToken);
        var id = director.GetProperty("id").GetString();
        await SendAsync(http, HttpMethod.Put, $"/api/v1/people/appraisals/{id}/score", new
        {
            scores = new[] { new { name = "工作态度", score = 95 }, new { name = "业务能力", score = 88 } },
            comment = "统筹有力，审核把关严格",
        }, "demo-appraisal-director-score", cancellationToken);
    }

    /// <summary>A command with a fixed Idempotency-Key: a demo started again repeats it harmlessly.</summary>
    private static async Task<JsonElement> SendAsync(HttpClient http, HttpMethod method, string path, object body, string key, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
    }
}
