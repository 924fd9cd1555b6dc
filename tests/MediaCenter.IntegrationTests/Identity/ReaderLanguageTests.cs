using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using MediaCenter.Identity;

namespace MediaCenter.IntegrationTests.Identity;

/// <summary>
/// Refusals are written in one language, the reader's (issue 22, item 4): Chinese by default, English when the request asks for it
/// with Accept-Language or the <c>mc.lang</c> cookie the pages keep; never both in one answer. People's own text is never taken
/// for a message.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed partial class ReaderLanguageTests(IntegrationFixture fixture)
{
    [Fact]
    public async Task A_refused_password_change_lists_each_objection_in_the_readers_language()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("rl-weak", PlatformRoles.Operator);
        using var http = await shared.SignInAsync("rl-weak");
        var change = new { currentPassword = TestIdentity.Password, newPassword = "short" };

        var chinese = await ProblemAsync(http, HttpMethod.Post, "/api/auth/password", change, HttpStatusCode.BadRequest);
        var english = await ProblemAsync(http, HttpMethod.Post, "/api/auth/password", change, HttpStatusCode.BadRequest, header: "en-GB,en;q=0.9");
        using var cookieClient = WithLanguageCookie(shared.Web.Http, http.DefaultRequestHeaders.Authorization);
        var byCookie = await ProblemAsync(cookieClient, HttpMethod.Post, "/api/auth/password", change, HttpStatusCode.BadRequest);

        Assert.Equal("密码不符合要求", chinese.GetProperty("title").GetString());
        Assert.Equal(["密码至少 10 位", "需包含小写字母、大写字母、数字、符号中的至少三类"], Errors(chinese));
        foreach (var problem in new[] { english, byCookie })
        {
            Assert.Equal("The password does not meet the policy.", problem.GetProperty("title").GetString());
            Assert.Equal(["At least 10 characters.", "Use at least three of: lower case, upper case, digits, symbols."], Errors(problem));
        }

        AssertOneLanguage(chinese, english, byCookie);
    }

    [Fact]
    public async Task A_refused_sign_in_says_why_in_the_readers_language()
    {
        var shared = await fixture.SharedAsync();
        using var http = shared.Anonymous();
        var wrong = new { username = "rl-nobody", password = "Wrong-passw0rd" };

        var chinese = await ProblemAsync(http, HttpMethod.Post, "/api/auth/tokens", wrong, HttpStatusCode.Unauthorized);
        var english = await ProblemAsync(http, HttpMethod.Post, "/api/auth/tokens", wrong, HttpStatusCode.Unauthorized, header: "en");
        using var cookieClient = WithLanguageCookie(shared.Web.Http, null);
        var byCookie = await ProblemAsync(cookieClient, HttpMethod.Post, "/api/auth/sign-in", wrong, HttpStatusCode.Unauthorized);

        Assert.Equal("用户名或密码错误", chinese.GetProperty("title").GetString());
        Assert.Equal("Wrong user name or password.", english.GetProperty("title").GetString());
        Assert.Equal("Wrong user name or password.", byCookie.GetProperty("title").GetString());
        AssertOneLanguage(chinese, english, byCookie);
    }

    [Fact]
    public async Task The_middlewares_refuse_in_the_readers_language_too()
    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("rl-browser", PlatformRoles.Operator);
        var (session, _) = await SessionEndTests.BrowserSignInAsync(shared.Web.Http, "rl-browser", TestIdentity.Password);
        using var browser = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = shared.Web.Http };
        using var anonymous = shared.Anonymous();
        var change = new { currentPassword = TestIdentity.Password, newPassword = "Another-Passw0rd!" };

        async Task<JsonElement> WithoutCsrfAsync(string language)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/password") { Content = JsonContent.Create(change) };
            request.Headers.Add("Cookie", $"{session}; mc.lang={language}");
            using var response = await browser.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        var csrfZh = await WithoutCsrfAsync("zh-CN");
        var csrfEn = await WithoutCsrfAsync("en");
        var signInZh = await ProblemAsync(anonymous, HttpMethod.Get, "/api/auth/me", null, HttpStatusCode.Unauthorized);
        var signInEn = await ProblemAsync(anonymous, HttpMethod.Get, "/api/auth/me", null, HttpStatusCode.Unauthorized, header: "en");


        Assert.Equal(("CSRF 校验失败", "请把 /api/auth/me 返回的 csrfToken 放在 X-CSRF-Token 请求头中发送"),
            (csrfZh.GetProperty("title").GetString(), csrfZh.GetProperty("detail").GetString()));
        Assert.Equal(("The CSRF token is missing or wrong.", "Send the csrfToken from /api/auth/me in the X-CSRF-Token header."),
            (csrfEn.GetProperty("title").GetString(), csrfEn.GetProperty("detail").GetString()));
        Assert.Equal(("需要登录", "Sign-in required."), (signInZh.GetProperty("title").GetString(), signInEn.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task Text_sent_with_message_markers_comes_back_as_plain_text()

    {
        var shared = await fixture.SharedAsync();
        await shared.Deployment.Identity.PlatformUserAsync("rl-admin", PlatformRoles.Admin);
        using var admin = await shared.SignInAsync("rl-admin");
        admin.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        var forged = "\uE000outcome.Forbidden\uE001 张\uE002三\uE003";

        var staffId = await People.TrainedStaff.RecordAsync(admin, "operator", null, "运营人员");
        var response = await admin.PostAsJsonAsync("/api/users", new
        {
            staffId,
            username = "rl-forger",
            displayName = forged,
            password = TestIdentity.Password,
            platformRoles = new[] { PlatformRoles.Operator },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var again = await admin.GetFromJsonAsync<JsonElement>($"/api/users/{created.GetProperty("id").GetString()}");

        foreach (var user in new[] { created, again })
        {
            var name = user.GetProperty("displayName").GetString()!;
            Assert.Equal("outcome.Forbidden 张三", name);
            Assert.DoesNotContain(name, c => c is >= '\uE000' and <= '\uE003');
        }
    }

    private static async Task<JsonElement> ProblemAsync(HttpClient http, HttpMethod method, string path, object? body, HttpStatusCode expected,
        string? header = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (header is not null)
        {
            request.Headers.AcceptLanguage.ParseAdd(header);
        }

        using var response = await http.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>A client that asks for English the way the pages do: with the <c>mc.lang</c> cookie.</summary>
    private static HttpClient WithLanguageCookie(Uri web, AuthenticationHeaderValue? authorization)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = web };
        client.DefaultRequestHeaders.Add("Cookie", "mc.lang=en");
        client.DefaultRequestHeaders.Authorization = authorization;
        return client;
    }

    private static string[] Errors(JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) ? errors.EnumerateArray().Select(e => e.GetString() ?? "").ToArray() : [];

    /// <summary>The Chinese answer's texts hold no English words; the English ones no Chinese, and no answer carries a marker.</summary>
    private static void AssertOneLanguage(JsonElement chinese, params JsonElement[] english)
    {
        foreach (var text in Texts(chinese))
        {
            Assert.False(Latin().IsMatch(text), $"the Chinese answer carries English: {text}");
        }

        foreach (var text in english.SelectMany(Texts))
        {
            Assert.False(Han().IsMatch(text), $"the English answer carries Chinese: {text}");
        }

        foreach (var text in english.Prepend(chinese).SelectMany(Texts))
        {
            Assert.DoesNotContain(text, c => c is >= '\uE000' and <= '\uE003');
        }
    }

    private static IEnumerable<string> Texts(JsonElement problem) =>
        new[] { "title", "detail" }.Select(p => problem.TryGetProperty(p, out var v) ? v.GetString() : null).Concat(Errors(problem)).OfType<string>();

    [GeneratedRegex("[A-Za-z]{2,}")]
    private static partial Regex Latin();

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Han();
}
