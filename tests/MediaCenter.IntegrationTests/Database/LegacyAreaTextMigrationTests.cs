using MediaCenter.Database;
using MediaCenter.Messages;
using Npgsql;

namespace MediaCenter.IntegrationTests.Database;

/// <summary>
/// Migration 0051: what the newsroom, the intake, tickets, people, indicators, hot events and the security alerts stored as
/// "中文 / English" before each area wrote catalogue messages becomes the messages they store today, in the read tables and
/// in grain state; rows already in the new form, people's own text and the event log are left as they are.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class LegacyAreaTextMigrationTests(IntegrationFixture fixture)
{
    private const string Subject = "噪音扰民 / 夜间施工";
    private const string PeoplesOwnText = "演播厅 A / B 区大屏";

    private static readonly (string Legacy, string Expected)[] Notices =
    [
        ("稿件已超过截止时间：两会特稿 / Assignment past its due time: 两会特稿", Msg.Of("newsroom.overdueTitle", ("title", "两会特稿"))),
        ("截止 2026-03-01 08:00 (UTC)，仍为 Drafting；写稿人：张三、李四 / due 2026-03-01 08:00 UTC, still Drafting; assigned to 张三, 李四",
            Msg.Of("newsroom.overdueBody", ("due", "2026-03-01 08:00"), ("stage", "Drafting"), ("assignees", Msg.List(["张三", "李四"])))),
        ("定时发布失败：两会特稿 / scheduled publishing failed", Msg.Of("newsroom.scheduledPublishingFailed", ("title", "两会特稿"))),
        ("频道已暂停对外服务，不能发布：大屏黑屏 / the channel is suspended and refuses publishing: 大屏黑屏",
            Msg.Of("newsroom.suspendedRefusesPublishing", ("reason", "大屏黑屏"))),
        ($"新投诉：{Subject} / New complaint: {Subject}", Msg.Of("ticket.received", ("kind", Msg.Of("ticket.kindComplaint")), ("subject", Subject))),
        ("T-20260301-0001，2026-03-02 08:00 前受理 / T-20260301-0001, to acknowledge by 2026-03-02 08:00",
            Msg.Of("ticket.acknowledgeBy", ("id", "T-20260301-0001"), ("due", "2026-03-02 08:00"))),
        ($"咨询已分派：{Subject} / Ticket assigned: {Subject}", Msg.Of("ticket.assigned", ("kind", Msg.Of("ticket.kindConsultation")), ("subject", Subject))),
        ($"投诉超期未答复：{Subject} / Ticket overdue (Reply): {Subject}",
            Msg.Of("ticket.overdue", ("kind", Msg.Of("ticket.kindComplaint")), ("deadline", Msg.Of("ticket.deadlineReply")), ("subject", Subject))),
        ("T-20260301-0001，满意度 2/5 / T-20260301-0001, satisfaction 2 of 5", Msg.Of("ticket.dissatisfiedBody", ("id", "T-20260301-0001"), ("satisfaction", 2))),
        ("持证上岗人员低于 50%：3/8 / Certified staff below 50 %: 3 of 8", Msg.Of("people.ratioBelow", ("certified", 3), ("total", 8))),
        ("证书即将到期：王五 播音主持 / Certificate expiring: 王五, 播音主持", Msg.Of("people.certificateExpiring", ("name", "王五"), ("type", "播音主持"))),
        ("编号 A-123，2026-04-01 到期（剩 30 天） / number A-123, valid to 2026-04-01 (30 days left)",
            Msg.Of("people.certificateExpiringBody", ("number", "A-123"), ("day", "2026-04-01"), ("daysLeft", 30))),
        ("整改措施逾期：更换大屏 / Rectification action overdue: 更换大屏", Msg.Of("indicator.actionOverdue", ("what", "更换大屏"))),
        ("巡检整改：第 2 项，责任人 赵六，应于 2026-03-05 完成 / action 2, owner 赵六, due 2026-03-05",
            Msg.Of("indicator.actionOverdueBody", ("source", "巡检整改"), ("number", 2), ("owner", "赵六"), ("due", "2026-03-05"))),
        ("热点事件登记 / Hot event registered: 元宵晚会", Msg.Of("ops.hot.registeredTitle", ("title", "元宵晚会"))),
        ("lat-party 登记了热点事件「元宵晚会」，2026-03-03 12:00–2026-03-03 16:00 (UTC)，预计流量 ×3.5 / " +
         "lat-party registered the hot event \"元宵晚会\", 2026-03-03 12:00–2026-03-03 16:00 UTC, expected traffic ×3.5",
            Msg.Of("ops.hot.registeredBody", ("party", "lat-party"), ("title", "元宵晚会"), ("starts", "2026-03-03 12:00"), ("ends", "2026-03-03 16:00"),
                ("traffic", "3.5"))),
    ];

    [Fact]
    public async Task Bilingual_texts_of_the_newsroom_intake_tickets_people_and_hot_events_become_catalogue_messages_and_stay_so()
    {
        await using var deployment = await fixture.NewDeploymentAsync();
        await using var db = NpgsqlDataSource.Create(deployment.ConnectionString);

        // Notifications as earlier versions wrote them, one already in the new form and one of people's own text.
        var newForm = Msg.Of("ticket.reopened", ("subject", Subject)).ToString();
        for (var i = 0; i < Notices.Length; i++)
        {
            await MigrationSql.ExecuteAsync(db, """
                INSERT INTO mc.notifications (id, audience, kind, title, body, created_at) VALUES (@id, 'ops', 'legacy', @text, @text, now())
                """, ("id", $"lat:{i}"), ("text", Notices[i].Legacy));
        }

        await MigrationSql.ExecuteAsync(db, """
            INSERT INTO mc.notifications (id, audience, kind, title, body, created_at) VALUES
                ('lat:new', 'ops', 'ticketReopened', @new, @new, now()), ('lat:own', 'ops', 'incident.reported', @own, @own, now())
            """, ("new", newForm), ("own", PeoplesOwnText));
        await MigrationSql.ExecuteAsync(db, """
            INSERT INTO mc.notifications (id, audience, kind, title, body, created_at) VALUES
                ('lat:signin', 'role:admin', 'security', 'lat', '账户 lat-user 在 15 分钟内登录失败 6 次 / 6 failed sign-ins for lat-user within 15 minutes', now()),
                ('lat:delete', 'role:admin', 'security', 'lat', 'lat-admin 在 15 分钟内删除了 40 项 / lat-admin deleted 40 items within 15 minutes', now())
            """);
        const string LegacyAlert = "账户 lat-user 在 15 分钟内登录失败 6 次 / 6 failed sign-ins for lat-user within 15 minutes";
        await MigrationSql.ExecuteAsync(db, "INSERT INTO mc.security_alerts (kind, subject, message) VALUES ('lat-signin', 'lat-user', @message)", ("message", LegacyAlert));
        await MigrationSql.ExecuteAsync(db, """
            INSERT INTO mc.tickets (id, kind, priority, source, subject, state, consent_purpose, acknowledge_by, reply_by, version, created_at, updated_at)
            VALUES ('lat-ticket', 'Complaint', 'Normal', 'Web', @subject, 'Received',
                    '仅用于受理、答复和回访本次投诉、咨询或建议 / only to handle, reply to and follow up this ticket', now(), now(), 1, now(), now())
            """, ("subject", Subject));

        // A reprinted story's version, the collection patrol, a hot event's card and a rectification's view (JSON).
        await MigrationSql.ExecuteAsync(db, """
            INSERT INTO mc.article_versions (article_id, version, title, content, saved_by, saved_by_name, saved_at) VALUES
                ('lat-story', 1, '两会特稿', @content::jsonb, '00000000-0000-0000-0000-000000000000', '系统 / system', now())
            """, ("content", """
                {"angle": "转载 / reprint — 来源：新华网 https://news.example/a\n\n正文摘录 / 第一段",
                 "comment": "一键转载 / reprinted from https://news.example/a",
                 "materials": [{"kind": "File", "text": "转载图片 1 / image 1"},
                               {"kind": "Note", "text": "未能本地化的图片 / images not stored locally:\nhttps://news.example/1.png — 超时 / timed out\nhttps://news.example/2.png — 无法下载 / could not be fetched (HTTP 404)"},
                               {"kind": "Note", "text": "演播厅 A / B 区大屏"}]}
                """));
        await MigrationSql.ExecuteAsync(db, """
            INSERT INTO mc.patrol_reports (started_at, finished_at, trigger, status, checks) VALUES (now(), now(), 'lat', 'warning', @checks::jsonb)
            """, ("checks", """
                [{"name": "collection", "detail": "采集源失败超过一天 / feed sources failing for more than a day: news/新华 (超时 / timed out); news/人民 (对方返回 HTTP 500 / the feed answered HTTP 500)"}]
                """));
        await MigrationSql.ExecuteAsync(db, """
            INSERT INTO mc.hot_events (id, party_id, title, status, starts_at, ends_at, card, version, updated_at)
            VALUES ('lat-hot', 'lat-party', '元宵晚会', 'Registered', now(), now(), '{"history": [{"actor": "系统 / system"}]}', 1, now())
            """);
        await MigrationSql.ExecuteAsync(db, """
            INSERT INTO mc.rectifications (id, party_id, source_kind, source_ref, title, state, version, opened_at, updated_at, view)
            VALUES ('lat-rect', 'lat-party', 'Indicator', 'x', '指标整改', 'Open', 1, now(), now(), '{"openedBy": "平台 / platform"}')
            """);

        // Grain state: a ticket (its submitter, and the system named with the incidents' key by 0045) and a feed source.
        await InsertStateAsync(db, "ticket", 1, """{"$type":"TicketState","history":[{"by":"公众 / public"},{"by":"%SYS%"}]}""".Replace("%SYS%", Msg.Of("incident.systemActor"), StringComparison.Ordinal));
        await InsertStateAsync(db, "collectioninbox", 3, """
            {"$type":"CollectionInboxState","items":[{"lastError":"已转载为稿件 a-1（张三，2026-03-01 08:00 UTC）/ already taken as story a-1 by 张三"},
            {"lastError":"无法访问该页面（HTTP 404） / The page could not be reached."},{"lastError":"该地址不可用：需要公网地址 / This address cannot be used: it must reach a public address."}]}
            """);
        await InsertStateAsync(db, "feedsource", 2, """{"$type":"FeedSourceState","lastError":"对方返回 HTTP 503 / the feed answered HTTP 503"}""");
        await MigrationSql.ExecuteAsync(db, """
            INSERT INTO mc.event_log (entity_type, entity_id, version, event_type, actor, occurred_at, payload)
            VALUES ('article', 'lat-story', 1, 'File', '系统 / system', now(),
                    '{"actorName": "系统 / system", "comment": "一键转载 / reprinted from https://news.example/a"}'),
                   ('article', 'lat-story', 2, 'Confirm', '主编', now(), '{"actorName": "主编", "comment": "写得好 / 再改改"}')
            """);

        await RunMigrationAsync(db);

        for (var i = 0; i < Notices.Length; i++)
        {
            Assert.Equal(Notices[i].Expected, await MigrationSql.ScalarAsync<string>(db, "SELECT title FROM mc.notifications WHERE id = @id", ("id", $"lat:{i}")));
            Assert.Equal(Notices[i].Expected, await MigrationSql.ScalarAsync<string>(db, "SELECT body FROM mc.notifications WHERE id = @id", ("id", $"lat:{i}")));
        }

        Assert.Equal(newForm, await MigrationSql.ScalarAsync<string>(db, "SELECT body FROM mc.notifications WHERE id = 'lat:new'"));
        Assert.Equal(PeoplesOwnText, await MigrationSql.ScalarAsync<string>(db, "SELECT body FROM mc.notifications WHERE id = 'lat:own'"));
        Assert.Equal("6 failed sign-ins for lat-user within 15 minutes",
            MessageCatalog.Render(await MigrationSql.ScalarAsync<string>(db, "SELECT body FROM mc.notifications WHERE id = 'lat:signin'"), Languages.English));
        Assert.Equal(Msg.Of("web.bulkDeletion", ("actor", "lat-admin"), ("minutes", 15), ("count", 40)).ToString(),
            await MigrationSql.ScalarAsync<string>(db, "SELECT body FROM mc.notifications WHERE id = 'lat:delete'"));
        Assert.Equal(Msg.Of("ticket.consentPurpose").ToString(), await MigrationSql.ScalarAsync<string>(db, "SELECT consent_purpose FROM mc.tickets WHERE id = 'lat-ticket'"));

        Assert.Equal(Msg.Of("newsroom.system").ToString(), await MigrationSql.ScalarAsync<string>(db, "SELECT saved_by_name FROM mc.article_versions WHERE article_id = 'lat-story'"));
        Assert.Equal(Msg.Of("intake.reprintAngle", ("attribution", "来源：新华网 https://news.example/a"), ("excerpt", "正文摘录 / 第一段")).ToString(),
            await MigrationSql.ScalarAsync<string>(db, "SELECT content ->> 'angle' FROM mc.article_versions WHERE article_id = 'lat-story'"));
        Assert.Equal(Msg.Of("intake.reprintComment", ("url", "https://news.example/a")).ToString(),
            await MigrationSql.ScalarAsync<string>(db, "SELECT content ->> 'comment' FROM mc.article_versions WHERE article_id = 'lat-story'"));
        Assert.Equal(Msg.Of("intake.reprintImage", ("number", 1)).ToString(),
            await MigrationSql.ScalarAsync<string>(db, "SELECT content -> 'materials' -> 0 ->> 'text' FROM mc.article_versions WHERE article_id = 'lat-story'"));
        var imagesNote = await MigrationSql.ScalarAsync<string>(db, "SELECT content -> 'materials' -> 1 ->> 'text' FROM mc.article_versions WHERE article_id = 'lat-story'");
        Assert.Equal("Images not stored locally:\nhttps://news.example/1.png — Timed out.\nhttps://news.example/2.png — Could not be fetched (HTTP 404).",
            MessageCatalog.Render(imagesNote, Languages.English));
        Assert.Equal("未能本地化的图片：\nhttps://news.example/1.png — 超时\nhttps://news.example/2.png — 无法下载（HTTP 404）",
            MessageCatalog.Render(imagesNote, Languages.Chinese));
        Assert.Equal(PeoplesOwnText, await MigrationSql.ScalarAsync<string>(db, "SELECT content -> 'materials' -> 2 ->> 'text' FROM mc.article_versions WHERE article_id = 'lat-story'"));

        var patrol = await MigrationSql.ScalarAsync<string>(db, "SELECT checks -> 0 ->> 'detail' FROM mc.patrol_reports WHERE trigger = 'lat'");
        Assert.Equal(Msg.Of("intake.patrolFailing", ("sources", Msg.List([
                Msg.Of("intake.failingSource", ("channel", "news"), ("name", "新华"), ("error", Msg.Of("intake.timedOut"))),
                Msg.Of("intake.failingSource", ("channel", "news"), ("name", "人民"), ("error", Msg.Of("intake.feedAnswered", ("status", "HTTP 500")))),
            ]))).ToString(), patrol);
        Assert.Equal(Msg.Of("ops.systemActor").ToString(), await MigrationSql.ScalarAsync<string>(db, "SELECT card -> 'history' -> 0 ->> 'actor' FROM mc.hot_events WHERE id = 'lat-hot'"));
        Assert.Equal(Msg.Of("indicator.actorPlatform").ToString(), await MigrationSql.ScalarAsync<string>(db, "SELECT view ->> 'openedBy' FROM mc.rectifications WHERE id = 'lat-rect'"));

        var ticketState = await StateAsync(db, "ticket");
        Assert.Contains(Msg.Of("ticket.actorPublic").ToString(), ticketState, StringComparison.Ordinal);
        Assert.Contains(Msg.Of("ticket.actorSystem").ToString(), ticketState, StringComparison.Ordinal);
        Assert.DoesNotContain("incident.systemActor", ticketState, StringComparison.Ordinal);
        Assert.StartsWith("{\"$type\":\"TicketState\"", ticketState, StringComparison.Ordinal);
        Assert.Contains(Msg.Of("intake.feedAnswered", ("status", "HTTP 503")).ToString(), await StateAsync(db, "feedsource"), StringComparison.Ordinal);

        var inbox = await StateAsync(db, "collectioninbox");
        Assert.Contains(Msg.Of("intake.alreadyTaken", ("articleId", "a-1"), ("by", "张三"), ("at", "2026-03-01 08:00")).ToString(), inbox, StringComparison.Ordinal);
        Assert.Contains(Msg.Of("intake.pageAnswered", ("status", "HTTP 404")).ToString(), inbox, StringComparison.Ordinal);
        Assert.Contains(Msg.Of("intake.pageAddressRefused").ToString(), inbox, StringComparison.Ordinal);
        Assert.DoesNotContain("/ ", inbox, StringComparison.Ordinal);

        // The records stay as they were written: the event log, and the append-only security alerts.
        Assert.Equal(LegacyAlert, await MigrationSql.ScalarAsync<string>(db, "SELECT message FROM mc.security_alerts WHERE kind = 'lat-signin'"));
        Assert.Equal("6 failed sign-ins for lat-user within 15 minutes", MessageCatalog.Render(await MigrationSql.ScalarAsync<string>(db,
            "SELECT d.message FROM mc.security_alert_display d JOIN mc.security_alerts a ON a.id = d.id WHERE a.kind = 'lat-signin'"), Languages.English));
        Assert.Equal("系统 / system|一键转载 / reprinted from https://news.example/a", await MigrationSql.ScalarAsync<string>(db,
            "SELECT actor || '|' || (payload ->> 'comment') FROM mc.event_log WHERE entity_id = 'lat-story' AND version = 1"));

        // What people read of an old entry is kept beside it, in the catalogue's form; an entry with people's text only has none.
        var system = Msg.Of("newsroom.system").ToString();
        Assert.Equal($"{system}|{system}|{Msg.Of("intake.reprintComment", ("url", "https://news.example/a"))}", await MigrationSql.ScalarAsync<string>(db, """
            SELECT d.actor || '|' || (d.payload ->> 'actorName') || '|' || (d.payload ->> 'comment')
              FROM mc.event_log_display d JOIN mc.event_log e ON e.id = d.id WHERE e.entity_id = 'lat-story' AND e.version = 1
            """));
        Assert.Equal(0L, await MigrationSql.ScalarAsync<long>(db,
            "SELECT count(*) FROM mc.event_log_display d JOIN mc.event_log e ON e.id = d.id WHERE e.entity_id = 'lat-story' AND e.version = 2"));

        // Once rewritten, nothing is left for it to do.
        const string Everything = """
            SELECT concat_ws('|', (SELECT string_agg(id || title || body, '|' ORDER BY id) FROM mc.notifications),
                                  (SELECT string_agg(content::text || saved_by_name, '|') FROM mc.article_versions),
                                  (SELECT string_agg(checks::text, '|') FROM mc.patrol_reports),
                                  (SELECT string_agg(id || coalesce(actor, '') || payload::text, '|' ORDER BY id) FROM mc.event_log_display),
                                  (SELECT string_agg(id || message, '|' ORDER BY id) FROM mc.security_alert_display),
                                  (SELECT string_agg(convert_from(payloadbinary, 'UTF8'), '|' ORDER BY graintypestring) FROM orleansstorage))
            """;
        var before = await MigrationSql.ScalarAsync<string>(db, Everything);
        await RunMigrationAsync(db);
        Assert.Equal(before, await MigrationSql.ScalarAsync<string>(db, Everything));
    }

    private static Task InsertStateAsync(NpgsqlDataSource db, string grainType, int n, string json) => MigrationSql.ExecuteAsync(db, """
        INSERT INTO orleansstorage (serviceid, graintypestring, graintypehash, grainidhash, grainidn0, grainidn1, grainidextensionstring, payloadbinary, version)
        VALUES ('lat', @type, @n, @n, @n, 0, 'lat-' || @type, convert_to(@json, 'UTF8'), 1)
        """, ("type", grainType), ("n", n), ("json", json));

    private static Task<string> StateAsync(NpgsqlDataSource db, string grainType) =>
        MigrationSql.ScalarAsync<string>(db, "SELECT convert_from(payloadbinary, 'UTF8') FROM orleansstorage WHERE serviceid = 'lat' AND graintypestring = @type", ("type", grainType));

    private static Task RunMigrationAsync(NpgsqlDataSource db) => MigrationSql.RunAsync(db, 51);
}
