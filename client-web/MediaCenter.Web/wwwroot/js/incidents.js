// Incidents (故障处理, F9.2) and the alert centre (告警中心): a live list of incidents with their escalation
// countdowns, the detail with the whole timeline and the moves the caller may make (from the lifecycle table the API
// serves), the dialogs those moves need, a manual report form, monthly MTTA/MTTR, and the bell with unread
// notifications. Addresses: /incidents and /incidents/{id}.
import {
  mc, t, formatTime, $, h, tf, joined, newKey, post, slug, me, isPhone, field, onSubmit, day as today,
  problemText as problemParts, showError as showProblem, messageLine, dialogShell as openDialog, pad, navigate, lineageBlock,
} from "./lib.js";

(function () {
  // ---------------------------------------------------------------- small helpers

  function problemText(err) {
    return problemParts(err, p => {
      const moves = (p.allowedMoves || []).filter(m => m !== "Escalate" && m !== "Report").map(m => t("inc.cmd." + m));
      return t("inc.currentState") + t("inc.stage." + p.currentState) + " · " + t("inc.allowedMoves") + (joined(moves) || "—");
    });
  }

  function showError(el, err) { showProblem(el, err, problemText); }

  const message = messageLine("inc-message", problemText);

  // "mm:ss" or "h:mm:ss" until a moment.
  function countdown(ms) {
    const total = Math.max(0, Math.floor(ms / 1000));
    const hours = Math.floor(total / 3600), minutes = Math.floor((total % 3600) / 60), seconds = total % 60;
    return (hours > 0 ? hours + ":" + pad(minutes) : pad(minutes)) + ":" + pad(seconds);
  }

  function minutes(value) {
    if (value === null || value === undefined) { return "—"; }
    if (value < 60) { return tf("inc.minutes", { n: value.toFixed(1) }); }
    return tf("inc.hours", { h: Math.floor(value / 60), m: Math.round(value % 60) });
  }

  // ---------------------------------------------------------------- who may do what

  const STAGES = ["Reported", "Acknowledged", "ServiceSuspended", "Mitigated", "Resolved", "RootCauseRecorded", "FeedbackSent", "Closed"];
  const SEVERITIES = ["P1", "P2", "P3", "P4"];
  // RootCauseCategory on the server; reports count causes by it.
  const CAUSE_CATEGORIES = ["Hardware", "Network", "Power", "Software", "Configuration", "ThirdParty", "Operation", "Environment", "Management", "Unknown"];

  // The incident lifecycle as the server has it (GET /api/v1/incidents/workflow): in a stage, a command by one of the
  // roles leads to the next stage. The server refuses anything else (409/403).
  let workflow = null;
  let workflowLoading = null;
  function loadWorkflow() {
    workflowLoading ??= mc.api("/api/v1/incidents/workflow").then(w => { workflow = w.transitions; }, err => { workflowLoading = null; throw err; });
    return workflowLoading;
  }

  // The roles the caller holds for an incident, as the table names them (Party only for the affected party).
  function heldRoles(incident) {
    const user = me();
    const held = new Set();
    if (!user) { return held; }
    if (isOperator()) { held.add("Operator"); }
    if (user.platformRoles.includes("management")) { held.add("Management"); }
    if (user.partyId && (!incident || (incident.partyId || null) === user.partyId)) { held.add("Party"); }
    return held;
  }

  function permitted(incident) {
    const held = heldRoles(incident);
    const commands = [];
    for (const row of workflow || []) {
      if (row.from === incident.stage && row.roles.some(r => held.has(r)) && !commands.includes(row.command)) { commands.push(row.command); }
    }
    return commands;
  }

  function isOperator() { const u = me(); return !!u && (u.platformRoles.includes("admin") || u.platformRoles.includes("operator")); }
  function canSeeIncidents() { const u = me(); return !!u && (isOperator() || u.platformRoles.includes("management") || !!u.partyId); }
  function canReport() { const u = me(); return !!u && (isOperator() || !!u.partyId); }
  function readByMe(incident) { const u = me(); return !!u && (incident.feedbackReads || []).some(r => r.userId === u.id); }

  // ---------------------------------------------------------------- state

  let started = false;
  let token = 0;
  const incidents = new Map();      // id → snapshot without timeline
  let loaded = false;
  let detail = null;                // { id, incident (with timeline) }
  let detailToken = 0;
  let channels = null;              // GET /api/channels
  const parties = new Map();        // id → name
  let stats = [];

  // ---------------------------------------------------------------- the list: a snapshot, then pushes by version

  // A snapshot replaces the one shown unless it is older; repeats of the fault count up without a new version.
  function newer(next, known) {
    return !known || next.version > known.version || (next.version === known.version && next.occurrences > known.occurrences);
  }

  function onIncidentChanged(incident) {
    if (!incident || !incident.id || !started) { return; }
    const known = incidents.get(incident.id);
    if (!newer(incident, known)) { return; }
    incidents.set(incident.id, incident);
    renderList();
    if (detail && detail.id === incident.id && newer(incident, detail.incident)) { refreshDetailSoon(); }
    statsSoon();
  }

  // A storm pushes a version per member: the open detail is read again at most twice a second.
  let detailRefresh = null;
  function refreshDetailSoon() {
    if (detailRefresh) { return; }
    detailRefresh = setTimeout(() => { detailRefresh = null; refreshDetail().catch(() => {}); }, 500);
  }

  async function loadList() {
    const mine = ++token;
    const rows = await mc.api("/api/v1/incidents?limit=200");
    if (mine !== token || !started) { return; }
    for (const row of rows) {
      if (newer(row, incidents.get(row.id))) { incidents.set(row.id, row); }
    }
    loaded = true;
    renderList();
  }

  function partyName(id) { return id ? parties.get(id) || id : t("inc.platform"); }

  function stageFilter() { return $("inc-stage").value; }

  function renderFilter() {
    const select = $("inc-stage");
    const chosen = select.value || "";
    const counts = {};
    for (const i of incidents.values()) { counts[i.stage] = (counts[i.stage] || 0) + 1; }
    const open = [...incidents.values()].filter(i => i.stage !== "Closed").length;
    const label = (text, n) => text + " (" + n + ")";
    select.replaceChildren(
      h("option", { value: "", text: label(t("inc.all"), incidents.size) }),
      h("option", { value: "open", text: label(t("inc.open"), open) }),
      ...STAGES.map(s => h("option", { value: s, text: label(t("inc.stage." + s), counts[s] || 0) })));
    select.value = chosen;
  }

  function renderList() {
    const root = $("inc-list");
    root.dataset.loaded = String(loaded);
    renderFilter();
    if (!loaded) { root.replaceChildren(h("p", { class: "muted", text: t("inc.loading") })); return; }
    const filter = stageFilter();
    const rows = [...incidents.values()]
      .filter(i => !filter || (filter === "open" ? i.stage !== "Closed" : i.stage === filter))
      .sort((a, b) => Date.parse(b.reportedAt) - Date.parse(a.reportedAt));
    root.replaceChildren(...(rows.length === 0 ? [h("p", { class: "muted inc-empty", text: t("inc.none") })] : rows.map(cardElement)));
    tick();
  }

  function severityBadge(severity) { return h("span", { class: "sev sev-" + severity, title: t("inc.sev." + severity), text: severity }); }

  function stageChip(stage, id) { return h("span", { class: "chip inc-stage stage-" + stage, id, text: t("inc.stage." + stage) }); }

  function cardElement(incident) {
    const el = h("article", {
      class: "inc-card", tabindex: "0",
      dataset: { id: incident.id, stage: incident.stage, severity: incident.severity, version: incident.version, party: incident.partyId, subject: incident.subject },
    },
    h("div", { class: "inc-card-top" },
      severityBadge(incident.severity), stageChip(incident.stage),
      h("span", { class: "chip inc-level", title: t("inc.escalationLevel"), text: tf("inc.level", { n: incident.escalationLevel }) }),
      h("span", { class: "chip inc-occurrences" + (incident.occurrences > 1 ? " repeated" : ""), title: t("inc.occurrences"), text: "×" + incident.occurrences }),
      incident.suspendedChannel && incident.stage !== "ServiceSuspended"
        ? h("span", { class: "chip inc-suspended", title: incident.suspendedChannel, text: t("inc.suspendedShort") }) : null,
      groupChips(incident)),
    h("h3", { class: "inc-card-title", text: incident.title }),
    h("div", { class: "inc-line muted" }, partyName(incident.partyId), incident.channel ? " · " + incident.channel : "", " · ", t("inc.source." + incident.source)),
    h("div", { class: "inc-line" },
      h("span", { class: "nr-label", text: t("inc.reportedAt") }), " ", formatTime(incident.reportedAt),
      incident.acknowledgedAt ? [" · ", h("span", { class: "nr-label", text: t("inc.acknowledgedAt") }), " ", formatTime(incident.acknowledgedAt)] : null),
    countdownLine(incident),
    incident.feedback ? h("div", { class: "inc-line inc-feedback-line" }, h("span", { class: "nr-label", text: t("inc.feedback") }), " ",
      tf("inc.readCount", { n: (incident.feedbackReads || []).length })) : null);
    el.addEventListener("click", () => openIncident(incident.id));
    el.addEventListener("keydown", event => { if (event.key === "Enter" && event.target === el) { openIncident(incident.id); } });
    return el;
  }

  // While it waits for acknowledgement, the time left before it escalates to the next on-call level.
  function countdownLine(incident) {
    if (incident.stage !== "Reported" || !incident.escalatesAt) { return null; }
    return h("div", { class: "inc-line inc-countdown", dataset: { escalatesAt: incident.escalatesAt, level: incident.escalationLevel } },
      h("span", { class: "nr-label", text: t("inc.escalatesIn") }), " ", h("strong", { class: "inc-clock", text: "" }));
  }

  function tick() {
    const now = Date.now();
    document.querySelectorAll("#incidents [data-escalates-at], #inc-detail [data-escalates-at]").forEach(el => {
      const left = Date.parse(el.dataset.escalatesAt) - now;
      const clock = el.querySelector(".inc-clock");
      if (!clock) { return; }
      clock.textContent = left > 0 ? countdown(left) : t("inc.escalatingNow");
      el.classList.toggle("due", left <= 0);
      el.classList.toggle("soon", left > 0 && left < 5 * 60 * 1000);
    });
  }
  setInterval(tick, 1000);

  // ---------------------------------------------------------------- the detail

  // Every incident has an address (/incidents/{id}): opening one goes there, and the route opens the detail.
  function openIncident(id) { navigate("/incidents/" + encodeURIComponent(id)); }

  // Closing the detail goes back to the list's address; outside the incidents page it just closes.
  function leaveDetail() {
    if (location.pathname.startsWith("/incidents/")) { navigate("/incidents"); } else { closeDetail(); }
  }

  async function openDetail(id) {
    const panel = $("inc-detail");
    const mine = ++detailToken;
    if (!detail || detail.id !== id) {
      detail = null;
      panel.replaceChildren(h("p", { class: "muted nr-detail-loading", text: t("inc.loading") }));
    }
    panel.hidden = false;
    panel.dataset.id = id;
    placeDetail();
    document.body.classList.add("nr-detail-open");
    try {
      const [incident] = await Promise.all([mc.api("/api/v1/incidents/" + encodeURIComponent(id)), loadWorkflow()]);
      if (mine !== detailToken) { return; }
      detail = { id, incident };
      renderDetail();
    } catch (err) {
      if (mine === detailToken) { panel.replaceChildren(detailHead(null), h("p", { class: "error nr-detail-loading", role: "alert", text: problemText(err) })); }
    }
  }

  // On a wide screen the panel starts below the top bar, so the bell and the live badge stay in sight; on a phone it takes the screen.
  function placeDetail() {
    const panel = $("inc-detail");
    const bar = document.querySelector(".topbar");
    panel.style.top = isPhone() || !bar ? "" : bar.offsetHeight + "px";
  }

  function closeDetail() {
    detailToken++;
    detail = null;
    const panel = $("inc-detail");
    panel.hidden = true;
    panel.replaceChildren();
    delete panel.dataset.id;
    if ($("nr-detail").hidden) { document.body.classList.remove("nr-detail-open"); }
  }

  async function refreshDetail() {
    if (!detail) { return; }
    const id = detail.id;
    const mine = detailToken;
    const incident = await mc.api("/api/v1/incidents/" + encodeURIComponent(id));
    if (mine !== detailToken || !detail || detail.id !== id || !newer(incident, detail.incident)) { return; }
    detail.incident = incident;
    renderDetail();
  }

  // My own command went through: its answer (the incident with its timeline) shows at once; the push follows and is ignored by version.
  function applied(incident) {
    if (!incident) { return; }
    const { timeline, ...row } = incident;
    if (newer(row, incidents.get(row.id))) { incidents.set(row.id, row); }
    renderList();
    if (detail && detail.id === incident.id && newer(incident, detail.incident)) { detail.incident = incident; renderDetail(); }
    statsSoon();
  }

  function detailHead(incident) {
    return h("header", { class: "nr-detail-head" },
      h("button", { type: "button", class: "lang", id: "inc-detail-close", text: isPhone() ? "‹ " + t("inc.back") : t("inc.close"), onclick: leaveDetail }),
      incident ? severityBadge(incident.severity) : null,
      h("h2", { id: "inc-detail-title", text: incident ? incident.title : t("inc.detail") }),
      incident ? stageChip(incident.stage, "inc-detail-stage") : null);
  }

  function fact(label, value, className) {
    if (value === null || value === undefined || value === "") { return null; }
    return [h("dt", { text: label }), h("dd", { class: className || null }, value instanceof Node ? value : String(value))];
  }

  // The 来源与变更 block, fetched again only when the incident has a new version.
  function incidentLineage(incident) {
    if (!detail.lineage || detail.lineage.dataset.version !== String(incident.version)) {
      detail.lineage = lineageBlock("incident", incident.id);
      detail.lineage.dataset.version = String(incident.version);
    }
    return detail.lineage;
  }

  function renderDetail() {
    const panel = $("inc-detail");
    const incident = detail.incident;
    panel.dataset.stage = incident.stage;
    panel.dataset.version = String(incident.version);
    panel.dataset.severity = incident.severity;
    const level = incident.escalationLevel;
    const facts = h("dl", { class: "inc-facts" },
      fact(t("inc.id"), incident.id),
      fact(t("inc.sourceLabel"), t("inc.source." + incident.source)),
      fact(t("inc.party"), partyName(incident.partyId)),
      fact(t("inc.channel"), incident.channel),
      fact(t("inc.subject"), incident.subject),
      fact(t("inc.reportedAt"), formatTime(incident.reportedAt)),
      fact(t("inc.acknowledgedAt"), incident.acknowledgedAt ? formatTime(incident.acknowledgedAt) + (incident.owner ? " · " + incident.owner : "") : null),
      fact(t("inc.resolvedAt"), incident.resolvedAt ? formatTime(incident.resolvedAt) : null),
      fact(t("inc.closedAt"), incident.closedAt ? formatTime(incident.closedAt) : null),
      fact(t("inc.occurrences"), "×" + incident.occurrences + " · " + t("inc.lastOccurrence") + " " + formatTime(incident.lastOccurrenceAt), "inc-occurrences"),
      fact(t("inc.escalationLevel"), tf("inc.level", { n: level }) + " · " + t("inc.audience." + Math.min(level, 3))),
      incident.stage === "Reported" && incident.escalatesAt
        ? fact(t("inc.escalatesIn"), h("span", { class: "inc-countdown", dataset: { escalatesAt: incident.escalatesAt } }, h("strong", { class: "inc-clock" }))) : null,
      fact(t("inc.suspendedChannel"), incident.suspendedChannel, "inc-suspended-channel"),
      fact(t("inc.plan"), incident.planId ? incident.planId + " v" + incident.planVersion : null));
    panel.replaceChildren(
      detailHead(incident),
      h("div", { class: "nr-detail-body" },
        h("div", { class: "nr-facts" }, facts),
        incident.detail ? h("p", { class: "inc-text", id: "inc-detail-text", text: incident.detail }) : null,
        groupSection(incident),
        actionsBlock(incident),
        rootCauseSection(incident),
        feedbackSection(incident),
        timelineSection(incident.timeline || []),
        incidentLineage(incident)));
    tick();
  }

  const PRIMARY = ["Acknowledge", "SuspendService", "Mitigate", "ResumeService", "Resolve", "RecordRootCause", "SendFeedback", "Close", "Reopen"];
  const SECONDARY = ["SetSeverity", "CitePlan", "Comment"];

  function actionsBlock(incident) {
    const allowed = permitted(incident);
    const hints = [];
    const primary = PRIMARY.filter(c => allowed.includes(c)).filter(c => {
      // What the table allows but the incident's facts refuse: no button, a hint instead.
      if (c === "ResumeService" && !incident.suspendedChannel) { return false; }
      if (c === "Resolve" && incident.suspendedChannel) { hints.push(tf("inc.hint.resumeFirst", { channel: incident.suspendedChannel })); return false; }
      if (c === "Close" && (incident.actions || []).some(a => !a.doneAt)) { hints.push(t("inc.hint.actionsOpen")); return false; }
      return true;
    });
    const secondary = SECONDARY.filter(c => allowed.includes(c));
    if (primary.length === 0 && secondary.length === 0 && hints.length === 0) { return null; }
    const button = (command, extra) => h("button", {
      type: "button", class: "nr-act" + (extra || "") + (["SuspendService", "Reopen"].includes(command) ? " danger" : ""),
      dataset: { action: command }, text: t("inc.cmd." + command), onclick: () => runAction(incident, command),
    });
    return h("section", { class: "nr-section", id: "inc-detail-actions" },
      primary.length ? h("div", { class: "nr-actions inc-primary" }, primary.map(c => button(c, c === primary.find(p => p !== "Reopen") ? " main" : ""))) : null,
      secondary.length ? h("div", { class: "nr-actions inc-secondary" }, secondary.map(c => button(c, " minor"))) : null,
      hints.map(text => h("p", { class: "muted inc-hint", text })));
  }

  function rootCauseSection(incident) {
    const cause = incident.rootCause;
    const actions = incident.actions || [];
    const canUpdate = permitted(incident).includes("UpdateAction");
    if (!cause && actions.length === 0) { return null; }
    return h("section", { class: "nr-section", id: "inc-root-cause" },
      h("h3", { text: t("inc.rootCause") }),
      cause ? h("dl", { class: "inc-facts" }, cause.category ? fact(t("inc.category"), t("inc.category." + cause.category), "inc-category") : null,
        fact(t("inc.technical"), cause.technical, "inc-technical"), fact(t("inc.management"), cause.management, "inc-management")) : null,
      h("h3", { text: t("inc.actions") }),
      h("ul", { class: "inc-actions", id: "inc-action-list" },
        actions.length === 0 ? h("li", { class: "muted", text: t("inc.noActions") }) : actions.map(a => h("li", { dataset: { number: a.number, done: String(!!a.doneAt) }, class: a.doneAt ? "done" : "" },
          h("span", { class: "inc-action-text" }, h("strong", { text: "#" + a.number + " " }), a.description),
          h("span", { class: "muted" }, " · ", t("inc.owner"), " ", a.owner, " · ", t("inc.due"), " ", a.due,
            a.doneAt ? [" · ", h("span", { class: "inc-done", text: t("inc.doneAt") + " " + formatTime(a.doneAt) })] : null),
          !a.doneAt && canUpdate ? h("button", { type: "button", class: "nr-act inc-action-done", dataset: { number: a.number }, text: t("inc.markDone"),
            onclick: event => markActionDone(incident, a.number, event.currentTarget) }) : null))),
      canUpdate ? h("button", { type: "button", class: "lang", id: "inc-action-add", text: t("inc.addAction"), onclick: () => runAction(incident, "UpdateAction") }) : null);
  }

  function feedbackSection(incident) {
    if (!incident.feedback) { return null; }
    const reads = incident.feedbackReads || [];
    const canRead = permitted(incident).includes("ReadFeedback") && !readByMe(incident);
    const error = h("p", { class: "error", role: "alert", hidden: true });
    return h("section", { class: "nr-section inc-feedback", id: "inc-feedback" },
      h("h3", { text: t("inc.feedback") }),
      h("p", { class: "inc-text", id: "inc-feedback-text", text: incident.feedback }),
      h("h4", { text: t("inc.receipts") }),
      h("ul", { class: "inc-receipts", id: "inc-receipts" },
        reads.length === 0 ? h("li", { class: "muted empty", text: t("inc.noReceipts") })
          : reads.map(r => h("li", { dataset: { user: r.userId } }, h("strong", { text: r.name }), " · ", h("time", { class: "muted", text: formatTime(r.at) })))),
      canRead ? h("button", { type: "button", class: "primary compact", id: "inc-read-feedback", text: t("inc.cmd.ReadFeedback"), onclick: async event => {
        const button = event.currentTarget;
        button.disabled = true;
        try { applied(await post("/api/v1/incidents/" + encodeURIComponent(incident.id) + "/read-feedback", {})); }
        catch (err) { showError(error, err); button.disabled = false; }
      } }) : null,
      readByMe(incident) ? h("p", { class: "muted", id: "inc-read-mine", text: t("inc.readByMe") }) : null,
      error);
  }

  // ---------------------------------------------------------------- grouped incidents (an alert storm as one incident)

  const GROUP_LISTED = 500;

  function groupText(key, values) { return values ? tf("inc.group." + key, values) : t("inc.group." + key); }

  // Boards get the counts only; the member list comes with the incident itself.
  function groupChips(incident) {
    const g = incident.group;
    if (!g || g.active + g.recovered < 2) { return g && g.allRecoveredAt ? h("span", { class: "chip inc-proposed", text: groupText("proposed") }) : null; }
    return [
      h("span", { class: "chip inc-group-count", title: groupText("members"), text: g.active + " " + groupText("active") + " · " + g.recovered + " " + groupText("recovered") }),
      g.allRecoveredAt ? h("span", { class: "chip inc-proposed", text: groupText("proposed") }) : null,
    ];
  }

  function groupSection(incident) {
    const g = incident.group;
    if (!g || !g.members) { return null; }
    const members = [...g.members].sort((a, b) => (!!a.recoveredAt - !!b.recoveredAt) || (a.since < b.since ? -1 : a.since > b.since ? 1 : 0));
    const rows = members.slice(0, GROUP_LISTED).map(m => h("li", { class: m.recoveredAt ? "inc-member back" : "inc-member", dataset: { member: m.id } },
      h("strong", { text: m.name }), " ", h("span", { class: "muted", text: m.id }), " · ",
      h("span", { text: groupText("since") + " " + formatTime(m.since) }), " · ",
      h("span", { class: "inc-member-state", text: m.recoveredAt ? groupText("recovered") + " " + formatTime(m.recoveredAt) : groupText("active") })));
    return h("section", { class: "nr-section inc-group", id: "inc-group", dataset: { active: g.active, recovered: g.recovered } },
      h("h3", { text: groupText("members") + " " + members.length + " · " + g.active + " " + groupText("active") + " · " + g.recovered + " " + groupText("recovered") }),
      g.allRecoveredAt ? h("p", { class: "inc-proposed", id: "inc-group-proposed", text: groupText("proposed") }) : null,
      h("ul", { class: "inc-members", id: "inc-members" }, rows),
      members.length > GROUP_LISTED ? h("p", { class: "muted", text: groupText("more", { n: members.length - GROUP_LISTED }) }) : null);
  }

  function timelineSection(timeline) {
    const items = timeline.map(entry => h("li", { dataset: { command: entry.command, version: entry.version } },
      h("time", { class: "muted", text: formatTime(entry.at) }), " ",
      h("strong", { text: actorName(entry.actor) }), " ",
      h("span", { text: t("inc.cmd." + entry.command) + (entry.to !== entry.from ? " → " + t("inc.stage." + entry.to) : "") }),
      entry.text ? h("div", { class: "nr-comment", text: "“" + entry.text + "”" }) : null)).reverse();
    return h("section", { class: "nr-section" }, h("h3", { text: t("inc.timeline") }), h("ol", { class: "nr-timeline", id: "inc-timeline" }, items));
  }

  function actorName(name) { return !name || name === "系统 / system" ? t("inc.system") : name; }

  async function markActionDone(incident, number, button) {
    button.disabled = true;
    try {
      applied(await post("/api/v1/incidents/" + encodeURIComponent(incident.id) + "/update-action", { action: { number } }));
    } catch (err) {
      button.disabled = false;
      message(err);
    }
  }

  // ---------------------------------------------------------------- commands and their dialogs

  function textArea(name, required, value) { return h("textarea", { name, rows: "3", maxlength: "4000", required, value: value || "" }); }

  const dialogShell = (titleText, form) => openDialog("inc-dialog", titleText, form);

  async function loadChannels() {
    channels ??= await mc.api("/api/channels");
    return channels;
  }

  function runAction(incident, command) {
    if (command === "Acknowledge") { quick(incident, command); return; }
    openActionDialog(incident, command).catch(err => message(err));
  }

  // One click, no questions: taking an incident must be fast.
  async function quick(incident, command) {
    const button = document.querySelector(`#inc-detail-actions [data-action=${command}]`);
    if (button) { button.disabled = true; }
    try {
      applied(await post("/api/v1/incidents/" + encodeURIComponent(incident.id) + "/" + slug(command), {}));
    } catch (err) {
      message(err);
      if (button) { button.disabled = false; }
    }
  }

  async function openActionDialog(incident, command) {
    const form = h("form", { class: "form nr-form", id: "inc-action-form", dataset: { action: command, id: incident.id } });
    const fields = [];
    let collect = () => ({ text: form.elements.text.value.trim() || null });

    switch (command) {
      case "SuspendService": {
        const list = (await loadChannels()).filter(c => !incident.partyId || c.partyId === incident.partyId);
        const select = h("select", { name: "channel", id: "inc-suspend-channel", required: true },
          list.map(c => h("option", { value: c.code, selected: c.code === incident.channel, text: c.name + " (" + c.code + ")" })));
        fields.push(list.length ? field(t("inc.suspendChannel"), select) : h("p", { class: "error", text: t("inc.noChannels") }));
        fields.push(h("p", { class: "muted", text: t("inc.suspendHint") }));
        fields.push(field(t("inc.reason"), textArea("text", true)));
        collect = () => ({ channel: form.elements.channel.value, text: form.elements.text.value.trim() });
        break;
      }
      case "ResumeService":
        fields.push(h("p", { class: "muted", text: tf("inc.resumeHint", { channel: incident.suspendedChannel || "" }) }));
        fields.push(field(t("inc.verification"), textArea("text", true)));
        break;
      case "Mitigate": fields.push(field(t("inc.mitigation"), textArea("text", false))); break;
      case "Resolve": fields.push(field(t("inc.resolution"), textArea("text", false))); break;
      case "Close": fields.push(field(t("inc.comment"), textArea("text", false))); break;
      case "Reopen": fields.push(field(t("inc.reopenReason"), textArea("text", true))); break;
      case "Comment": fields.push(field(t("inc.commentText"), textArea("text", true))); break;
      case "SendFeedback":
        fields.push(h("p", { class: "muted", text: t("inc.feedbackHint") }));
        fields.push(field(t("inc.feedbackText"), textArea("text", true, incident.feedback || "")));
        break;
      case "SetSeverity":
        fields.push(field(t("inc.severity"), h("select", { name: "severity", id: "inc-severity" },
          SEVERITIES.map(s => h("option", { value: s, selected: s === incident.severity, text: s + " · " + t("inc.sev." + s) })))));
        collect = () => ({ severity: form.elements.severity.value });
        break;
      case "CitePlan": {
        let plans = [];
        try { plans = (await mc.api("/api/v1/plans" + (incident.partyId ? "?partyId=" + encodeURIComponent(incident.partyId) : ""))).filter(p => p.effectiveVersion); }
        catch { plans = []; }
        fields.push(plans.length
          ? field(t("inc.plan"), h("select", { name: "plan", id: "inc-plan", required: true },
            plans.map(p => h("option", { value: p.id, dataset: { version: p.effectiveVersion }, text: p.title + " · v" + p.effectiveVersion }))))
          : h("p", { class: "muted", text: t("inc.noPlans") }));
        collect = () => {
          const option = form.elements.plan && form.elements.plan.selectedOptions[0];
          return option ? { planId: option.value, planVersion: Number(option.dataset.version) } : null;
        };
        break;
      }
      case "RecordRootCause": {
        const cause = incident.rootCause || { technical: "", management: "", category: null };
        fields.push(field(t("inc.category"), h("select", { name: "category", id: "inc-category", required: true },
          h("option", { value: "", text: t("inc.categoryChoose") }),
          CAUSE_CATEGORIES.map(c => h("option", { value: c, text: t("inc.category." + c), selected: cause.category === c })))));
        fields.push(field(t("inc.technical"), h("textarea", { name: "technical", id: "inc-technical", rows: "3", maxlength: "4000", required: true, value: cause.technical })));
        fields.push(field(t("inc.management"), h("textarea", { name: "management", id: "inc-management", rows: "3", maxlength: "4000", required: true, value: cause.management })));
        fields.push(actionFieldset(false));
        collect = () => {
          const body = { category: form.elements.category.value || null, technical: form.elements.technical.value.trim(), management: form.elements.management.value.trim() };
          const action = actionValue(form, false);
          if (action) { body.action = action; }
          return body;
        };
        break;
      }
      case "UpdateAction":
        fields.push(actionFieldset(true));
        collect = () => ({ action: actionValue(form, true) });
        break;
      default:
        fields.push(field(t("inc.comment"), textArea("text", false)));
    }

    const error = h("p", { class: "error", id: "inc-action-error", role: "alert", hidden: true });
    const submit = h("button", { type: "submit", class: "primary" + (["SuspendService", "Reopen"].includes(command) ? " danger" : ""), id: "inc-action-submit", text: t("inc.cmd." + command) });
    const cancel = h("button", { type: "button", class: "lang", id: "inc-action-cancel", text: t("inc.cancel") });
    form.append(h("p", { class: "muted", text: incident.severity + " · " + incident.title }), ...fields, error, h("div", { class: "nr-buttons" }, submit, cancel));
    const dialog = dialogShell(t("inc.cmd." + command), form);
    cancel.addEventListener("click", () => dialog.close());

    onSubmit(form, { error, submit, describe: problemText }, async once => {
      const body = collect();
      if (!body) { throw new Error(t("inc.noPlans")); }
      const result = await once(key => post("/api/v1/incidents/" + encodeURIComponent(incident.id) + "/" + slug(command), body, key));
      dialog.close();
      applied(result);
    });
  }

  // A corrective action: what, who, by when. Optional with the root cause, required on its own.
  function actionFieldset(required) {
    return h("fieldset", { class: "nr-checks inc-action-fields", id: "inc-action-fields" },
      h("legend", { text: required ? t("inc.newAction") : t("inc.firstAction") }),
      field(t("inc.actionDescription"), h("input", { name: "actionDescription", id: "inc-action-description", maxlength: "500", required })),
      field(t("inc.owner"), h("input", { name: "actionOwner", id: "inc-action-owner", maxlength: "100", required })),
      field(t("inc.due"), h("input", { name: "actionDue", id: "inc-action-due", type: "date", required, value: today(14) })));
  }

  function actionValue(form, required) {
    const description = form.elements.actionDescription.value.trim();
    const owner = form.elements.actionOwner.value.trim();
    const due = form.elements.actionDue.value;
    if (!required && !description && !owner) { return null; }
    if (!description || !owner || !due) { throw new Error(t("inc.actionIncomplete")); }
    return { description, owner, due };
  }

  // ---------------------------------------------------------------- reporting by hand

  async function openReportDialog() {
    const user = me();
    const operator = isOperator();
    let partyList = [];
    try { partyList = await mc.api("/api/parties"); } catch { partyList = []; }
    for (const p of partyList) { parties.set(p.id, p.name); }
    const all = await loadChannels().catch(() => []);
    const partySelect = operator ? h("select", { name: "partyId", id: "inc-report-party" },
      h("option", { value: "", text: t("inc.platform") }), partyList.map(p => h("option", { value: p.id, text: p.name + " (" + p.id + ")" }))) : null;
    const channelSelect = h("select", { name: "channel", id: "inc-report-channel" });
    const fillChannels = () => {
      const party = operator ? partySelect.value : user.partyId;
      channelSelect.replaceChildren(h("option", { value: "", text: t("inc.noChannel") }),
        ...all.filter(c => !party || c.partyId === party).map(c => h("option", { value: c.code, text: c.name + " (" + c.code + ")" })));
    };
    if (partySelect) { partySelect.addEventListener("change", fillChannels); }
    fillChannels();

    const error = h("p", { class: "error", id: "inc-report-error", role: "alert", hidden: true });
    const submit = h("button", { type: "submit", class: "primary", id: "inc-report-submit", text: t("inc.submitReport") });
    const cancel = h("button", { type: "button", class: "lang", text: t("inc.cancel") });
    const form = h("form", { class: "form nr-form", id: "inc-report-form" },
      field(t("inc.titleField"), h("input", { name: "title", id: "inc-report-title", required: true, maxlength: "200" })),
      field(t("inc.detailField"), h("textarea", { name: "detail", id: "inc-report-detail", rows: "4", maxlength: "4000" })),
      field(t("inc.severity"), h("select", { name: "severity", id: "inc-report-severity" },
        SEVERITIES.map(s => h("option", { value: s, selected: s === "P3", text: s + " · " + t("inc.sev." + s) })))),
      partySelect ? field(t("inc.party"), partySelect) : null,
      field(t("inc.channelOptional"), channelSelect),
      error, h("div", { class: "nr-buttons" }, submit, cancel));
    const dialog = dialogShell(t("inc.report"), form);
    cancel.addEventListener("click", () => dialog.close());
    onSubmit(form, { error, submit, describe: problemText }, async once => {
      const body = {
        title: form.elements.title.value.trim(), detail: form.elements.detail.value.trim(), severity: form.elements.severity.value,
        partyId: partySelect ? partySelect.value || null : null, channel: channelSelect.value || null,
      };
      const incident = await once(key => post("/api/v1/incidents", body, key));
      dialog.close();
      applied(incident);
      openIncident(incident.id);
    });
  }

  // ---------------------------------------------------------------- monthly figures (MTTA / MTTR)

  let statsTimer = null;
  function statsSoon() {
    if (!started || statsTimer) { return; }
    statsTimer = setTimeout(() => { statsTimer = null; loadStats().catch(() => {}); }, 1000);
  }

  async function loadStats() {
    stats = await mc.api("/api/v1/incidents/stats?months=6");
    if (!started) { return; }
    renderStats();
  }

  function renderStats() {
    const body = $("inc-stats");
    body.replaceChildren();
    if (stats.length === 0) {
      body.append(h("tr", {}, h("td", { colspan: "6", class: "muted", text: t("inc.noStats") })));
    }
    for (const m of stats) {
      body.append(h("tr", { dataset: { month: m.month } },
        h("td", { dataset: { label: t("inc.month") }, text: m.month }),
        h("td", { dataset: { label: t("inc.reportedCount") }, text: String(m.reported) }),
        h("td", { dataset: { label: t("inc.acknowledgedCount") }, text: String(m.acknowledged) }),
        h("td", { dataset: { label: t("inc.resolvedCount") }, text: String(m.resolved) }),
        h("td", { class: "inc-mtta", dataset: { label: "MTTA" }, text: minutes(m.meanMinutesToAcknowledge) }),
        h("td", { class: "inc-mttr", dataset: { label: "MTTR" }, text: minutes(m.meanMinutesToResolve) })));
    }
    renderChart().catch(() => {});
  }

  async function renderChart() {
    const element = $("inc-stats-chart");
    element.hidden = stats.length === 0;
    if (stats.length === 0 || $("incidents").hidden || !mc.loadEcharts) { return; }
    await mc.loadEcharts();
    const chart = window.echarts.getInstanceByDom(element) || window.echarts.init(element);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: v => (v === null || v === undefined ? "—" : v + " min") },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 32, bottom: 28 },
      xAxis: { type: "category", data: stats.map(m => m.month) },
      yAxis: { type: "value", name: t("inc.minutesAxis") },
      series: [
        { name: "MTTA", type: "bar", data: stats.map(m => m.meanMinutesToAcknowledge) },
        { name: "MTTR", type: "bar", data: stats.map(m => m.meanMinutesToResolve) },
      ],
    }, true);
    chart.resize();
  }

  // ---------------------------------------------------------------- the alert centre (bell)

  const bell = { loaded: false, unread: 0, list: null, countTimer: null, known: new Set() };

  function bellVisible() { const u = me(); return !!u && (isOperator() || u.platformRoles.includes("management") || !!u.partyId); }

  async function loadUnread() {
    const answer = await mc.api("/api/v1/notifications/unread-count");
    bell.unread = Number(answer.unread) || 0;
    bell.loaded = true;
    renderBell();
  }

  async function loadNotifications() {
    const list = await mc.api("/api/v1/notifications?limit=30");
    bell.list = list;
    for (const n of list) { bell.known.add(n.id); }
    renderBellList();
  }

  function renderBell() {
    const button = $("bell");
    const count = $("bell-count");
    button.dataset.count = String(bell.unread);
    button.dataset.loaded = String(bell.loaded);
    count.textContent = bell.unread > 99 ? "99+" : String(bell.unread);
    count.hidden = bell.unread === 0;
    button.setAttribute("aria-label", tf("bell.label", { n: bell.unread }));
    button.title = tf("bell.label", { n: bell.unread });
  }

  function renderBellList() {
    const ul = $("bell-list");
    if (!bell.list) { ul.replaceChildren(h("li", { class: "muted empty", text: t("inc.loading") })); return; }
    if (bell.list.length === 0) { ul.replaceChildren(h("li", { class: "muted empty", text: t("bell.none") })); return; }
    ul.replaceChildren(...bell.list.map(n => {
      const li = h("li", { class: "bell-item" + (n.read ? "" : " unread"), dataset: { id: n.id, read: String(!!n.read), incident: n.incidentId, kind: n.kind, link: n.link } },
        h("button", { type: "button", class: "bell-open", onclick: () => openNotification(n) },
          h("span", { class: "bell-item-top" }, n.severity ? severityBadge(n.severity) : null, " ",
            h("span", { class: "chip", text: t("bell.kind." + n.kind) === "bell.kind." + n.kind ? n.kind : t("bell.kind." + n.kind) }),
            h("time", { class: "muted", text: formatTime(n.createdAt) })),
          h("strong", { class: "bell-title", text: n.title }),
          h("span", { class: "bell-body", text: n.body })),
        n.read ? null : h("button", { type: "button", class: "link-button bell-mark", text: t("bell.markRead"), onclick: () => markRead(n) }));
      return li;
    }));
  }

  function onNotification(n) {
    if (!n || !n.id || bell.known.has(n.id)) { return; }
    bell.known.add(n.id);
    bell.unread += 1;
    renderBell();
    if (bell.list) {
      bell.list.unshift({ id: n.id, audience: n.audience, kind: n.kind, incidentId: n.incidentId, partyId: n.partyId, severity: n.severity,
        title: n.title, body: n.body, createdAt: n.at, link: n.link, read: false });
      renderBellList();
    }
    // The count the server keeps is the truth: fetch it again shortly, once for a burst.
    clearTimeout(bell.countTimer);
    bell.countTimer = setTimeout(() => loadUnread().catch(() => {}), 1500);
  }

  async function markRead(n) {
    if (n.read) { return; }
    try {
      await mc.api("/api/v1/notifications/" + encodeURIComponent(n.id) + "/read", { method: "POST", headers: { "Idempotency-Key": newKey() } });
      n.read = true;
      bell.unread = Math.max(0, bell.unread - 1);
      renderBell();
      renderBellList();
      loadUnread().catch(() => {});
    } catch { /* left unread; the next try will tell */ }
  }

  async function markAllRead() {
    try {
      await mc.api("/api/v1/notifications/read-all", { method: "POST", headers: { "Idempotency-Key": newKey() } });
      for (const n of bell.list || []) { n.read = true; }
      bell.unread = 0;
      renderBell();
      renderBellList();
      loadUnread().catch(() => {});
    } catch { /* nothing changed */ }
  }

  async function openNotification(n) {
    await markRead(n);
    toggleBell(false);
    if (n.incidentId && canSeeIncidents()) { navigate(n.link || "/incidents/" + encodeURIComponent(n.incidentId)); }
  }

  function toggleBell(open) {
    const panel = $("bell-panel");
    const next = open === undefined ? panel.hidden : open;
    panel.hidden = !next;
    document.body.classList.toggle("bell-open", next);
    $("bell").setAttribute("aria-expanded", String(next));
    if (next) { renderBellList(); loadNotifications().catch(() => {}); }
  }

  // ---------------------------------------------------------------- lifecycle

  async function start() {
    if (started) { return; }
    started = true;
    loaded = false;
    renderList();
    $("inc-report-open").hidden = !canReport();
    try {
      const partyList = await mc.api("/api/parties").catch(() => []);
      for (const p of partyList) { parties.set(p.id, p.name); }
      await loadList();
      loadStats().catch(() => {});
    } catch (err) {
      message(err);
      started = false;
    }
  }

  function reset() {
    started = false;
    token++;
    loaded = false;
    incidents.clear();
    parties.clear();
    channels = null;
    stats = [];
    closeDetail();
    const dialog = $("inc-dialog");
    if (dialog.open) { dialog.close(); }
    $("inc-list").replaceChildren();
    $("inc-list").dataset.loaded = "false";
    $("inc-stats").replaceChildren();
    message(null);
    Object.assign(bell, { loaded: false, unread: 0, list: null, known: new Set() });
    clearTimeout(bell.countTimer);
    $("bell-panel").hidden = true;
    document.body.classList.remove("bell-open");
    renderBell();
  }

  function signedIn() {
    reset();
    document.querySelectorAll(".tab[data-role=incidents]").forEach(tab => { tab.hidden = !canSeeIncidents(); });
    $("bell").hidden = !bellVisible();
    if (bellVisible()) { loadUnread().catch(() => {}); }
  }

  mc.live.on("incidentChanged", onIncidentChanged);
  mc.live.on("notification", onNotification);
  mc.live.onReconnected(() => {
    if (bellVisible()) {
      loadUnread().catch(() => {});
      if (!$("bell-panel").hidden) { loadNotifications().catch(() => {}); }
    }
    if (started) {
      loadList().catch(err => message(err));
      loadStats().catch(() => {});
      if (detail) { openDetail(detail.id); }
    }
  });

  document.addEventListener("mc:view", event => {
    if (event.detail === "incidents") { start(); renderChart().catch(() => {}); } else if (detail) { closeDetail(); }
  });
  document.addEventListener("mc:route", event => {
    const { view, parts } = event.detail;
    if (view !== "incidents") { return; }
    const panel = $("inc-detail");
    if (parts[0]) {
      if (panel.hidden || panel.dataset.id !== parts[0]) { openDetail(parts[0]); }
    } else if (!panel.hidden) { closeDetail(); }
  });
  document.addEventListener("mc:signed-in", signedIn);
  document.addEventListener("mc:signed-out", () => { reset(); $("bell").hidden = true; });
  document.addEventListener("mc:language", () => {
    renderBell();
    if (!$("bell-panel").hidden) { renderBellList(); }
    if (!started) { return; }
    renderList();
    renderStats();
    if (detail) { renderDetail(); }
  });
  document.addEventListener("keydown", event => {
    if (event.key !== "Escape") { return; }
    if (!$("bell-panel").hidden) { toggleBell(false); return; }
    if (detail && !$("inc-dialog").open) { leaveDetail(); }
  });
  document.addEventListener("click", event => {
    if (!$("bell-panel").hidden && !event.target.closest(".bell-wrap")) { toggleBell(false); }
  });
  window.addEventListener("resize", () => {
    if (!$("inc-detail").hidden) { placeDetail(); }
    const el = $("inc-stats-chart");
    const chart = window.echarts && el && window.echarts.getInstanceByDom(el);
    if (chart) { chart.resize(); }
  });

  document.addEventListener("DOMContentLoaded", () => {
    $("inc-stage").addEventListener("change", renderList);
    $("inc-report-open").addEventListener("click", () => openReportDialog().catch(err => message(err)));
    $("bell").addEventListener("click", () => toggleBell());
    $("bell-read-all").addEventListener("click", markAllRead);
    renderBell();
  });
})();
