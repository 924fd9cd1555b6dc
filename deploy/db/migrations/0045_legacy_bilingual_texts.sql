-- One language system (issue 22): texts stored before the catalogue existed were composed as "中文 / English" (an
-- incident titled "终端离线：模拟终端 sim-0001（sim-0001）/ terminal offline", a notification "未确认已升级至第 2 级 /
-- unacknowledged, escalated to level 2: …", the system actor "系统 / system"). Those the grains composed are rewritten
-- here into what the grains store today: a catalogue message (key and arguments, encoded as MediaCenter.Messages.Msg
-- encodes it: U+E000 key (U+E002 name U+E003 value)* U+E001), rendered in the reader's language where it is shown.
-- People's own text inside them (names, titles, details, reasons) becomes the message's arguments, unchanged.
--
-- Each legacy sentence is recognised by its exact Chinese and English halves, as the grains wrote them (git 2b11a97 …
-- 3622917), so people's text that merely contains " / " is left alone. The rewrite runs wherever those texts were kept:
-- the incidents' read rows and snapshots, the notifications (title, body, group digest) and the incidents' grain state
-- (Orleans JSON in orleansstorage, rewritten as text so its "$type" stays first), so the next command on an incident
-- writes its read row from state that is already rewritten. Running it again changes nothing. mc.event_log, the
-- record, is left as it was written.

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

-- A terminal's alert reasons (codes, comma-separated) as the terminal grain writes them now: a list of reason messages.
CREATE FUNCTION pg_temp.mc_reasons(codes text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    args text[] := '{}';
    code text;
    n int := 0;
BEGIN
    IF codes !~ '^[a-z-]+(,[a-z-]+)*$' THEN
        RETURN codes;
    END IF;
    FOREACH code IN ARRAY string_to_array(codes, ',') LOOP
        args := args || ARRAY[n::text, CASE code
            WHEN 'heartbeat' THEN pg_temp.mc_msg('terminal.reason.heartbeat')
            WHEN 'missed-heartbeats' THEN pg_temp.mc_msg('terminal.reason.missedHeartbeats')
            WHEN 'disconnected' THEN pg_temp.mc_msg('terminal.reason.disconnected')
            WHEN 'cpu' THEN pg_temp.mc_msg('terminal.reason.cpu')
            WHEN 'memory' THEN pg_temp.mc_msg('terminal.reason.memory')
            WHEN 'disk' THEN pg_temp.mc_msg('terminal.reason.disk')
            WHEN 'temperature' THEN pg_temp.mc_msg('terminal.reason.temperature')
            WHEN 'errors' THEN pg_temp.mc_msg('terminal.reason.errors')
            ELSE code END];
        n := n + 1;
    END LOOP;
    RETURN pg_temp.mc_msg('@list', VARIADIC args);
END $$;

-- Every legacy sentence in a text (a column's value, or a JSON document's text: the patterns never cross a quote or a
-- backslash, so in JSON they stay inside one string), innermost first: a title inside a notification's body is
-- rewritten before the body.
CREATE FUNCTION pg_temp.mc_rewrite(t text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    m text[];
    p text;
    rounds int := 0;
BEGIN
    -- Every legacy sentence has "/ " between its halves (after "）" without a space).
    IF t IS NULL OR strpos(t, '/ ') = 0 THEN
        RETURN t;
    END IF;
    LOOP
        rounds := rounds + 1;
        EXIT WHEN rounds > 1000;

        p := '终端离线：([^"\\]*?)（([^"\\（）]*)）/ terminal offline';
        m := regexp_match(t, p);
        IF m IS NOT NULL THEN
            t := regexp_replace(t, p, pg_temp.mc_msg('terminal.offlineTitle', 'name', m[1], 'id', m[2])); CONTINUE;
        END IF;
        p := '终端降级：([^"\\]*?)（([^"\\（）]*)）/ terminal degraded';
        m := regexp_match(t, p);
        IF m IS NOT NULL THEN
            t := regexp_replace(t, p, pg_temp.mc_msg('terminal.degradedTitle', 'name', m[1], 'id', m[2])); CONTINUE;
        END IF;
        p := '每日巡视：([A-Za-z]+) (失败|异常) / daily patrol: [A-Za-z]+ [A-Za-z]+';
        m := regexp_match(t, p);
        IF m IS NOT NULL THEN
            t := regexp_replace(t, p, pg_temp.mc_msg('ops.patrol.incidentTitle', 'check', pg_temp.mc_msg('ops.patrol.check.' || m[1]),
                'status', pg_temp.mc_msg(CASE m[2] WHEN '失败' THEN 'ops.patrol.failed' ELSE 'ops.patrol.warning' END))); CONTINUE;
        END IF;
        p := '([^"\\]*)：([0-9]+) 台终端(离线|降级|告警) / [0-9]+ (terminals offline|terminals degraded|alerts)';
        m := regexp_match(t, p);
        IF m IS NOT NULL THEN
            t := regexp_replace(t, p, pg_temp.mc_msg('incident.group.title', 'where', m[1], 'count', m[2],
                'kind', pg_temp.mc_msg(CASE m[3] WHEN '离线' THEN 'incident.kind.offline' WHEN '降级' THEN 'incident.kind.degraded' ELSE 'incident.kind.other' END)));
            CONTINUE;
        END IF;
        p := '共 ([0-9]+) 台，仍(离线|降级|告警) ([0-9]+)，已恢复 ([0-9]+) / [0-9]+ members, [0-9]+ still out, [0-9]+ back';
        m := regexp_match(t, p);
        IF m IS NOT NULL THEN
            t := regexp_replace(t, p, pg_temp.mc_msg('incident.group.counts', 'total', m[1],
                'kind', pg_temp.mc_msg(CASE m[2] WHEN '离线' THEN 'incident.kind.offline' WHEN '降级' THEN 'incident.kind.degraded' ELSE 'incident.kind.other' END),
                'active', m[3], 'back', m[4]));
            CONTINUE;
        END IF;
        p := '；优先级升至 (P[1-4]) / raised to P[1-4]';
        m := regexp_match(t, p);
        IF m IS NOT NULL THEN
            t := regexp_replace(t, p, pg_temp.mc_msg('incident.group.raised', 'severity', m[1])); CONTINUE;
        END IF;
        p := '；全部恢复，建议解决 / all (members are back|back): resolution proposed';
        IF t ~ p THEN
            t := regexp_replace(t, p, pg_temp.mc_msg('incident.group.allBack')); CONTINUE;
        END IF;
        p := '故障再次出现 / the fault recurred: ([^"\\]*)';
        m := regexp_match(t, p);
        IF m IS NOT NULL THEN
            t := regexp_replace(t, p, pg_temp.mc_msg('incident.recurred', 'detail', m[1])); CONTINUE;
        END IF;
        p := '终端已恢复在线 / the terminal is back: ([^"\\]*)';
        m := regexp_match(t, p);
        IF m IS NOT NULL THEN
            t := regexp_replace(t, p, pg_temp.mc_msg('terminal.backOnline', 'reason', pg_temp.mc_reasons(m[1]))); CONTINUE;
        END IF;
        p := '未确认已升级至第 ([0-9]+) 级 / unacknowledged, escalated to level [0-9]+: (P[1-4]) ([^"\\]*)';
        m := regexp_match(t, p);
        IF m IS NOT NULL THEN
            t := regexp_replace(t, p, pg_temp.mc_msg('incident.notice.escalated', 'level', m[1], 'severity', m[2], 'title', m[3])); CONTINUE;
        END IF;
        p := '频道 ([^ "\\]+) 暂停对外服务 / channel [^ "\\]+ suspended: ([^"\\]*)';
        m := regexp_match(t, p);
        IF m IS NOT NULL THEN
            t := regexp_replace(t, p, pg_temp.mc_msg('incident.notice.suspended', 'channel', m[1], 'reason', m[2])); CONTINUE;
        END IF;
        p := '频道 ([^ "\\]+) 经验证恢复服务 / channel [^ "\\]+ reopened after verification: ([^"\\]*)';
        m := regexp_match(t, p);
        IF m IS NOT NULL THEN
            t := regexp_replace(t, p, pg_temp.mc_msg('incident.notice.resumed', 'channel', m[1], 'note', m[2])); CONTINUE;
        END IF;
        p := '([^"\\]*) 告警已恢复 / cleared: ([^"\\]*)';
        m := regexp_match(t, p);
        IF m IS NOT NULL THEN
            t := regexp_replace(t, p, pg_temp.mc_msg('incident.notice.cleared', 'title', m[1], 'note', m[2])); CONTINUE;
        END IF;
        p := '([^"\\]*) 已解决 / resolved';
        m := regexp_match(t, p);
        IF m IS NOT NULL THEN
            t := regexp_replace(t, p, pg_temp.mc_msg('incident.notice.resolved', 'title', m[1])); CONTINUE;
        END IF;
        p := '系统 / system';
        IF strpos(t, p) > 0 THEN
            t := replace(t, p, pg_temp.mc_msg('incident.systemActor')); CONTINUE;
        END IF;
        EXIT;
    END LOOP;
    RETURN t;
END $$;

UPDATE mc.incidents
   SET title = pg_temp.mc_rewrite(title), snapshot = pg_temp.mc_rewrite(snapshot::text)::jsonb
 WHERE strpos(title, '/ ') > 0 OR strpos(snapshot::text, '/ ') > 0;

UPDATE mc.notifications
   SET title = pg_temp.mc_rewrite(title), body = pg_temp.mc_rewrite(body), group_digest = pg_temp.mc_rewrite(group_digest::text)::jsonb
 WHERE strpos(title, '/ ') > 0 OR strpos(body, '/ ') > 0 OR strpos(group_digest::text, '/ ') > 0;

-- Grain state, as text: the documents are Orleans' JSON in UTF-8; anything else (not UTF-8) is not ours to rewrite.
CREATE FUNCTION pg_temp.mc_utf8(payload bytea) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN convert_from(payload, 'UTF8');
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END $$;

UPDATE orleansstorage s
   SET payloadbinary = convert_to(r.rewritten, 'UTF8')
  FROM (SELECT grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring, serviceid,
               pg_temp.mc_rewrite(pg_temp.mc_utf8(payloadbinary)) AS rewritten, pg_temp.mc_utf8(payloadbinary) AS original
          FROM orleansstorage
         WHERE position(convert_to('/ ', 'UTF8') IN payloadbinary) > 0) r
 WHERE r.original IS NOT NULL AND r.rewritten <> r.original
   AND s.grainidhash = r.grainidhash AND s.grainidn0 = r.grainidn0 AND s.grainidn1 = r.grainidn1 AND s.graintypehash = r.graintypehash
   AND s.graintypestring = r.graintypestring AND s.serviceid = r.serviceid
   AND s.grainidextensionstring IS NOT DISTINCT FROM r.grainidextensionstring;

DROP FUNCTION pg_temp.mc_utf8(bytea);
DROP FUNCTION pg_temp.mc_rewrite(text);
DROP FUNCTION pg_temp.mc_reasons(text);
DROP FUNCTION pg_temp.mc_msg(text, text[]);
