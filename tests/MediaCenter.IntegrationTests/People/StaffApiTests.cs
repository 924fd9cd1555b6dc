using System.Net;
using System.Text.Json;
using MediaCenter.IntegrationTests.Operations;
using Npgsql;

namespace MediaCenter.IntegrationTests.People;

/// <summary>Staff records through the HTTP API on real processes and PostgreSQL: the ratio follows a recorded certificate, personal fields stay masked.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class StaffApiTests(IntegrationFixture fixture)
{
    private static object Person(string name, string? nationalId = null, object[]? certificates = null) => new
    {
        name,
        post = "Staff",
        education = "JuniorCollege",
        experienceYears = 1,
        skills = new[] { "计算机", "智能设备操作" },
        nationalId,
        phone = nationalId is null ? null : "13812345678",
        certificates,
    };

    [Fact]
    public async Task A_party_admin_sets_the_reserve_plan_and_the_roster_shows_the_gap_against_todays_staff()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "rsv");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/people", Person("赵一"), HttpStatusCode.Created);
        var none = await people.Member.MustAsync(HttpMethod.Get, "/api/v1/people/reserve", null, HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, none.GetProperty("plan").ValueKind);

        var plan = new
        {
            posts = new object[]
        {
            new { post = "Staff", required = 4, planned = new[] { new { count = 2, by = today.AddDays(40), note = "春季招聘" } } },
            new { post = "Manager", required = 1 },
        }
        };
        Assert.Equal(HttpStatusCode.Forbidden, await people.Member.StatusAsync(HttpMethod.Put, "/api/v1/people/reserve", plan));
        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Put, $"/api/v1/people/reserve?organisation=party:{people.PartyA}", plan));
        var set = await people.PartyAdmin.MustAsync(HttpMethod.Put, "/api/v1/people/reserve", plan, HttpStatusCode.OK);
        Assert.Equal(1, set.GetProperty("plan").GetProperty("version").GetInt64());

        var reserve = (await people.Member.MustAsync(HttpMethod.Get, "/api/v1/people/roster", null, HttpStatusCode.OK)).GetProperty("reserve")
            .EnumerateArray().ToDictionary(l => l.Str("post")!, l => (l.GetProperty("required").GetInt32(), l.GetProperty("current").GetInt32(),
                l.GetProperty("planned").GetInt32(), l.GetProperty("shortNow").GetInt32(), l.GetProperty("gap").GetInt32()));
        Assert.Equal((1, 0, 0, 1, 1), reserve["Manager"]);
        Assert.Equal((4, 1, 2, 3, 1), reserve["Staff"]);

        // A post twice is refused with the reason, and the plan in force stays.
        var twice = await people.PartyAdmin.MustAsync(HttpMethod.Put, "/api/v1/people/reserve",
            new { posts = new[] { new { post = "Staff", required = 1 }, new { post = "Staff", required = 2 } } }, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("每个岗位最多出现一次", twice.Str("detail"));
        var kept = await people.PartyAdmin.MustAsync(HttpMethod.Get, "/api/v1/people/reserve", null, HttpStatusCode.OK);
        Assert.Equal(1, kept.GetProperty("plan").GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task A_party_admin_records_staff_and_a_certificate_and_the_ratio_and_read_table_follow()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "ppl");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        var first = await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/people", Person("张三", "110101199001011234",
            [new { type = "播音员主持人资格证", number = "A-1", issuer = "国家广播电视总局", validFrom = today.AddYears(-1), validTo = today.AddDays(7) }]),
            HttpStatusCode.Created);
        var second = await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/people", Person("李四"), HttpStatusCode.Created);
        var third = await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/people", Person("王五"), HttpStatusCode.Created);

        // The answer and the list carry only the masked forms; the table never saw the plain ones.
        Assert.Equal(("110101********1234", "138****5678"), (first.Str("nationalIdMasked"), first.Str("phoneMasked")));
        Assert.False(first.TryGetProperty("nationalId", out _));
        var roster = await people.Member.MustAsync(HttpMethod.Get, "/api/v1/people/roster", null, HttpStatusCode.OK);
        Assert.Equal((3, 1, false), (roster.GetProperty("total").GetInt32(), roster.GetProperty("certified").GetInt32(), roster.GetProperty("meetsRatio").GetBoolean()));
        Assert.Equal("A-1", Assert.Single(roster.GetProperty("expiring").EnumerateArray()).Str("number"));

        // Members see but do not change; another party does not even see.
        Assert.Equal(HttpStatusCode.Forbidden, await people.Member.StatusAsync(HttpMethod.Post, $"/api/v1/people/{second.Str("id")}/certificates",
            new { type = "证", number = "X", issuer = "机关", validFrom = today }));
        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Get, $"/api/v1/people/{second.Str("id")}"));
        Assert.Equal(HttpStatusCode.NotFound, await people.OtherParty.StatusAsync(HttpMethod.Get, $"/api/v1/people/roster?organisation=party:{people.PartyA}"));

        var key = "cert-" + second.Str("id");
        var certified = await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/people/{second.Str("id")}/certificates",
            new { type = "播音员主持人资格证", number = "B-1", issuer = "国家广播电视总局", validFrom = today.AddDays(-1) }, HttpStatusCode.OK, key);
        var replay = await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/people/{second.Str("id")}/certificates",
            new { type = "播音员主持人资格证", number = "B-1", issuer = "国家广播电视总局", validFrom = today.AddDays(-1) }, HttpStatusCode.OK, key);
        Assert.Equal((2L, 2L), (certified.GetProperty("version").GetInt64(), replay.GetProperty("version").GetInt64()));

        roster = await people.PartyAdmin.MustAsync(HttpMethod.Get, "/api/v1/people/roster", null, HttpStatusCode.OK);
        Assert.Equal((2, true), (roster.GetProperty("certified").GetInt32(), roster.GetProperty("meetsRatio").GetBoolean()));
        var refused = await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/people/{third.Str("id")}/certificates", new { number = "C-1" },
            HttpStatusCode.UnprocessableEntity);
        Assert.Equal(("Invalid", "Active"), (refused.Str("code"), refused.Str("currentState")));

        var list = await people.PartyAdmin.MustAsync(HttpMethod.Get, "/api/v1/people", null, HttpStatusCode.OK);
        Assert.Equal(new[] { "张三", "李四", "王五" }.Order(StringComparer.Ordinal), list.EnumerateArray().Select(p => p.Str("name")).Order(StringComparer.Ordinal));

        await using var connection = new NpgsqlConnection(shared.Deployment.ConnectionString);
        await connection.OpenAsync();
        await using (var rows = new NpgsqlCommand(
            "SELECT count(*) FROM mc.staff WHERE organisation = @o AND national_id_masked IS DISTINCT FROM '110101199001011234'", connection))
        {
            rows.Parameters.AddWithValue("o", "party:" + people.PartyA);
            Assert.Equal(3L, (long)(await rows.ExecuteScalarAsync())!);
        }

        await using (var events = new NpgsqlCommand(
            "SELECT string_agg(event_type, ',' ORDER BY version) FROM mc.event_log WHERE entity_type = 'staff' AND entity_id = @id", connection))
        {
            events.Parameters.AddWithValue("id", second.Str("id"));
            Assert.Equal("Register,RecordCertificate", (string)(await events.ExecuteScalarAsync())!);
        }

        await using (var notes = new NpgsqlCommand("SELECT string_agg(kind, ',' ORDER BY kind) FROM mc.notifications WHERE audience = @a", connection))
        {
            notes.Parameters.AddWithValue("a", "party:" + people.PartyA);
            var kinds = ((string)(await notes.ExecuteScalarAsync())!).Split(',');
            Assert.Contains("certificateExpiring", kinds);
            Assert.Contains("staffRatioBelow", kinds);
        }

        JsonElement workflow = await people.Member.MustAsync(HttpMethod.Get, "/api/v1/people/workflow", null, HttpStatusCode.OK);
        Assert.Contains(workflow.EnumerateArray(), row => row.Str("command") == "RecordCertificate");
    }

    [Fact]
    public async Task A_linked_person_gets_newsroom_roles_only_after_passing_the_posts_basic_training()
    {
        var shared = await fixture.SharedAsync();
        await using var people = await OpsPeople.CreateAsync(shared.Deployment, shared.Web.Http, "pgate");
        var identity = shared.Deployment.Identity;
        var channel = "pgate-home";
        await identity.Directory.CreateChannelAsync(channel, "首页", people.PartyA);
        var trainee = await identity.PartyUserAsync("pgate-trainee", people.PartyA, MediaCenter.Identity.PartyRoles.Member);
        var untracked = await identity.PartyUserAsync("pgate-untracked", people.PartyA, MediaCenter.Identity.PartyRoles.Member);
        var record = await people.PartyAdmin.MustAsync(HttpMethod.Post, "/api/v1/people", new
        {
            name = "赵编辑",
            post = "Staff",
            education = "Bachelor",
            experienceYears = 2,
            userId = trainee,
        }, HttpStatusCode.Created);
        var id = record.Str("id");

        var refused = await people.PartyAdmin.MustAsync(HttpMethod.Put, $"/api/channels/{channel}/members/{trainee}/editor", new { }, HttpStatusCode.Conflict);
        Assert.Contains("岗位基础培训", refused.GetProperty("title").GetString() ?? refused.GetProperty("detail").GetString(), StringComparison.Ordinal);

        await people.PartyAdmin.MustAsync(HttpMethod.Post, $"/api/v1/people/{id}/trainings", new
        {
            kind = "PostBasics",
            title = "工作人员岗位基础",
            completedOn = DateOnly.FromDateTime(DateTime.UtcNow),
            score = 85,
            passMark = 60,
        }, HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, await people.PartyAdmin.StatusAsync(HttpMethod.Put, $"/api/channels/{channel}/members/{trainee}/editor", new { }));

        // An account without a staff record gets no post's role either: the person is recorded and trained first.
        var unrecorded = await people.PartyAdmin.MustAsync(HttpMethod.Put, $"/api/channels/{channel}/members/{untracked}/reviewer", new { reviewLevel = 2 },
            HttpStatusCode.Conflict);
        Assert.Contains("人员档案", unrecorded.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Empty(await ChannelRolesAsync(shared, untracked));
        await TrainedStaff.RecordAsync(people.PartyAdmin, "party:" + people.PartyA, untracked, "钱审核");
        Assert.Equal(HttpStatusCode.NoContent, await people.PartyAdmin.StatusAsync(HttpMethod.Put, $"/api/channels/{channel}/members/{untracked}/reviewer", new { reviewLevel = 2 }));
    }

    [Fact]
    public async Task An_operator_account_is_created_only_on_the_record_of_a_person_who_passed_the_posts_basic_training()
    {
        var shared = await fixture.SharedAsync();
        var identity = shared.Deployment.Identity;
        await identity.PlatformUserAsync("pgop-admin", MediaCenter.Identity.PlatformRoles.Admin);
        using var admin = await shared.SignInAsync("pgop-admin");
        admin.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        object Account(string username, string? staffId, string role = "operator") =>
            new { username, displayName = username, password = TestIdentity.Password, platformRoles = new[] { role }, staffId };

        // No record named: refused with the reason, in the caller's language; nothing created.
        var bare = await admin.MustAsync(HttpMethod.Post, "/api/users", Account("pgop-bare", null), HttpStatusCode.Conflict);
        Assert.Contains("staff record", bare.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Null(await identity.Users.FindForSignInAsync("pgop-bare"));

        // A record whose basic training is not passed (failed: 59 of 60): refused, for administrators too.
        var id = await TrainedStaff.RecordAsync(admin, "operator", null, "孙运维", score: 59);
        foreach (var role in new[] { "operator", "admin" })
        {
            var untrained = await admin.MustAsync(HttpMethod.Post, "/api/users", Account("pgop-" + role, id, role), HttpStatusCode.Conflict);
            Assert.Contains("basic training", untrained.GetProperty("title").GetString(), StringComparison.Ordinal);
        }

        // Roles that are no post of the operator's staff (the supervising authority) are not gated.
        await admin.MustAsync(HttpMethod.Post, "/api/users", Account("pgop-management", null, "management"), HttpStatusCode.Created);

        // Passed: the account is created and linked to the record; the same record cannot carry a second account.
        await TrainedStaff.BasicsAsync(admin, id, 60);
        var created = await admin.MustAsync(HttpMethod.Post, "/api/users", Account("pgop-operator", id), HttpStatusCode.Created);
        var staff = await admin.MustAsync(HttpMethod.Get, $"/api/v1/people/{id}", null, HttpStatusCode.OK);
        Assert.Equal(created.Str("id"), staff.Str("userId"));
        await admin.MustAsync(HttpMethod.Post, "/api/users", Account("pgop-second", id), HttpStatusCode.Conflict);
        Assert.Null(await identity.Users.FindForSignInAsync("pgop-second"));
    }

    private static async Task<List<string>> ChannelRolesAsync(SharedDeployment shared, Guid user) =>
        (await MediaCenter.IntegrationTests.Identity.SignInTests.ScalarListAsync(shared, $"SELECT role FROM mc.channel_members WHERE user_id = '{user}'")).ToList();
}
