-- One language system (issue 22), the rest of 0045: the texts the newsroom, the intake (reprints, feed sources, the
-- collection patrol, a reprint's refusal kept as an inbox item's last error), tickets, people, indicators and rectifications, hot events and the security notices stored as
-- "中文 / English" before each area wrote catalogue messages (git 1afb947, 53f909d, 8ac1243) become the catalogue
-- messages those grains store today: U+E000 key (U+E002 name U+E003 value)* U+E001, as MediaCenter.Messages.Msg encodes
-- them. People's own text inside them (titles, subjects, names, addresses, excerpts) becomes the arguments, unchanged.
--
-- Each legacy sentence is recognised by its exact halves as the grains wrote them; a whole sentence (a notification's
-- title or body, a security alert) only as the whole value, with its two halves naming the same people's text, so
-- people's text that merely contains " / " is left alone. Texts kept inside JSON (article cards and versions, patrol
-- reports, rectification views and the grains' state in orleansstorage) are matched without crossing a quote or a
-- backslash, except the reprint's angle and its note of images not stored, whose lines were joined by newlines.
-- The actor names ("系统 / system", "公众 / public", "平台 / platform") become the key of the area that wrote them; in
-- grain state 0045 already made "系统 / system" the incidents' key everywhere, so outside the incidents it becomes the
-- area's own. Running it again changes nothing. The records are left as they were written: mc.event_log (its entries'
-- rewritten texts are kept beside it in mc.event_log_display, which the history readers prefer), and the append-only logs
-- (mc.audit_log, mc.login_log, mc.security_alerts, whose triggers refuse any update; an old security alert's message is
-- kept beside it in mc.security_alert_display, which the alert list prefers).

CREATE FUNCTION pg_temp.mc_msg(key text, VARIADIC args text[] DEFAULT '{}') RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    encoded text := chr(57344) || key;
    i int;
BEGIN
    FOR i IN 1 .. coalesce(array_length(args, 1), 0) / 2 LOOP
        encoded := encoded || chr(57346) || args[2 * i - 1] || chr(57347) || coalesce(args[2 * i], '');
    END LOOP;
    RETURN encoded || chr(57345);
END $$;

CREATE FUNCTION pg_temp.mc_list(items text[]) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    args text[] := '{}';
    i int;
BEGIN
    FOR i IN 1 .. coalesce(array_length(items, 1), 0) LOOP
        args := args || ARRAY[(i - 1)::text, items[i]];
    END LOOP;
    RETURN pg_temp.mc_msg('@list', VARIADIC args);
END $$;

CREATE FUNCTION pg_temp.mc_ticket_kind(zh text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT pg_temp.mc_msg(CASE zh WHEN '投诉' THEN 'ticket.kindComplaint' WHEN '咨询' THEN 'ticket.kindConsultation' ELSE 'ticket.kindSuggestion' END)
$$;

-- A reprint's note of the images it could not store: "url — reason" per line, the reasons already rewritten.
CREATE FUNCTION pg_temp.mc_image_lines(lines text, separator text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    line text;
    m text[];
    rewritten text[] := '{}';
BEGIN
    FOREACH line IN ARRAY string_to_array(lines, separator) LOOP
        m := regexp_match(line, '^(\S+) — (.*)$');
        rewritten := rewritten || CASE WHEN m IS NULL THEN line ELSE pg_temp.mc_msg('intake.imageFailureLine', 'url', m[1], 'reason', m[2]) END;
    END LOOP;
    RETURN array_to_string(rewritten, separator);
END $$;

-- The collection patrol's failing sources: "channel/name (error)" joined by "; ", the errors already rewritten.
CREATE FUNCTION pg_temp.mc_failing_sources(list text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    item text;
    m text[];
    items text[] := '{}';
BEGIN
    FOREACH item IN ARRAY string_to_array(list, '; ') LOOP
        m := regexp_match(item, '^([^/]+)/(.*) \((.*)\)$');
        items := items || CASE WHEN m IS NULL THEN item ELSE pg_temp.mc_msg('intake.failingSource', 'channel', m[1], 'name', m[2], 'error', m[3]) END;
    END LOOP;
    RETURN pg_temp.mc_list(items);
END $$;

-- Sentences kept inside a longer text or a JSON document, innermost first (a fetch error before the list that holds it).
-- actors: the area's keys for "系统 / system", "公众 / public" and "平台 / platform" (NULL: that name is not the area's).
CREATE FUNCTION pg_temp.mc_embedded(t text, system_key text, public_key text, platform_key text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    m text[];
    fixed text[][] := ARRAY[
        ['地址不允许 / refused: the address is not allowed', 'intake.addressNotAllowed'],
        ['超时 / timed out', 'intake.timedOut'],
        ['内容过大 / the answer was too large', 'intake.feedTooLarge'],
        ['不是 RSS、Atom 或 JSON Feed / not an RSS, Atom or JSON feed', 'intake.notAFeed'],
        ['无法连接 / could not connect', 'intake.couldNotConnect'],
        ['图片过大 / the image is too large', 'intake.imageTooLarge'],
        ['不是图片 / not an image', 'intake.notAnImage'],
        ['该地址不可用：需要公网地址 / This address cannot be used: it must reach a public address.', 'intake.pageAddressRefused'],
        ['页面过大 / The page is larger than the size limit.', 'intake.pageTooLarge'],
        ['对方网站未及时响应 / The site did not answer in time.', 'intake.pageTimedOut'],
        ['该页面不是文章（没有可读的正文）/ The page holds no article (no readable body).', 'intake.pageNotAnArticle'],
        ['无法访问该页面 / The page could not be reached.', 'intake.pageUnreachable'],
        ['仅用于受理、答复和回访本次投诉、咨询或建议 / only to handle, reply to and follow up this ticket', 'ticket.consentPurpose']];
    i int;
    rounds int := 0;
BEGIN
    IF t IS NULL OR strpos(t, '/ ') = 0 THEN
        RETURN t;
    END IF;
    FOR i IN 1 .. array_length(fixed, 1) LOOP
        t := replace(t, fixed[i][1], pg_temp.mc_msg(fixed[i][2]));
    END LOOP;
    IF system_key IS NOT NULL THEN
        t := replace(t, '系统 / system', pg_temp.mc_msg(system_key));
    END IF;
    IF public_key IS NOT NULL THEN
        t := replace(t, '公众 / public', pg_temp.mc_msg(public_key));
    END IF;
    IF platform_key IS NOT NULL THEN
        t := replace(t, '平台 / platform', pg_temp.mc_msg(platform_key));
    END IF;
    LOOP
        rounds := rounds + 1;
        EXIT WHEN rounds > 1000 OR strpos(t, '/ ') = 0;

        m := regexp_match(t, '(对方返回 (HTTP [^/"\\]*?) / the feed answered \2)');
        IF m IS NOT NULL THEN
            t := replace(t, m[1], pg_temp.mc_msg('intake.feedAnswered', 'status', m[2])); CONTINUE;
        END IF;
        m := regexp_match(t, '(无法访问该页面（(HTTP [^）"\\]*)） / The page could not be reached\.)');
        IF m IS NOT NULL THEN
            t := replace(t, m[1], pg_temp.mc_msg('intake.pageAnswered', 'status', m[2])); CONTINUE;
        END IF;
        m := regexp_match(t, '(已转载为稿件 ([^（"\\]+)（([^，"\\]+)，([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}) UTC）/ already taken as story \2 by \3)');
        IF m IS NOT NULL THEN
            t := replace(t, m[1], pg_temp.mc_msg('intake.alreadyTaken', 'articleId', m[2], 'by', m[3], 'at', m[4])); CONTINUE;
        END IF;
        m := regexp_match(t, '(无法下载 / could not be fetched \((HTTP [^)"\\]*)\))');
        IF m IS NOT NULL THEN
            t := replace(t, m[1], pg_temp.mc_msg('intake.imageAnswered', 'status', m[2])); CONTINUE;
        END IF;
        IF strpos(t, '无法下载 / could not be fetched') > 0 THEN
            t := replace(t, '无法下载 / could not be fetched', pg_temp.mc_msg('intake.imageUnreachable')); CONTINUE;
        END IF;
        m := regexp_match(t, '(超过 ([0-9]+) 张 / more than [0-9]+ images)');
        IF m IS NOT NULL THEN
            t := replace(t, m[1], pg_temp.mc_msg('intake.tooManyImages', 'max', m[2])); CONTINUE;
        END IF;
        m := regexp_match(t, '(转载图片 ([0-9]+) / image [0-9]+)');
        IF m IS NOT NULL THEN
            t := replace(t, m[1], pg_temp.mc_msg('intake.reprintImage', 'number', m[2])); CONTINUE;
        END IF;
        m := regexp_match(t, '(一键转载 / reprinted from ([^"\\[:space:]]+))');
        IF m IS NOT NULL THEN
            t := replace(t, m[1], pg_temp.mc_msg('intake.reprintComment', 'url', m[2])); CONTINUE;
        END IF;
        -- Lines joined by a newline: a real one in a column, "\n" inside JSON.
        m := regexp_match(t, '(未能本地化的图片 / images not stored locally:(\\n|\n)((?:[^"\\]|\\[^"\\])*))');
        IF m IS NOT NULL THEN
            t := replace(t, m[1], pg_temp.mc_msg('intake.imagesNotStored', 'images', pg_temp.mc_image_lines(m[3], m[2]))); CONTINUE;
        END IF;
        m := regexp_match(t, '(转载 / reprint — ([^"\\\n]*)(?:\\n\\n|\n\n)((?:[^"\\]|\\.)*))');
        IF m IS NOT NULL THEN
            t := replace(t, m[1], pg_temp.mc_msg('intake.reprintAngle', 'attribution', m[2], 'excerpt', m[3])); CONTINUE;
        END IF;
        m := regexp_match(t, '(采集源失败超过一天 / feed sources failing for more than a day: ([^"\\]*))');
        IF m IS NOT NULL THEN
            t := replace(t, m[1], pg_temp.mc_msg('intake.patrolFailing', 'sources', pg_temp.mc_failing_sources(m[2]))); CONTINUE;
        END IF;
        EXIT;
    END LOOP;
    RETURN t;
END $$;

-- A whole legacy sentence (a notification's title or body), each half naming the same text.
CREATE FUNCTION pg_temp.mc_sentence(t text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    m text[];
BEGIN
    IF t IS NULL OR strpos(t, '/ ') = 0 THEN
        RETURN t;
    END IF;

    -- newsroom
    m := regexp_match(t, '^定时发布失败：(.*) / scheduled publishing failed$');
    IF m IS NOT NULL THEN RETURN pg_temp.mc_msg('newsroom.scheduledPublishingFailed', 'title', m[1]); END IF;
    -- A scheduled publication refused by a suspended channel: the refusal is the notice's body.
    m := regexp_match(t, '^频道已暂停对外服务，不能发布：(.*) / the channel is suspended and refuses publishing: \1$');
    IF m IS NOT NULL THEN RETURN pg_temp.mc_msg('newsroom.suspendedRefusesPublishing', 'reason', m[1]); END IF;
    m := regexp_match(t, '^稿件已超过截止时间：(.*) / Assignment past its due time: \1$');
    IF m IS NOT NULL THEN RETURN pg_temp.mc_msg('newsroom.overdueTitle', 'title', m[1]); END IF;
    m := regexp_match(t, '^截止 ([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}) \(UTC\)，仍为 ([A-Za-z0-9]+)；写稿人：(.*) / due \1 UTC, still \2; assigned to .*$');
    IF m IS NOT NULL THEN
        RETURN pg_temp.mc_msg('newsroom.overdueBody', 'due', m[1], 'stage', m[2], 'assignees', pg_temp.mc_list(string_to_array(m[3], '、')));
    END IF;

    -- tickets
    m := regexp_match(t, '^新(投诉|咨询|建议)：(.*) / New (?:complaint|consultation|suggestion): \2$');
    IF m IS NOT NULL THEN RETURN pg_temp.mc_msg('ticket.received', 'kind', pg_temp.mc_ticket_kind(m[1]), 'subject', m[2]); END IF;
    m := regexp_match(t, '^(投诉|咨询|建议)已分派：(.*) / Ticket assigned: \2$');
    IF m IS NOT NULL THEN RETURN pg_temp.mc_msg('ticket.assigned', 'kind', pg_temp.mc_ticket_kind(m[1]), 'subject', m[2]); END IF;
    m := regexp_match(t, '^(投诉|咨询|建议)超期未(受理|答复|回访)：(.*) / Ticket overdue \((?:Acknowledge|Reply|ReturnVisit)\): \3$');
    IF m IS NOT NULL THEN
        RETURN pg_temp.mc_msg('ticket.overdue', 'kind', pg_temp.mc_ticket_kind(m[1]),
            'deadline', pg_temp.mc_msg(CASE m[2] WHEN '受理' THEN 'ticket.deadlineAcknowledge' WHEN '答复' THEN 'ticket.deadlineReply' ELSE 'ticket.deadlineReturnVisit' END),
            'subject', m[3]);
    END IF;
    m := regexp_match(t, '^答复不满意：(.*) / Reply rated dissatisfied: \1$');
    IF m IS NOT NULL THEN RETURN pg_temp.mc_msg('ticket.dissatisfied', 'subject', m[1]); END IF;
    m := regexp_match(t, '^工单重新办理：(.*) / Ticket reopened: \1$');
    IF m IS NOT NULL THEN RETURN pg_temp.mc_msg('ticket.reopened', 'subject', m[1]); END IF;
    m := regexp_match(t, '^([^，]+)，(.+) 前受理 / \1, to acknowledge by \2$');
    IF m IS NOT NULL THEN RETURN pg_temp.mc_msg('ticket.acknowledgeBy', 'id', m[1], 'due', m[2]); END IF;
    m := regexp_match(t, '^([^，]+)，(.+) 前答复 / \1, to reply by \2$');
    IF m IS NOT NULL THEN RETURN pg_temp.mc_msg('ticket.replyBy', 'id', m[1], 'due', m[2]); END IF;
    m := regexp_match(t, '^([^，]+)，满意度 ([1-5])/5 / \1, satisfaction \2 of 5$');
    IF m IS NOT NULL THEN RETURN pg_temp.mc_msg('ticket.dissatisfiedBody', 'id', m[1], 'satisfaction', m[2]); END IF;
    m := regexp_match(t, '^([^，]+)，时限 (.+) / \1, due \2$');
    IF m IS NOT NULL THEN RETURN pg_temp.mc_msg('ticket.overdueBody', 'id', m[1], 'due', m[2]); END IF;

    -- people
    m := regexp_match(t, '^持证上岗人员低于 50%：([0-9]+)/([0-9]+) / Certified staff below 50 %: \1 of \2$');
    IF m IS NOT NULL THEN RETURN pg_temp.mc_msg('people.ratioBelow', 'certified', m[1], 'total', m[2]); END IF;
    m := regexp_match(t, '^(.+)：持证 (.+)，标准要求不低于 50%（§8\.1\.1\.2） / \1: \2 certified; the standard requires at least 50 % \(§8\.1\.1\.2\)$');
    IF m IS NOT NULL THEN RETURN pg_temp.mc_msg('people.ratioBelowBody', 'organisation', m[1], 'share', m[2]); END IF;
    m := regexp_match(t, '^([0-9]{4}-[0-9]{2}-[0-9]{2}) 起持证上岗人员将低于 50% / From \1 certified staff will be below 50 %$');
    IF m IS NOT NULL THEN RETURN pg_temp.mc_msg('people.ratioForecast', 'day', m[1]); END IF;
    m := regexp_match(t, '^(.+)：证书到期后持证 ([0-9]+)/([0-9]+) / \1: after expiries \2 of \3 certified$');
    IF m IS NOT NULL THEN RETURN pg_temp.mc_msg('people.ratioForecastBody', 'organisation', m[1], 'certified', m[2], 'total', m[3]); END IF;
    m := regexp_match(t, '^证书即将到期：(.+) (.+) / Certificate expiring: \1, \2$');
    IF m IS NOT NULL THEN RETURN pg_temp.mc_msg('people.certificateExpiring', 'name', m[1], 'type', m[2]); END IF;
    m := regexp_match(t, '^编号 (.+)，([0-9]{4}-[0-9]{2}-[0-9]{2}) 到期（剩 (-?[0-9]+) 天） / number \1, valid to \2 \(\3 days left\)$');
    IF m IS NOT NULL THEN RETURN pg_temp.mc_msg('people.certificateExpiringBody', 'number', m[1], 'day', m[2], 'daysLeft', m[3]); END IF;

    -- indicators and rectifications
    m := regexp_match(t, '^指标未达标：(.+)（(.+)）/ Indicator target missed: \1 \(\2\)$');
    IF m IS NOT NULL THEN RETURN pg_temp.mc_msg('indicator.targetMissed', 'name', m[1], 'month', m[2]); END IF;
    m := regexp_match(t, '^(.+)，目标 (≥|≤) (.+)；趋势 / trend: (.+)。请在 (/indicators/rectifications/\S+) 提交整改或报备 / answer with a rectification or an explanation\.$');
    IF m IS NOT NULL THEN
        RETURN pg_temp.mc_msg('indicator.targetMissedBody', 'value', m[1], 'comparison', m[2], 'target', m[3], 'trend', m[4], 'link', m[5]);
    END IF;
    m := regexp_match(t, '^整改措施逾期：(.+) / Rectification action overdue: \1$');
    IF m IS NOT NULL THEN RETURN pg_temp.mc_msg('indicator.actionOverdue', 'what', m[1]); END IF;
    m := regexp_match(t, '^(.+)：第 ([0-9]+) 项，责任人 (.+)，应于 ([0-9]{4}-[0-9]{2}-[0-9]{2}) 完成 / action \2, owner \3, due \4$');
    IF m IS NOT NULL THEN RETURN pg_temp.mc_msg('indicator.actionOverdueBody', 'source', m[1], 'number', m[2], 'owner', m[3], 'due', m[4]); END IF;

    -- hot events
    m := regexp_match(t, '^热点事件登记 / Hot event registered: (.*)$');
    IF m IS NOT NULL THEN RETURN pg_temp.mc_msg('ops.hot.registeredTitle', 'title', m[1]); END IF;
    m := regexp_match(t, '^(\S+) 登记了热点事件「(.*)」，(\S+ \S+)–(\S+ \S+) \(UTC\)，预计流量 ×([0-9.]+) / \1 registered the hot event "\2", \3–\4 UTC, expected traffic ×\5$');
    IF m IS NOT NULL THEN
        RETURN pg_temp.mc_msg('ops.hot.registeredBody', 'party', m[1], 'title', m[2], 'starts', m[3], 'ends', m[4], 'traffic', m[5]);
    END IF;

    -- security alerts
    m := regexp_match(t, '^账户 (.+) 在 ([0-9]+) 分钟内登录失败 ([0-9]+) 次 / \3 failed sign-ins for \1 within \2 minutes$');
    IF m IS NOT NULL THEN RETURN pg_temp.mc_msg('web.failedSignInsAccount', 'username', m[1], 'minutes', m[2], 'count', m[3]); END IF;
    m := regexp_match(t, '^地址 (.+) 在 ([0-9]+) 分钟内登录失败 ([0-9]+) 次 / \3 failed sign-ins from \1 within \2 minutes$');
    IF m IS NOT NULL THEN RETURN pg_temp.mc_msg('web.failedSignInsAddress', 'ip', m[1], 'minutes', m[2], 'count', m[3]); END IF;
    m := regexp_match(t, '^(.+) 在 ([0-9]+) 分钟内删除了 ([0-9]+) 项 / \1 deleted \3 items within \2 minutes$');
    IF m IS NOT NULL THEN RETURN pg_temp.mc_msg('web.bulkDeletion', 'actor', m[1], 'minutes', m[2], 'count', m[3]); END IF;

    -- A sentence of the intake kept as a whole value (a patrol notice, a feed source's error).
    RETURN pg_temp.mc_embedded(t, NULL, NULL, NULL);
END $$;

UPDATE mc.notifications
   SET title = pg_temp.mc_sentence(title), body = pg_temp.mc_sentence(body)
 WHERE strpos(title, '/ ') > 0 OR strpos(body, '/ ') > 0;

UPDATE mc.tickets SET consent_purpose = pg_temp.mc_embedded(consent_purpose, 'ticket.actorSystem', 'ticket.actorPublic', NULL)
 WHERE strpos(consent_purpose, '/ ') > 0;

UPDATE mc.articles SET card = pg_temp.mc_embedded(card::text, 'newsroom.system', NULL, NULL)::jsonb WHERE strpos(card::text, '/ ') > 0;

UPDATE mc.article_versions
   SET content = pg_temp.mc_embedded(content::text, 'newsroom.system', NULL, NULL)::jsonb,
       saved_by_name = pg_temp.mc_embedded(saved_by_name, 'newsroom.system', NULL, NULL)
 WHERE strpos(content::text, '/ ') > 0 OR strpos(saved_by_name, '/ ') > 0;

UPDATE mc.patrol_reports SET checks = pg_temp.mc_embedded(checks::text, NULL, NULL, NULL)::jsonb WHERE strpos(checks::text, '/ ') > 0;

UPDATE mc.hot_events SET card = pg_temp.mc_embedded(card::text, 'ops.systemActor', NULL, NULL)::jsonb WHERE strpos(card::text, '/ ') > 0;

UPDATE mc.rectifications SET view = pg_temp.mc_embedded(view::text, NULL, NULL, 'indicator.actorPlatform')::jsonb WHERE strpos(view::text, '/ ') > 0;

-- Grain state, as text (Orleans' JSON in UTF-8; anything else is not ours to rewrite). The incidents were 0045's.
CREATE FUNCTION pg_temp.mc_utf8(payload bytea) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN convert_from(payload, 'UTF8');
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END $$;

-- The area's key for its actors' names, by the grain's type.
CREATE FUNCTION pg_temp.mc_state(payload text, grain_type text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    system_key text := CASE
        WHEN grain_type LIKE 'article%' OR grain_type LIKE 'channel%' OR grain_type LIKE 'reprint%' OR grain_type LIKE 'collection%' THEN 'newsroom.system'
        WHEN grain_type LIKE 'ticket%' THEN 'ticket.actorSystem'
        WHEN grain_type LIKE 'hot%' THEN 'ops.systemActor'
        ELSE NULL END;
BEGIN
    IF payload IS NULL THEN
        RETURN NULL;
    END IF;
    IF system_key IS NOT NULL THEN
        payload := replace(payload, pg_temp.mc_msg('incident.systemActor'), pg_temp.mc_msg(system_key));
    END IF;
    RETURN pg_temp.mc_embedded(payload, system_key,
        CASE WHEN grain_type LIKE 'ticket%' THEN 'ticket.actorPublic' END,
        CASE WHEN grain_type LIKE 'rectification%' OR grain_type LIKE 'indicator%' THEN 'indicator.actorPlatform' END);
END $$;

UPDATE orleansstorage s
   SET payloadbinary = convert_to(r.rewritten, 'UTF8')
  FROM (SELECT grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring, serviceid,
               pg_temp.mc_state(pg_temp.mc_utf8(payloadbinary), lower(graintypestring)) AS rewritten, pg_temp.mc_utf8(payloadbinary) AS original
          FROM orleansstorage
         WHERE lower(graintypestring) NOT LIKE 'incident%'
           AND (position(convert_to('/ ', 'UTF8') IN payloadbinary) > 0
                OR position(convert_to(chr(57344) || 'incident.systemActor', 'UTF8') IN payloadbinary) > 0)) r
 WHERE r.original IS NOT NULL AND r.rewritten <> r.original
   AND s.grainidhash = r.grainidhash AND s.grainidn0 = r.grainidn0 AND s.grainidn1 = r.grainidn1 AND s.graintypehash = r.graintypehash
   AND s.graintypestring = r.graintypestring AND s.serviceid = r.serviceid
   AND s.grainidextensionstring IS NOT DISTINCT FROM r.grainidextensionstring;

-- The event log stays as written: it is the record. What people read of an old entry (a story's timeline, a record's
-- lineage: its actor and its comment) is kept beside it, rewritten the same way, one row per entry that had such a text;
-- the readers of history take it instead of the entry's payload and actor.
CREATE TABLE IF NOT EXISTS mc.event_log_display
(
    id      bigint PRIMARY KEY,
    actor   text  NULL,
    payload jsonb NOT NULL
);

INSERT INTO mc.event_log_display (id, actor, payload)
SELECT r.id, r.actor, r.payload::jsonb
  FROM (SELECT e.id, pg_temp.mc_state(e.payload::text, e.entity_type) AS payload, e.payload::text AS original,
               pg_temp.mc_state(e.actor, e.entity_type) AS actor, e.actor AS original_actor
          FROM mc.event_log e
         WHERE e.entity_type <> 'incident' AND (strpos(e.payload::text, '/ ') > 0 OR strpos(e.actor, '/ ') > 0)) r
 WHERE r.payload <> r.original OR r.actor IS DISTINCT FROM r.original_actor
ON CONFLICT (id) DO NOTHING;

-- The security alerts are append-only (their trigger refuses any update): an old alert's message is kept beside it the same
-- way, and the alert list prefers it. Neither table declares a foreign key to the log it accompanies: a reference would make
-- PostgreSQL refuse a TRUNCATE of that log for the reference before the log's own append-only trigger could refuse it.
CREATE TABLE IF NOT EXISTS mc.security_alert_display
(
    id      bigint PRIMARY KEY,
    message text NOT NULL
);

INSERT INTO mc.security_alert_display (id, message)
SELECT r.id, r.message
  FROM (SELECT a.id, pg_temp.mc_sentence(a.message) AS message, a.message AS original FROM mc.security_alerts a WHERE strpos(a.message, '/ ') > 0) r
 WHERE r.message <> r.original
ON CONFLICT (id) DO NOTHING;

DROP FUNCTION pg_temp.mc_state(text, text);
DROP FUNCTION pg_temp.mc_utf8(bytea);
DROP FUNCTION pg_temp.mc_sentence(text);
DROP FUNCTION pg_temp.mc_embedded(text, text, text, text);
DROP FUNCTION pg_temp.mc_failing_sources(text);
DROP FUNCTION pg_temp.mc_image_lines(text, text);
DROP FUNCTION pg_temp.mc_ticket_kind(text);
DROP FUNCTION pg_temp.mc_list(text[]);
DROP FUNCTION pg_temp.mc_msg(text, text[]);
