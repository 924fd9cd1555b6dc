// The newsroom (采编, F6/F7): a channel's live board (snapshot + versioned deltas), filing pitches, the story
// detail with the draft editor, my tasks (the phone view), and the chief's channel settings.
// Addresses: /newsroom/{channel} (the board) and /newsroom/{channel}/{story} (the story open over it).
import {
  mc, i18n, t, formatTime, $, h, tf, joined, keyed, send, slug, me, isPhone, field, onSubmit, localInput, navigate,
  problemText as problemParts, showError as showProblem, messageLine, dialogShell as openDialog, loadLibrary, lineageBlock,
} from "./lib.js";
import { interactionPanel } from "./interaction.js";

(function () {
  // ---------------------------------------------------------------- small helpers

  function command(id, type, body, key) {
    return send("POST", "/api/v1/articles/" + encodeURIComponent(id) + "/" + slug(type), body, key);
  }

  // For a refused move: the state and what is allowed there.
  function problemText(err) {
    return problemParts(err, p => {
      const moves = (p.allowedMoves || []).filter(m => m !== "FireSchedule").map(m => t("nr.cmd." + m));
      return t("nr.currentState") + t("nr.stage." + p.currentState) + " · " + t("nr.allowedMoves") + (joined(moves) || t("nr.none"));
    });
  }

  function showError(el, err) { showProblem(el, err, problemText); }

  const message = messageLine("nr-message", problemText);

  function upload(channel, file) {
    const form = new FormData();
    form.append("file", file);
    return mc.api("/api/v1/channels/" + encodeURIComponent(channel) + "/media", { method: "POST", body: form });
  }

  // ---------------------------------------------------------------- state

  let workflow = null;            // GET /api/v1/newsroom/workflow
  let channels = [];              // GET /api/channels
  let started = false;            // the newsroom was opened since sign-in
  let clockOffset = 0;            // server time − browser time, from the snapshot
  const now = () => Date.now() + clockOffset;
  const members = new Map();      // channel → members
  let tasks = [];
  let view = "board";
  let detail = null;              // the open story
  let detailToken = 0;

  // The board of one channel: the snapshot's version, then deltas applied strictly in order.
  const board = { code: null, token: 0, loaded: false, version: 0, cards: new Map(), policy: null, buffer: [], name: "", partyId: null, lastReload: 0 };

  function me() { return mc.me(); }

  function rolesIn(channel) {
    const mine = ((me() || {}).channels || []).filter(c => c.channel === channel);
    return {
      chief: mine.some(c => c.role === "chief"),
      editor: mine.some(c => c.role === "editor"),
      levels: mine.filter(c => c.role === "reviewer" && c.reviewLevel).map(c => c.reviewLevel),
    };
  }

  // The roles the caller holds relative to a story, as the workflow table names them.
  function heldRoles(card) {
    const user = me();
    const roles = rolesIn(card.channel);
    const held = new Set();
    if (!user) { return held; }
    if (roles.chief) { held.add("Chief"); }
    if (roles.editor) {
      held.add("Editor");
      if (card.author && card.author.id === user.id) { held.add("Author"); }
      if ((card.assignees || []).some(a => a.id === user.id)) { held.add("Assignee"); }
    }
    if (card.stage === "InReview" && roles.levels.includes(card.reviewLevel)) { held.add("Reviewer"); }
    return held;
  }

  // Commands this caller may give on this story now: rows of the transition table from its stage, with a role held.
  function permitted(card) {
    if (!workflow) { return []; }
    const held = heldRoles(card);
    const commands = [];
    for (const row of workflow.transitions) {
      if (row.from === card.stage && row.command !== "FireSchedule" && row.roles.some(r => held.has(r)) && !commands.includes(row.command)) {
        commands.push(row.command);
      }
    }
    return commands;
  }

  function canManagePolicy(code) {
    const user = me();
    if (!user) { return false; }
    if (rolesIn(code).chief) { return true; }
    const channel = channels.find(c => c.code === code);
    return user.platformRoles.includes("admin") || user.platformRoles.includes("operator")
      || (user.partyRole === "party-admin" && channel && channel.partyId === user.partyId);
  }

  // ---------------------------------------------------------------- board: snapshot + deltas

  function onBoardChanged(delta) {
    if (!delta || delta.channel !== board.code) { return; }
    if (!board.loaded) { board.buffer.push(delta); return; }
    if (applyDelta(delta)) { boardChanged(delta.card); }
  }

  // Applies one delta; false when it changed nothing (old) or revealed a gap (a reload is on its way).
  function applyDelta(delta) {
    if (delta.version <= board.version) { return false; }
    if (delta.version > board.version + 1) {
      board.buffer.push(delta);
      reloadBoard();
      return false;
    }
    board.version = delta.version;
    if (delta.card) { upsertCard(delta.card); }
    if (delta.policy) { board.policy = delta.policy; }
    return true;
  }

  // A card replaces the one shown unless it is older (an answer to my command may overtake a delta).
  function upsertCard(card) {
    if (card.channel !== board.code) { return; }
    const known = board.cards.get(card.id);
    if (known && known.version > card.version) { return; }
    if (card.stage === "Deleted") { board.cards.delete(card.id); } else { board.cards.set(card.id, card); }
  }

  let tasksTimer = null;
  function boardChanged(card) {
    renderBoard();
    if (detail && card && card.id === detail.id && card.version > detail.card.version) { refreshDetail().catch(() => {}); }
    // My tasks follow the board: refresh soon, once for a burst of changes.
    if (!tasksTimer) { tasksTimer = setTimeout(() => { tasksTimer = null; loadTasks().catch(() => {}); }, 300); }
  }

  async function openBoard(code) {
    const token = ++board.token;
    const previous = board.code;
    Object.assign(board, { code, loaded: false, version: 0, cards: new Map(), policy: null, buffer: [] });
    closeDetail();
    renderBoard();
    renderToolbar();
    message(null);
    if (!code) { return; }
    localStorage.setItem("mc.nr.channel", code);
    if (previous && previous !== code) { mc.live.invoke("UnwatchBoard", previous).catch(() => {}); }
    try {
      // Subscribe first, then read the snapshot: deltas arriving meanwhile wait in the buffer.
      const watching = await mc.live.invoke("WatchBoard", code);
      if (token !== board.token) { return; }
      if (!watching) { throw new Error(t("nr.noChannel")); }
      await loadSnapshot(token);
    } catch (err) {
      if (token === board.token) { message(err); }
    }
  }

  async function loadSnapshot(token) {
    board.loaded = false;
    board.lastReload = Date.now();
    const asked = Date.now();
    const snapshot = await mc.api("/api/v1/channels/" + encodeURIComponent(board.code) + "/board");
    const answered = Date.now();
    if (token !== board.token) { return; }
    clockOffset = Date.parse(snapshot.serverTime) - (asked + answered) / 2;
    board.version = snapshot.version;
    board.policy = snapshot.policy;
    board.name = snapshot.name;
    board.partyId = snapshot.partyId;
    board.cards = new Map(snapshot.cards.filter(c => c.stage !== "Deleted").map(c => [c.id, c]));
    board.loaded = true;
    // Deltas that came while the snapshot was on its way: older ones are in it already.
    const buffered = board.buffer.sort((a, b) => a.version - b.version);
    board.buffer = [];
    for (const delta of buffered) {
      applyDelta(delta);
      if (!board.loaded) {
        // A gap: applyDelta started another reload; keep the rest for it.
        board.buffer.push(...buffered.slice(buffered.indexOf(delta) + 1));
        break;
      }
    }
    renderBoard();
    renderToolbar();
    if (detail) { refreshDetail().catch(() => {}); }
    if (view === "collection") { loadCollection().catch(err => message(err)); }
  }

  let reloading = null;
  function reloadBoard() {
    if (reloading || !board.code) { return; }
    board.loaded = false;
    const token = board.token;
    // Back-to-back gaps wait a little, so a lost delta does not turn into a reload loop.
    const wait = Math.max(0, 500 - (Date.now() - board.lastReload));
    reloading = new Promise(resolve => setTimeout(resolve, wait))
      .then(() => loadSnapshot(token))
      .catch(err => { if (token === board.token) { message(err); } })
      .finally(() => { reloading = null; });
  }

  async function rewatch() {
    if (!board.code) { return; }
    const token = board.token;
    board.loaded = false;
    await mc.live.invoke("WatchBoard", board.code);
    if (token === board.token) { await loadSnapshot(token); }
  }

  // ---------------------------------------------------------------- board: rendering

  function columnOf(card) {
    switch (card.stage) {
      case "Pitched": return "pitched";
      case "Confirmed": return "confirmed";
      case "Assigned": return "assigned";
      case "Drafting": return "drafting";
      case "InReview": return "review-" + Math.min(Math.max(card.reviewLevel || 1, 1), 3);
      case "Approved": case "Scheduled": return "pending";
      case "Published": return "published";
      case "PitchReturned": case "Rejected": return "returned";
      case "Withdrawn": return "withdrawn";
      default: return null;
    }
  }

  function levelName(level) { return t("nr.level." + level); }

  function renderBoard() {
    const root = $("nr-board");
    root.dataset.channel = board.code || "";
    root.dataset.loaded = String(board.loaded);
    root.dataset.version = String(board.version);
    if (!board.code) { root.replaceChildren(h("p", { class: "muted", text: t("nr.noChannel") })); return; }
    const cards = [...board.cards.values()];
    const levels = Math.max(board.policy ? board.policy.reviewLevels : 3, ...cards.filter(c => c.stage === "InReview").map(c => c.reviewLevel));
    const columns = ["pitched", "confirmed", "assigned", "drafting", ...[1, 2, 3].filter(l => l <= levels).map(l => "review-" + l),
      "pending", "published", "returned", "withdrawn"];
    const byColumn = new Map(columns.map(c => [c, []]));
    for (const card of cards) { const column = columnOf(card); if (byColumn.has(column)) { byColumn.get(column).push(card); } }
    root.replaceChildren(...columns.map(column => {
      const list = byColumn.get(column).sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt));
      return h("section", { class: "nr-col", dataset: { column }, "aria-label": t("nr.col." + column) },
        h("h2", { class: "nr-col-head" }, h("span", { text: t("nr.col." + column) }), h("span", { class: "nr-count", text: String(list.length) })),
        h("div", { class: "nr-col-cards" }, list.map(card => cardElement(card))));
    }));
    $("nr-policy").textContent = policyText();
    updateClock();
  }

  function policyText() {
    const p = board.policy;
    if (!p) { return board.loaded ? "" : t("nr.loading"); }
    const text = tf("nr.policy", { levels: p.reviewLevels, targets: joined(p.targets.map(x => t("nr.target." + x))) });
    return p.suspended ? t("nr.suspended") + (p.suspendedReason || "") + " · " + text : text;
  }

  function line(label, value, className) {
    if (value === null || value === undefined || value === "") { return null; }
    return h("div", { class: "nr-line " + (className || "") }, h("span", { class: "nr-label", text: label }), " ", value instanceof Node ? value : String(value));
  }

  function dueLine(card) {
    if (!card.dueAt) { return null; }
    return h("div", { class: "nr-line nr-due" }, h("span", { class: "nr-label", text: t("nr.due") }), " ", formatTime(card.dueAt), " ",
      h("span", { class: "nr-overdue", hidden: true, text: t("nr.overdue") }));
  }

  function targetChips(card) {
    if (!card.targets || card.targets.length === 0) { return null; }
    return line(t("nr.publishedTo"), h("span", { class: "nr-targets" },
      card.targets.map(s => h("span", { class: "chip" + (s.withdrawnAt ? " withdrawn" : ""), dataset: { target: s.target }, text: t("nr.target." + s.target) }))));
  }

  // The card's facts, shared by the board, my tasks and the story detail.
  function cardFacts(card) {
    return [
      line(t("nr.author"), card.author && card.author.name),
      card.assignees && card.assignees.length ? line(t("nr.assignees"), joined(card.assignees.map(a => a.name))) : null,
      dueLine(card),
      card.stage === "InReview" ? line(t("nr.reviewAt"), `${levelName(card.reviewLevel)} ${card.reviewLevel}/${card.reviewLevels}`, "nr-level") : null,
      card.progress > 0 && ["Assigned", "Drafting", "Rejected"].includes(card.stage) ? line(t("nr.progress"), card.progress + "%") : null,
      card.scheduledAt ? line(t("nr.scheduledAt"), formatTime(card.scheduledAt), "nr-scheduled") : null,
      targetChips(card),
      card.lastComment ? line(t("nr.lastComment"), "“" + card.lastComment + "”", "nr-comment") : null,
    ];
  }

  function actionButtons(card, except) {
    const actions = permitted(card).filter(a => !(except || []).includes(a));
    if (actions.length === 0) { return null; }
    return h("div", { class: "nr-actions" }, actions.map(action =>
      h("button", { type: "button", class: "nr-act" + (["Delete", "ReturnPitch", "Reject", "Withdraw"].includes(action) ? " danger" : ""),
        dataset: { action }, text: t("nr.cmd." + action), onclick: event => { event.stopPropagation(); runAction(card.id, action); } })));
  }

  function cardElement(card) {
    const el = h("article", {
      class: "nr-card", tabindex: "0",
      dataset: { id: card.id, stage: card.stage, reviewLevel: card.reviewLevel, version: card.version, due: card.dueAt, overdue: "false" },
    },
    h("div", { class: "nr-card-top" }, h("span", { class: "chip kind", text: t("nr.kind." + card.kind) }), h("span", { class: "muted nr-card-id", text: card.id })),
    h("h3", { class: "nr-card-title", text: card.title }),
    cardFacts(card),
    actionButtons(card));
    el.addEventListener("click", () => openStory(card));
    el.addEventListener("keydown", event => { if (event.key === "Enter" && event.target === el) { openStory(card); } });
    return el;
  }

  // Overdue appears the moment the due time passes: a tick every second against the server's clock.
  function updateClock() {
    const n = now();
    document.querySelectorAll("#newsroom [data-due], #nr-detail [data-due]").forEach(el => {
      const overdue = !!el.dataset.due && Date.parse(el.dataset.due) < n && ["Assigned", "Drafting", "Rejected"].includes(el.dataset.stage);
      if (el.dataset.overdue === String(overdue)) { return; }
      el.dataset.overdue = String(overdue);
      el.classList.toggle("overdue", overdue);
      el.querySelectorAll(".nr-overdue").forEach(badge => { badge.hidden = !overdue; });
    });
  }
  setInterval(updateClock, 1000);

  function renderToolbar() {
    const code = board.code;
    $("nr-file-open").hidden = !code || !rolesIn(code).editor;
    $("nr-reprint-open").hidden = !code || !rolesIn(code).editor;
    $("nr-settings-open").hidden = !code || !canManagePolicy(code);
  }

  // ---------------------------------------------------------------- my tasks

  async function loadTasks() {
    if (!started) { return; }
    tasks = await mc.api("/api/v1/me/tasks");
    renderTasks();
  }

  function renderTasks() {
    const list = $("nr-tasks");
    if (tasks.length === 0) { list.replaceChildren(h("li", { class: "empty muted", text: t("nr.noTasks") })); return; }
    list.replaceChildren(...tasks.map(card => {
      const channel = channels.find(c => c.code === card.channel);
      const stage = card.stage === "InReview" ? `${t("nr.stage.InReview")} · ${levelName(card.reviewLevel)} ${card.reviewLevel}/${card.reviewLevels}` : t("nr.stage." + card.stage);
      const li = h("li", { class: "nr-task", tabindex: "0", dataset: { id: card.id, stage: card.stage, due: card.dueAt, overdue: "false" } },
        h("div", { class: "nr-task-head" }, h("strong", { class: "nr-card-title", text: card.title }), h("span", { class: "chip stage", text: stage })),
        h("div", { class: "muted", text: (channel ? channel.name : card.channel) + " · " + t("nr.kind." + card.kind) }),
        dueLine(card),
        card.progress > 0 ? line(t("nr.progress"), card.progress + "%") : null,
        card.lastComment ? line(t("nr.lastComment"), "“" + card.lastComment + "”", "nr-comment") : null);
      li.addEventListener("click", () => openStory(card));
      li.addEventListener("keydown", event => { if (event.key === "Enter") { openStory(card); } });
      return li;
    }));
    updateClock();
  }

  function setView(next) {
    view = next;
    document.querySelectorAll(".nr-view").forEach(b => {
      b.classList.toggle("active", b.dataset.nrView === next);
      b.setAttribute("aria-selected", String(b.dataset.nrView === next));
    });
    $("nr-board").hidden = next !== "board";
    $("nr-tasks-view").hidden = next !== "tasks";
    $("nr-collection-view").hidden = next !== "collection";
    if (next === "tasks") { loadTasks().catch(err => message(err)); }
    if (next === "collection") { loadCollection().catch(err => message(err)); }
  }

  // ---------------------------------------------------------------- actions and their dialogs

  function runAction(id, action) {
    const card = board.cards.get(id) || (detail && detail.id === id ? detail.card : null) || tasks.find(c => c.id === id);
    if (!card) { return; }
    if (action === "SaveDraft") { openStory(card); openDetail(id, { focusEditor: true }); return; }
    openActionDialog(card, action).catch(err => message(err));
  }

  const dialogShell = (titleText, form) => openDialog("nr-dialog", titleText, form);

  function targetBoxes(selected) {
    const enabled = board.policy ? board.policy.targets : ["Pc", "Wap", "App"];
    return h("fieldset", { class: "nr-checks", id: "nr-targets" }, h("legend", { text: t("nr.targets") }),
      enabled.map(target => h("label", { class: "nr-check" },
        h("input", { type: "checkbox", name: "target", value: target, checked: !selected || selected.includes(target) }),
        h("span", { text: t("nr.target." + target) }))));
  }

  async function channelEditors(channel) {
    if (!members.has(channel)) { members.set(channel, await mc.api("/api/channels/" + encodeURIComponent(channel) + "/members")); }
    const seen = new Set();
    return members.get(channel).filter(m => m.role === "editor" && !seen.has(m.userId) && seen.add(m.userId));
  }

  async function openActionDialog(card, action) {
    const form = h("form", { class: "form nr-form", dataset: { action, id: card.id } });
    const fields = [];
    const needsReason = ["ReturnPitch", "Reject", "Withdraw"].includes(action);
    let article = null;

    if (action === "EditPitch" || action === "Refile") {
      article = await mc.api("/api/v1/articles/" + encodeURIComponent(card.id));
      fields.push(field(t("nr.pitchTitle"), h("input", { name: "title", required: true, maxlength: "200", value: article.card.title })));
      fields.push(field(t("nr.angle"), h("textarea", { name: "angle", rows: "4", maxlength: "2000", value: article.angle })));
      fields.push(kindSelect("kind", article.card.kind));
    }
    if (action === "Assign") {
      const editors = await channelEditors(card.channel);
      const chosen = new Set((card.assignees || []).map(a => a.id));
      fields.push(h("fieldset", { class: "nr-checks", id: "nr-assignees" }, h("legend", { text: t("nr.assignTo") }),
        editors.length === 0 ? h("p", { class: "muted", text: t("nr.noEditors") }) : editors.map(m => h("label", { class: "nr-check" },
          h("input", { type: "checkbox", name: "assignee", value: m.userId, checked: chosen.has(m.userId), dataset: { username: m.username } }),
          h("span", { text: m.displayName + " (" + m.username + ")" })))));
      const due = card.dueAt ? new Date(card.dueAt) : new Date(now() + 24 * 3600 * 1000);
      fields.push(field(t("nr.dueAt"), h("input", { type: "datetime-local", name: "dueAt", required: true, value: localInput(due) })));
    }
    if (action === "ReportProgress") {
      fields.push(field(t("nr.progressValue"), h("input", { type: "number", name: "progress", min: "0", max: "100", required: true, value: String(card.progress || 0) })));
    }
    if (action === "Publish") { fields.push(targetBoxes(null)); }
    if (action === "Schedule") {
      fields.push(field(t("nr.at"), h("input", { type: "datetime-local", name: "at", required: true, value: localInput(new Date(now() + 3600 * 1000)) })));
      fields.push(targetBoxes(null));
    }
    const commentLabel = action === "ReportProgress" ? t("nr.progressNote") : needsReason ? t("nr.reason") : t("nr.comment");
    fields.push(field(commentLabel, h("textarea", { name: "comment", rows: "3", maxlength: "2000", required: needsReason })));

    const error = h("p", { class: "error", id: "nr-action-error", role: "alert", hidden: true });
    const submit = h("button", { type: "submit", class: "primary" + (needsReason || action === "Delete" ? " danger" : ""), id: "nr-action-submit", text: t("nr.cmd." + action) });
    const cancel = h("button", { type: "button", class: "lang", id: "nr-action-cancel", text: t("nr.cancel") });
    form.append(h("p", { class: "muted", text: card.title }), ...fields, error, h("div", { class: "nr-buttons" }, submit, cancel));
    const dialog = dialogShell(t("nr.cmd." + action), form);
    cancel.addEventListener("click", () => dialog.close());

    onSubmit(form, { error, submit, describe: problemText }, async once => {
      const body = { comment: form.elements.comment.value.trim() || null };
      if (article) { body.title = form.elements.title.value; body.angle = form.elements.angle.value; body.kind = form.elements.kind.value; }
      if (action === "Assign") {
        body.assignees = [...form.querySelectorAll("input[name=assignee]:checked")].map(i => i.value);
        body.dueAt = new Date(form.elements.dueAt.value).toISOString();
      }
      if (action === "ReportProgress") { body.progress = Number(form.elements.progress.value); }
      if (action === "Publish" || action === "Schedule") { body.targets = [...form.querySelectorAll("input[name=target]:checked")].map(i => i.value); }
      if (action === "Schedule") { body.at = new Date(form.elements.at.value).toISOString(); }
      // Submitting from the editor saves unsaved changes first.
      if (action === "Submit" && detail && detail.id === card.id && detail.dirty) { await saveDraft(); }
      const result = await once(key => command(card.id, action, body, key));
      dialog.close();
      applied(result);
    });
  }

  // My own command went through: show it at once (the delta follows and is ignored by version).
  function applied(card) {
    if (!card) { return; }
    upsertCard(card);
    renderBoard();
    if (detail && detail.id === card.id) { refreshDetail().catch(() => {}); }
    loadTasks().catch(() => {});
  }

  function kindSelect(name, value, id) {
    return field(t("nr.kind"), h("select", { name, id },
      ["ImageText", "Video", "Interactive"].map(kind => h("option", { value: kind, selected: kind === value, text: t("nr.kind." + kind) }))));
  }

  // ---------------------------------------------------------------- filing a pitch

  function openPitchDialog() {
    const code = board.code;
    if (!code) { return; }
    const materials = [];
    const list = h("ul", { class: "nr-materials", id: "nr-pitch-materials" });
    const renderMaterials = () => {
      list.replaceChildren(...(materials.length === 0 ? [h("li", { class: "muted", text: t("nr.noMaterials") })] : materials.map((m, i) =>
        h("li", { dataset: { kind: m.kind } }, h("span", { class: "chip", text: t("nr.material." + m.kind) }), " ",
          m.kind === "Link" ? (m.text ? m.text + " · " : "") + m.url : m.text,
          h("button", { type: "button", class: "link-button", text: t("nr.remove"), onclick: () => { materials.splice(i, 1); renderMaterials(); } })))));
    };
    const note = h("textarea", { id: "nr-pitch-note", rows: "2", maxlength: "2000" });
    const linkUrl = h("input", { id: "nr-pitch-link", type: "url", placeholder: "https://" });
    const linkText = h("input", { id: "nr-pitch-link-text", maxlength: "200" });
    const files = h("input", { id: "nr-pitch-file", type: "file", multiple: true });
    const uploadState = h("span", { class: "muted", id: "nr-pitch-upload-state" });
    const takeNote = () => { const text = note.value.trim(); if (text) { materials.push({ kind: "Note", text }); note.value = ""; renderMaterials(); } };
    const takeLink = () => {
      const url = linkUrl.value.trim();
      if (url) { materials.push({ kind: "Link", text: linkText.value.trim(), url }); linkUrl.value = ""; linkText.value = ""; renderMaterials(); }
    };
    let uploads = 0;
    files.addEventListener("change", async () => {
      const chosen = [...files.files];
      files.value = "";
      for (const file of chosen) {
        uploads++;
        uploadState.textContent = t("nr.uploading");
        try {
          const info = await upload(code, file);
          materials.push({ kind: "File", text: info.fileName, mediaId: info.id });
          renderMaterials();
        } catch (err) {
          showError(error, err);
        } finally {
          uploads--;
          uploadState.textContent = uploads > 0 ? t("nr.uploading") : "";
        }
      }
    });

    const error = h("p", { class: "error", id: "nr-pitch-error", role: "alert", hidden: true });
    const submit = h("button", { type: "submit", class: "primary", id: "nr-pitch-submit", text: t("nr.submitPitch") });
    const cancel = h("button", { type: "button", class: "lang", text: t("nr.cancel") });
    const form = h("form", { class: "form nr-form", id: "nr-pitch-form" },
      field(t("nr.pitchTitle"), h("input", { id: "nr-pitch-title", name: "title", required: true, maxlength: "200" })),
      field(t("nr.angle"), h("textarea", { id: "nr-pitch-angle", name: "angle", rows: "4", maxlength: "2000" })),
      kindSelect("kind", "ImageText", "nr-pitch-kind"),
      h("fieldset", { class: "nr-checks" }, h("legend", { text: t("nr.materials") }), list,
        field(t("nr.note"), note), h("button", { type: "button", class: "lang", id: "nr-pitch-add-note", text: t("nr.addNote"), onclick: takeNote }),
        field(t("nr.link"), linkUrl), field(t("nr.linkText"), linkText),
        h("button", { type: "button", class: "lang", id: "nr-pitch-add-link", text: t("nr.addLink"), onclick: takeLink }),
        field(t("nr.files"), files), uploadState),
      error, h("div", { class: "nr-buttons" }, submit, cancel));
    renderMaterials();
    const dialog = dialogShell(t("nr.filePitch"), form);
    cancel.addEventListener("click", () => dialog.close());
    onSubmit(form, { error, submit, describe: problemText }, async once => {
      // A file still uploading would be missing from the pitch: the person submits again when it is done.
      if (uploads > 0) { return; }
      takeNote(); takeLink();
      const body = { title: form.elements.title.value.trim(), angle: form.elements.angle.value.trim(), kind: form.elements.kind.value, materials };
      const card = await once(key => send("POST", "/api/v1/channels/" + encodeURIComponent(code) + "/pitches", body, key));
      dialog.close();
      applied(card);
    });
  }

  // ---------------------------------------------------------------- channel settings (chief)

  function openSettingsDialog() {
    const code = board.code;
    const policy = board.policy || { reviewLevels: 3, targets: ["Pc", "Wap", "App"] };
    const levels = h("select", { id: "nr-policy-levels", name: "levels" },
      [1, 2, 3].map(n => h("option", { value: String(n), selected: n === policy.reviewLevels, text: t("nr.levels." + n) })));
    const targets = h("fieldset", { class: "nr-checks", id: "nr-policy-targets" }, h("legend", { text: t("nr.targets") }),
      ["Pc", "Wap", "App"].map(target => h("label", { class: "nr-check" },
        h("input", { type: "checkbox", name: "target", value: target, checked: policy.targets.includes(target) }), h("span", { text: t("nr.target." + target) }))));
    const error = h("p", { class: "error", id: "nr-policy-error", role: "alert", hidden: true });
    const submit = h("button", { type: "submit", class: "primary", id: "nr-policy-submit", text: t("nr.saveSettings") });
    const cancel = h("button", { type: "button", class: "lang", text: t("nr.cancel") });
    const form = h("form", { class: "form nr-form", id: "nr-policy-form" }, h("p", { class: "muted", text: board.name || code }),
      field(t("nr.reviewLevels"), levels), targets, error, h("div", { class: "nr-buttons" }, submit, cancel));
    const dialog = dialogShell(t("nr.settings"), form);
    cancel.addEventListener("click", () => dialog.close());
    onSubmit(form, { error, submit, describe: problemText }, async once => {
      const body = { reviewLevels: Number(levels.value), targets: [...form.querySelectorAll("input[name=target]:checked")].map(i => i.value) };
      const saved = await once(key => send("PUT", "/api/v1/channels/" + encodeURIComponent(code) + "/policy", body, key));
      dialog.close();
      if (board.code === code) { board.policy = saved; renderBoard(); }
    });
  }

  // ---------------------------------------------------------------- story detail and drafting

  // A story's address is /newsroom/{channel}/{story}: opening one goes there, and the route opens the detail.
  function openStory(card) { navigate("/newsroom/" + encodeURIComponent(card.channel || board.code) + "/" + encodeURIComponent(card.id)); }

  // Closing the story goes back to its board's address; outside the newsroom it just closes.
  function leaveDetail() {
    if (location.pathname.split("/").filter(Boolean)[0] === "newsroom" && board.code) { navigate("/newsroom/" + encodeURIComponent(board.code)); }
    else { closeDetail(); }
  }

  async function openDetail(id, options = {}) {
    const panel = $("nr-detail");
    if (detail && detail.id === id && !panel.hidden) {
      if (options.focusEditor) { $("nr-draft-title")?.focus(); }
      return;
    }
    const token = ++detailToken;
    if (!detail || detail.id !== id) {
      detail = null;
      panel.replaceChildren(h("p", { class: "muted nr-detail-loading", text: t("nr.loading") }));
    }
    panel.hidden = false;
    panel.dataset.id = id;
    document.body.classList.add("nr-detail-open");
    try {
      // The editor's library comes with the first story opened (a story that cannot be edited is shown without it).
      const [article] = await Promise.all([mc.api("/api/v1/articles/" + encodeURIComponent(id)), loadEditor().catch(() => null)]);
      if (token !== detailToken) { return; }
      detail = { id, view: article, card: article.card, editor: null, dirty: false, baseVersion: article.card.draftVersion, versions: null, save: keyed() };
      renderDetail();
      loadVersions().catch(() => {});
      if (options.focusEditor) { $("nr-draft-title")?.focus(); }
    } catch (err) {
      if (token === detailToken) { panel.replaceChildren(detailHead(null), h("p", { class: "error", role: "alert", text: problemText(err) })); }
    }
  }

  function closeDetail() {
    detailToken++;
    detail = null;
    const panel = $("nr-detail");
    panel.hidden = true;
    panel.replaceChildren();
    delete panel.dataset.id;
    document.body.classList.remove("nr-detail-open");
  }

  // Someone (maybe me) changed the open story: refresh what it shows, never throwing away unsaved writing.
  async function refreshDetail() {
    if (!detail) { return; }
    const id = detail.id;
    const token = detailToken;
    const article = await mc.api("/api/v1/articles/" + encodeURIComponent(id));
    if (token !== detailToken || !detail || detail.id !== id) { return; }
    detail.view = article;
    detail.card = article.card;
    // While my own save is on its way, its answer decides (a newer version seen now may be that very save).
    if (detail.editor && article.card.draftVersion !== detail.baseVersion && !detail.saving) {
      if (detail.dirty) { detail.newer = article.card.draftVersion; } else { detail.editor = null; detail.baseVersion = article.card.draftVersion; }
    }
    renderDetail();
    loadVersions().catch(() => {});
  }

  function detailHead(card) {
    return h("header", { class: "nr-detail-head" },
      h("button", { type: "button", class: "lang", id: "nr-detail-close", text: isPhone() ? "‹ " + t("nr.back") : t("nr.close"), onclick: leaveDetail }),
      h("h2", { id: "nr-detail-title", text: card ? card.title : t("nr.detail") }),
      card ? h("span", { class: "chip stage", id: "nr-detail-stage", text: t("nr.stage." + card.stage) + (card.stage === "InReview" ? " · " + levelName(card.reviewLevel) : "") }) : null);
  }

  function renderDetail() {
    const panel = $("nr-detail");
    const { card, view: article } = detail;
    const actions = permitted(card);
    const editable = actions.includes("SaveDraft");
    panel.dataset.stage = card.stage;
    panel.dataset.version = String(card.version);
    panel.dataset.draftVersion = String(card.draftVersion);
    if (!editable) { detail.editor = null; }
    if (editable && !detail.editor && window.Quill) {
      // The editor always starts from the story's current draft, and saves on top of that version.
      detail.editor = buildEditor(article.draft, card);
      detail.baseVersion = article.card.draftVersion;
      detail.dirty = false;
      detail.newer = null;
    }
    // Writing happens right here, in the editor below: no "write" button in the detail.
    const detailActions = actionButtons(card, ["SaveDraft"]);
    const facts = h("div", { class: "nr-facts", dataset: { stage: card.stage, due: card.dueAt, overdue: "false" } },
      line(t("nr.kind"), t("nr.kind." + card.kind)), cardFacts(card), line(t("nr.draftVersion"), card.draftVersion ? tf("nr.version", { n: card.draftVersion }) : t("nr.noDraft")));
    // A live change re-renders the detail around the editor; whoever is writing in it keeps the focus and the cursor
    // (moving the editor in the page would drop them, and the next keys would go nowhere).
    const writing = detail.editor && detail.editor.root.contains(document.activeElement) ? document.activeElement : null;
    const cursor = writing && detail.editor.quill.hasFocus() ? detail.editor.quill.getSelection() : null;
    panel.replaceChildren(
      detailHead(card),
      h("div", { class: "nr-detail-body" },
        facts,
        detailActions ? h("div", { id: "nr-detail-actions" }, detailActions) : null,
        pitchSection(article),
        detail.editor ? detail.editor.root : draftView(article.draft),
        interactionPanel(card, article.draft, rolesIn(card.channel).chief || rolesIn(card.channel).editor),
        timelineSection(article.history),
        storyLineage(card),
        versionsSection()));
    if (detail.editor) { detail.editor.status(); }
    if (cursor) { detail.editor.quill.setSelection(cursor, "silent"); } else if (writing && writing.isConnected) { writing.focus(); }
    updateClock();
  }

  function pitchSection(article) {
    return h("section", { class: "nr-section", id: "nr-pitch" },
      h("h3", { text: t("nr.angle") }), h("p", { class: "nr-angle", text: article.angle || "—" }),
      article.materials.length ? h("h3", { text: t("nr.materials") }) : null,
      article.materials.length ? h("ul", { class: "nr-materials" }, article.materials.map(m => h("li", { dataset: { kind: m.kind } },
        m.kind === "Link" ? h("a", { href: m.url, target: "_blank", rel: "noopener noreferrer", text: m.text || m.url })
          : m.kind === "File" ? [h("a", { href: "/api/v1/media/" + m.mediaId, target: "_blank", rel: "noopener", text: m.text || m.mediaId }),
            lineageBlock("media", m.mediaId, m.text || m.mediaId)]
            : m.text))) : null);
  }

  function draftView(draft) {
    if (!draft) { return h("section", { class: "nr-section", id: "nr-draft-view" }, h("h3", { text: t("nr.draft") }), h("p", { class: "muted", text: t("nr.noDraft") })); }
    return h("section", { class: "nr-section", id: "nr-draft-view" }, h("h3", { text: t("nr.draft") }), draftPreview(draft),
      (draft.mediaIds || []).length ? h("div", { class: "nr-media-lineage" }, draft.mediaIds.map((m, i) => lineageBlock("media", m, t("nr.media") + " #" + (i + 1)))) : null);
  }

  function draftPreview(draft) {
    const body = h("div", { class: "nr-rich nr-preview" });
    body.innerHTML = draft.bodyHtml || ""; // sanitised by the server before it was stored
    return h("div", { class: "nr-draft-preview" },
      h("h4", { text: draft.title }),
      draft.summary ? h("p", { class: "muted", text: draft.summary }) : null,
      body,
      draft.videoUrl ? line(t("nr.videoUrl"), h("a", { href: draft.videoUrl, target: "_blank", rel: "noopener noreferrer", text: draft.videoUrl })) : null,
      (draft.mediaIds || []).length ? line(t("nr.media"), h("span", {}, draft.mediaIds.map((m, i) =>
        h("a", { href: "/api/v1/media/" + m, target: "_blank", rel: "noopener", class: "nr-media-link", text: "#" + (i + 1) })))) : null,
      draft.interaction ? h("div", { class: "nr-interaction" }, h("strong", { text: t(draft.interaction.type === "QnA" ? "nr.qna" : "nr.poll") + "：" + draft.interaction.question }),
        h("ol", {}, draft.interaction.options.map(o => h("li", { text: o })))) : null);
  }

  // The story body: Quill (npm quill, copied into wwwroot/lib by the build) with our own toolbar, so its labels are ours
  // (i18n.js) and its buttons are plain buttons in the tab order. Its formats are exactly what the server's sanitiser
  // keeps (RichText.cs removes class and style): headings, bold, italic, lists, quotes, links and images; alignment,
  // indents, colours and fonts would arrive as classes or styles and be dropped, so they are not offered, and pasted
  // text is cut down to the same formats.
  const loadEditor = () => loadLibrary("/lib/quill.js", "/lib/quill.snow.css");
  // Tables are kept (a reprinted policy document often has one) but not drawn from the toolbar.
  const bodyFormats = ["header", "bold", "italic", "list", "blockquote", "link", "image", "table"];

  function richBody(html, markDirty) {
    const tool = (id, label, format, value) => h("button", {
      type: "button", class: "nr-tool ql-" + format, id, value, text: label, title: label, "aria-label": label,
      onmousedown: e => e.preventDefault(),
    });
    const linkUrl = h("input", { id: "nr-draft-link-url", type: "url", placeholder: t("nr.linkUrl"), "aria-label": t("nr.linkUrl"), class: "nr-link-input" });
    const link = h("button", { type: "button", class: "nr-tool", id: "nr-tool-link", text: t("nr.addLinkRich"), title: t("nr.addLinkRich") });
    const toolbar = h("div", { class: "nr-toolbar-rich", role: "toolbar", "aria-label": t("nr.toolbar"), "aria-controls": "nr-draft-body" },
      tool("nr-tool-heading", t("nr.heading"), "header", "3"),
      tool("nr-tool-bold", t("nr.bold"), "bold"),
      tool("nr-tool-italic", t("nr.italic"), "italic"),
      tool("nr-tool-list", t("nr.list"), "list", "bullet"),
      tool("nr-tool-ordered", t("nr.orderedList"), "list", "ordered"),
      tool("nr-tool-quote", t("nr.quote"), "blockquote"),
      linkUrl, link);
    const holder = h("div", { class: "nr-rich nr-editable" });
    const quill = new window.Quill(holder, {
      formats: bodyFormats,
      placeholder: t("nr.bodyPlaceholder"),
      modules: {
        toolbar: { container: toolbar },
        table: true,
        // Tab leaves the body for the next control, as everywhere else on the page (Quill would type a tab or indent).
        keyboard: { bindings: { tab: null, "remove tab": null, indent: null, outdent: null, "indent code-block": null, "outdent code-block": null } },
      },
    });
    quill.setContents(quill.clipboard.convert({ html }), "silent");
    quill.history.clear();
    const root = quill.root;
    root.id = "nr-draft-body";
    root.setAttribute("role", "textbox");
    root.setAttribute("aria-multiline", "true");
    root.setAttribute("aria-label", t("nr.body"));
    quill.on("text-change", (delta, old, source) => { if (source === "user") { markDirty(); } });

    // A link on the text chosen in the body (the address field takes the focus, Quill keeps the choice); with nothing
    // chosen, the address itself goes in as the link's text.
    const addLink = () => {
      const url = linkUrl.value.trim();
      if (!/^https?:\/\//i.test(url)) { linkUrl.focus(); return; }
      const range = quill.getSelection(true);
      if (range.length > 0) { quill.formatText(range.index, range.length, "link", url, "user"); }
      else { quill.insertText(range.index, url, "link", url, "user"); quill.setSelection(range.index + url.length, 0, "user"); }
      linkUrl.value = "";
    };
    // Quill reads the browser's selection a moment after it changes; pressing into the address field right after choosing
    // the text must not lose the last step of the choice, so the selection is read once more before the field takes focus.
    linkUrl.addEventListener("pointerdown", () => quill.getSelection());
    link.addEventListener("click", addLink);
    linkUrl.addEventListener("keydown", e => { if (e.key === "Enter") { e.preventDefault(); addLink(); } });
    return { toolbar, quill };
  }

  // What is stored: Quill's semantic HTML (real <ul>/<ol>, no editor classes). Quill 2.0.3 writes every space of the
  // text as &nbsp;, which would keep lines from wrapping on a phone; plain spaces are what was typed.
  function bodyHtmlOf(quill) {
    if (quill.getLength() <= 1 && quill.getText().trim() === "" && !quill.root.querySelector("img")) { return ""; }
    return quill.getSemanticHTML().replaceAll("&nbsp;", " ");
  }

  // The draft editor: kind, headline, summary, rich body (Quill), video, interaction.
  function buildEditor(draft, card) {
    const d = draft || { kind: card.kind, title: card.title, summary: "", bodyHtml: "", mediaIds: [], videoUrl: null, interaction: null };
    const mediaIds = [...(d.mediaIds || [])];
    const mediaNames = new Map();
    const mediaImages = new Set();
    const markDirty = () => { if (detail) { detail.dirty = true; } status(); };

    const kind = h("select", { id: "nr-draft-kind", name: "kind" },
      ["ImageText", "Video", "Interactive"].map(k => h("option", { value: k, selected: k === d.kind, text: t("nr.kind." + k) })));
    const title = h("input", { id: "nr-draft-title", maxlength: "200", value: d.title || "", required: true });
    const summary = h("textarea", { id: "nr-draft-summary", rows: "2", maxlength: "2000", value: d.summary || "" });
    const { toolbar, quill } = richBody(d.bodyHtml || "", markDirty);

    const videoUrl = h("input", { id: "nr-draft-video-url", type: "url", placeholder: "https://", value: d.videoUrl || "" });
    const mediaList = h("ul", { class: "nr-materials", id: "nr-draft-media" });
    // A picture uploaded here can also go into the body, where the cursor is (the media store serves it).
    const insertImage = (m, name) => {
      const range = quill.getSelection(true);
      quill.insertEmbed(range.index, "image", "/api/v1/media/" + m, "user");
      quill.setSelection(range.index + 1, 0, "user");
      if (name) { quill.root.querySelector(`img[src="/api/v1/media/${m}"]:not([alt])`)?.setAttribute("alt", name); }
    };
    const renderMedia = () => mediaList.replaceChildren(...mediaIds.map((m, i) => h("li", { dataset: { mediaId: m } },
      h("a", { href: "/api/v1/media/" + m, target: "_blank", rel: "noopener", text: mediaNames.get(m) || "#" + (i + 1) }),
      mediaImages.has(m) ? h("button", { type: "button", class: "link-button nr-insert-image", text: t("nr.insertImage"), onclick: () => insertImage(m, mediaNames.get(m)) }) : null,
      h("button", { type: "button", class: "link-button", text: t("nr.remove"), onclick: () => { mediaIds.splice(i, 1); renderMedia(); markDirty(); } }))));
    renderMedia();
    const mediaFile = h("input", { id: "nr-draft-media-file", type: "file", multiple: true, "aria-label": t("nr.media") });
    const mediaState = h("span", { class: "muted" });
    mediaFile.addEventListener("change", async () => {
      const chosen = [...mediaFile.files];
      mediaFile.value = "";
      for (const file of chosen) {
        mediaState.textContent = t("nr.uploading");
        try {
          const info = await upload(card.channel, file);
          mediaIds.push(info.id); mediaNames.set(info.id, info.fileName);
          if ((info.contentType || "").startsWith("image/")) { mediaImages.add(info.id); }
          renderMedia(); markDirty();
          mediaState.textContent = "";
        } catch (err) { mediaState.textContent = ""; showError(error, err); }
      }
    });
    const video = h("div", { class: "nr-kind-block", dataset: { kind: "Video" } }, field(t("nr.videoUrl"), videoUrl));
    const media = h("div", { class: "nr-kind-block nr-media-block" }, h("span", { class: "nr-label", text: t("nr.media") }), mediaList, mediaFile, mediaState);

    const i = d.interaction || { type: "Poll", question: "", options: [] };
    const pollType = h("select", { id: "nr-draft-poll-type" },
      h("option", { value: "Poll", selected: i.type !== "QnA", text: t("nr.poll") }), h("option", { value: "QnA", selected: i.type === "QnA", text: t("nr.qna") }));
    const question = h("input", { id: "nr-draft-question", maxlength: "500", value: i.question || "" });
    const options = h("textarea", { id: "nr-draft-options", rows: "4", value: (i.options || []).join("\n") });
    const interactive = h("div", { class: "nr-kind-block", dataset: { kind: "Interactive" } },
      field(t("nr.interaction"), pollType), field(t("nr.question"), question), field(t("nr.options"), options));

    const showKind = () => {
      video.hidden = kind.value !== "Video";
      interactive.hidden = kind.value !== "Interactive";
    };
    kind.addEventListener("change", () => { showKind(); markDirty(); });
    showKind();
    for (const input of [title, summary, videoUrl, pollType, question, options]) { input.addEventListener("input", markDirty); }

    const state = h("p", { class: "muted", id: "nr-draft-status", role: "status" });
    const error = h("p", { class: "error", id: "nr-draft-error", role: "alert", hidden: true });
    const conflict = h("div", { class: "nr-conflict", id: "nr-draft-conflict", role: "alert", hidden: true });
    const save = h("button", { type: "button", class: "primary", id: "nr-draft-save", text: t("nr.save") });
    const submit = h("button", { type: "button", class: "lang", id: "nr-draft-submit", text: t("nr.cmd.Submit") });

    function status() {
      if (!detail) { return; }
      state.dataset.draftVersion = String(detail.baseVersion);
      state.textContent = detail.dirty ? t("nr.unsaved") : detail.baseVersion ? tf("nr.saved", { n: detail.baseVersion }) : t("nr.noDraft");
      submit.hidden = !permitted(detail.card).includes("Submit");
      if (detail.newer && detail.dirty) {
        conflict.hidden = false;
        conflict.replaceChildren(h("p", { text: tf("nr.newerVersion", { n: detail.newer }) }), reloadButton());
      }
    }

    function reloadButton() {
      return h("button", { type: "button", class: "lang", id: "nr-draft-reload", text: t("nr.reload"), onclick: async () => {
        if (!detail) { return; }
        detail.dirty = false; detail.newer = null; detail.editor = null;
        await refreshDetail();
        if (detail && detail.editor) { detail.editor.root.querySelector("#nr-draft-conflict").hidden = true; }
      } });
    }

    save.addEventListener("click", async () => {
      save.disabled = true;
      try { await saveDraft(); } catch { /* shown in the editor */ } finally { save.disabled = false; }
    });
    submit.addEventListener("click", () => runAction(card.id, "Submit"));

    const root = h("section", { class: "nr-section nr-editor", id: "nr-editor" },
      h("h3", { text: t("nr.draft") }),
      h("div", { class: "form" },
        field(t("nr.kind"), kind),
        field(t("nr.title.field"), title),
        field(t("nr.summary"), summary),
        h("div", { class: "nr-body-field" }, h("span", { class: "nr-label", text: t("nr.body") }), toolbar, quill.container),
        video, media, interactive,
        conflict, error, state,
        h("div", { class: "nr-buttons" }, save, submit)));

    return {
      root, status, quill,
      collect: () => ({
        kind: kind.value, title: title.value.trim(), summary: summary.value.trim(), bodyHtml: bodyHtmlOf(quill), mediaIds: [...mediaIds],
        videoUrl: kind.value === "Video" ? videoUrl.value.trim() || null : null,
        interaction: kind.value === "Interactive"
          ? { type: pollType.value, question: question.value.trim(), options: options.value.split("\n").map(o => o.trim()).filter(Boolean) } : null,
      }),
      fail: err => {
        const p = err.problem || {};
        if (err.status === 409 && p.code === "VersionConflict") {
          conflict.hidden = false;
          conflict.replaceChildren(h("p", { text: tf("nr.conflict", { n: p.draftVersion, base: detail ? detail.baseVersion : "" }) }),
            p.detail ? h("p", { class: "muted", text: p.detail }) : null, reloadButton());
        } else {
          showError(error, err);
        }
      },
      clear: () => { error.hidden = true; conflict.hidden = true; },
    };
  }

  // SaveDraft with the version the editor started from: a stale one is a conflict the person resolves.
  async function saveDraft() {
    if (!detail || !detail.editor) { return; }
    const editor = detail.editor;
    const id = detail.id;
    editor.clear();
    const draft = editor.collect();
    const saving = detail;
    saving.saving = true;
    try {
      const card = await detail.save(key => command(id, "SaveDraft", { draft, baseVersion: detail.baseVersion }, key));
      if (!detail || detail.id !== id) { return; }
      detail.baseVersion = card.draftVersion;
      detail.dirty = false;
      detail.newer = null;
      detail.card = card;
      editor.status();
      // The version just saved heads the versions list at once; the stored list follows.
      const user = me() || {};
      const saved = { version: card.draftVersion, title: draft.title, savedBy: user.id, savedByName: user.displayName, savedAt: card.updatedAt };
      detail.versions = [saved, ...(detail.versions || []).filter(v => v.version !== saved.version)];
      renderVersions();
      applied(card);
      loadVersions().catch(() => {});
    } catch (err) {
      editor.fail(err);
      throw err;
    } finally {
      saving.saving = false;
    }
  }

  // The history's reviewLevel is the level a review decision was taken at, or for a submission the level it waits at.
  // The 来源与变更 block, fetched again only when the story has a new version (live changes re-render the detail often).
  function storyLineage(card) {
    if (!detail.lineage || detail.lineage.dataset.story !== card.id || detail.lineage.dataset.version !== String(card.version)) {
      detail.lineage = lineageBlock("story", card.id);
      detail.lineage.dataset.story = card.id;
      detail.lineage.dataset.version = String(card.version);
    }
    return detail.lineage;
  }

  function timelineSection(history) {
    const items = history.map(entry => {
      const decision = entry.command === "Approve" || entry.command === "Reject";
      const level = entry.reviewLevel;
      const bits = [entry.command === "SaveDraft" ? t("nr.save") : t("nr.cmd." + entry.command)];
      if (decision && level) { bits.push(i18n.lang === "en" ? " (" + levelName(level) + ")" : "（" + levelName(level) + "）"); }
      if (decision && level && entry.to === "InReview") { bits.push(" → " + levelName(level + 1)); }
      else if (entry.to !== entry.from) { bits.push(" → " + t("nr.stage." + entry.to) + (entry.to === "InReview" && level ? " · " + levelName(level) : "")); }
      return h("li", { dataset: { command: entry.command, version: entry.version, reviewLevel: level || "" } },
        h("time", { class: "muted", text: formatTime(entry.at) }), " ",
        h("strong", { text: entry.actor && entry.actor.name ? entry.actor.name : t("nr.systemActor") }), " ",
        h("span", { text: bits.join("") }),
        entry.comment ? h("div", { class: "nr-comment", text: "“" + entry.comment + "”" }) : null);
    }).reverse();
    return h("section", { class: "nr-section" }, h("h3", { text: t("nr.timeline") }), h("ol", { class: "nr-timeline", id: "nr-timeline" }, items));
  }

  function versionsSection() {
    const list = h("ul", { class: "nr-versions", id: "nr-versions" });
    const preview = h("div", { id: "nr-version-preview" });
    const versions = detail.versions;
    if (versions) {
      if (versions.length === 0) { list.append(h("li", { class: "muted", text: t("nr.noVersions") })); }
      for (const v of versions) {
        list.append(h("li", { dataset: { version: v.version } },
          h("strong", { text: tf("nr.version", { n: v.version }) }), " ", v.title, " · ", v.savedByName, " · ", h("time", { class: "muted", text: formatTime(v.savedAt) }), " ",
          h("button", { type: "button", class: "link-button", text: t("nr.view"), onclick: async () => {
            try {
              const content = await mc.api(`/api/v1/articles/${encodeURIComponent(detail.id)}/versions/${v.version}`);
              preview.replaceChildren(h("h4", { text: tf("nr.version", { n: v.version }) }), draftPreview(content.content));
            } catch (err) { preview.replaceChildren(h("p", { class: "error", text: problemText(err) })); }
          } })));
      }
    }
    return h("section", { class: "nr-section" }, h("h3", { text: t("nr.versions") }), list, preview);
  }

  async function loadVersions() {
    if (!detail) { return; }
    const id = detail.id;
    const versions = await mc.api("/api/v1/articles/" + encodeURIComponent(id) + "/versions");
    if (!detail || detail.id !== id) { return; }
    detail.versions = versions;
    renderVersions();
  }

  function renderVersions() {
    const section = $("nr-versions") && $("nr-versions").closest("section");
    if (section && detail) { section.replaceWith(versionsSection()); }
  }

  // ---------------------------------------------------------------- opening the newsroom

  async function start() {
    if (started) { return; }
    started = true;
    try {
      const [flow, list] = await Promise.all([mc.api("/api/v1/newsroom/workflow"), mc.api("/api/channels")]);
      if (!started) { return; }
      workflow = flow;
      const mine = new Set(((me() || {}).channels || []).map(c => c.channel));
      // Channels where I hold a role come first.
      channels = [...list].sort((a, b) => (mine.has(b.code) - mine.has(a.code)) || a.code.localeCompare(b.code));
      const select = $("nr-channel");
      select.replaceChildren(...channels.map(c => h("option", { value: c.code, text: c.name + " (" + c.code + ")" })));
      // The address names the channel; without one (or one not mine to see), the last one opened, else the first.
      const stored = localStorage.getItem("mc.nr.channel");
      const known = code => channels.some(c => c.code === code);
      const code = known(route.channel) ? route.channel : known(stored) ? stored : channels.length ? channels[0].code : null;
      select.value = code || "";
      setView(isPhone() && rolesIn(code).editor && !route.story ? "tasks" : view);
      if (code && code !== route.channel) { navigate("/newsroom/" + encodeURIComponent(code), { replace: true }); }
      const opening = openBoard(code);
      if (code && code === route.channel && route.story) { openDetail(route.story); }
      await opening;
      loadTasks().catch(() => {});
    } catch (err) {
      message(err);
      started = false;
    }
  }

  function reset() {
    started = false;
    workflow = null;
    channels = [];
    tasks = [];
    members.clear();
    board.token++;
    Object.assign(board, { code: null, loaded: false, version: 0, cards: new Map(), policy: null, buffer: [] });
    closeDetail();
    const dialog = $("nr-dialog");
    if (dialog.open) { dialog.close(); }
    $("nr-channel").replaceChildren();
    $("nr-board").replaceChildren();
    Object.assign($("nr-board").dataset, { channel: "", loaded: "false", version: "0" });
    $("nr-tasks").replaceChildren();
    // Another person's sources and inbox must not stay on the page after a sign-out.
    Object.assign(collection, { code: null, sources: new Map(), items: new Map() });
    $("nr-collection-view").replaceChildren();
    reprints.pending.clear();
    reprints.seen.clear();
    reprintNotice(null);
    view = "board";
    message(null);
  }

  // ---------------------------------------------------------------- intake: one-click reprint (F7.2) and the collection inbox (F7.3)

  function openReprintDialog() {
    const code = board.code;
    if (!code) { return; }
    const roles = rolesIn(code);
    const url = h("input", { id: "nr-reprint-url", type: "url", required: true, placeholder: "https://", autocomplete: "off" });
    const mode = h("select", { id: "nr-reprint-mode" },
      h("option", { value: "Pitch", text: t("intake.mode.Pitch") }),
      roles.chief && roles.editor ? h("option", { value: "Draft", text: t("intake.mode.Draft") }) : null);
    const error = h("p", { class: "error", role: "alert", hidden: true });
    const submit = h("button", { type: "submit", class: "primary", text: t("intake.reprint") });
    const form = h("form", { id: "nr-reprint-form", class: "nr-form" },
      h("p", { class: "muted", text: t("intake.reprintHint") }),
      field(t("intake.url"), url), field(t("intake.mode"), mode), error,
      h("div", { class: "nr-dialog-actions" }, h("button", { type: "button", class: "lang", text: t("nr.cancel"), onclick: () => $("nr-dialog").close() }), submit));
    onSubmit(form, { error, submit, describe: reprintProblem }, async once => {
      // Answered at once (202, the request Fetching): the silo fetches the page and its images after the answer (up to 90 s on a
      // slow site), and the request's end arrives live (reprintChanged); the dialog closes and the page says so meanwhile.
      const request = await once(key => send("POST", "/api/v1/channels/" + encodeURIComponent(code) + "/reprints", { url: url.value.trim(), mode: mode.value }, key));
      $("nr-dialog").close();
      reprints.pending.set(request.key, code);
      reprintNotice(tf("intake.fetchingStarted", { url: request.url }));
      const ended = reprints.seen.get(request.key);
      if (ended) { onReprintChanged(ended); }
    });
    openDialog("nr-dialog", t("intake.reprint"), form);
    url.focus();
  }

  // Pasted reprints this page waits for (request key → channel), and the latest ends seen live (an end may beat the answer here).
  const reprints = { pending: new Map(), seen: new Map() };

  function reprintNotice(text) {
    const notice = $("nr-reprint-notice");
    notice.textContent = text || "";
    notice.hidden = !text;
  }

  function onReprintChanged(request) {
    if (request.state === "Fetching") { return; }
    reprints.seen.set(request.key, request);
    if (reprints.seen.size > 50) { reprints.seen.delete(reprints.seen.keys().next().value); }
    const code = reprints.pending.get(request.key);
    if (!code) { return; }
    reprints.pending.delete(request.key);
    if (request.state !== "Filed") {
      reprintNotice(tf("intake.reprintFailed", { url: request.url, reason: request.reason || request.outcome }));
      return;
    }

    const failed = ((request.record && request.record.source && request.record.source.imageFailures) || []).length;
    reprintNotice(failed ? tf("intake.imagesFailed", { n: failed }) : tf("intake.reprintFiled", { id: request.articleId }));
    // The story opens unless the editor went to another story or channel meanwhile.
    if (code === board.code && !route.story) { navigate("/newsroom/" + encodeURIComponent(code) + "/" + encodeURIComponent(request.articleId)); }
  }

  // After a lost connection the ends it missed are asked for.
  function recheckReprints() {
    for (const [key, code] of reprints.pending) {
      mc.api("/api/v1/channels/" + encodeURIComponent(code) + "/reprints/" + encodeURIComponent(key)).then(onReprintChanged).catch(() => {});
    }
  }

  // A reprint refused because the page was taken before names the story it went to.
  function reprintProblem(err) {
    const p = err.problem || {};
    return p.code === "AlreadyTaken" && p.articleId ? tf("intake.alreadyTaken", { id: p.articleId, by: p.takenBy || "" }) : problemText(err);
  }

  const collection = { code: null, sources: new Map(), items: new Map(), filter: "New", text: "" };

  async function loadCollection() {
    const code = board.code;
    if (!code) { return; }
    const snapshot = await mc.api("/api/v1/channels/" + encodeURIComponent(code) + "/collection");
    if (code !== board.code) { return; }
    Object.assign(collection, { code, sources: new Map(snapshot.sources.map(s => [s.id, s])), items: new Map(snapshot.items.map(i => [i.id, i])) });
    renderCollection();
  }

  function onCollectionChanged(change) {
    if (!change || change.channel !== collection.code) { return; }
    if (change.item) { collection.items.set(change.item.id, change.item); }
    if (change.source) {
      const known = collection.sources.get(change.source.id);
      if (!known || known.version <= change.source.version) { collection.sources.set(change.source.id, change.source); }
    }
    if (view === "collection") { renderCollection(); }
  }

  function renderCollection() {
    const root = $("nr-collection-view");
    const code = collection.code;
    if (!code) { root.replaceChildren(); return; }
    const manager = canManagePolicy(code);
    const editor = rolesIn(code).editor || rolesIn(code).chief;
    const act = (path, body) => send("POST", "/api/v1/channels/" + encodeURIComponent(code) + path, body)
      .then(() => loadCollection()).catch(err => message(err));

    const sources = [...collection.sources.values()];
    const sourceRows = sources.length === 0 ? [h("li", { class: "muted", text: t("intake.noSources") })] : sources.map(s =>
      h("li", { class: "nr-source", dataset: { id: s.id, state: s.state, failing: String(s.consecutiveFailures > 0) } },
        h("strong", { text: s.settings.name }), " ", h("span", { class: "chip", text: t("intake.state." + s.state) }), " ",
        h("span", { class: "muted", text: s.settings.url }), h("br"),
        h("span", { class: "muted", text: tf("intake.sourceStatus", {
          polled: formatTime(s.lastPolledAt), next: formatTime(s.nextPollAt), items: s.itemsCollected, owner: s.settings.owner.name }) }),
        s.lastError ? h("span", { class: "error", text: " " + tf("intake.lastError", { error: s.lastError, n: s.consecutiveFailures, since: formatTime(s.failingSince) }) }) : null,
        manager ? h("span", {}, " ",
          h("button", { type: "button", class: "link-button", text: t(s.state === "On" ? "intake.turnOff" : "intake.turnOn"),
            onclick: () => act("/sources/" + encodeURIComponent(s.id) + (s.state === "On" ? "/off" : "/on")) }),
          h("button", { type: "button", class: "link-button", text: t("intake.pollNow"),
            onclick: () => send("POST", "/api/v1/channels/" + encodeURIComponent(code) + "/sources/" + encodeURIComponent(s.id) + "/poll")
              .then(loadCollection).catch(err => message(err)) })) : null));

    let addForm = null;
    if (manager) {
      const name = h("input", { id: "nr-source-name", required: true, maxlength: "100" });
      const url = h("input", { id: "nr-source-url", type: "url", required: true, placeholder: "https://" });
      const interval = h("input", { id: "nr-source-interval", type: "number", min: "1", max: "1440", value: "30", required: true });
      const error = h("p", { class: "error", role: "alert", hidden: true });
      const submit = h("button", { type: "submit", class: "primary compact", text: t("intake.addSource") });
      addForm = h("form", { id: "nr-source-form", class: "nr-form nr-inline-form" },
        field(t("intake.sourceName"), name), field(t("intake.feedUrl"), url), field(t("intake.intervalMinutes"), interval), submit, error);
      onSubmit(addForm, { error, submit }, async once => {
        await once(key => send("POST", "/api/v1/channels/" + encodeURIComponent(code) + "/sources",
          { name: name.value.trim(), url: url.value.trim(), intervalMinutes: Number(interval.value) }, key));
        await loadCollection();
      });
    }

    const filter = h("select", { id: "nr-collection-filter", onchange: e => { collection.filter = e.target.value; renderCollection(); } },
      ...["New", "Taken", "Dismissed", ""].map(v => h("option", { value: v, text: t(v ? "intake.item." + v : "intake.all"), selected: collection.filter === v })));
    const search = h("input", { id: "nr-collection-search", type: "search", value: collection.text, placeholder: t("intake.search"),
      onchange: e => { collection.text = e.target.value.trim(); renderCollection(); } });
    const items = [...collection.items.values()]
      // An item being taken stays under "new" (with its pending mark) until it is filed or fails.
      .filter(i => !collection.filter || i.state === collection.filter || (collection.filter === "New" && i.state === "Taking"))
      .filter(i => !collection.text || (i.title + " " + i.summary + " " + i.sourceName).includes(collection.text))
      .sort((a, b) => Date.parse(b.collectedAt) - Date.parse(a.collectedAt));
    const itemRows = items.length === 0 ? [h("li", { class: "muted", text: t("intake.noItems") })] : items.map(i =>
      h("li", { class: "nr-collected", dataset: { id: i.id, state: i.state } },
        h("strong", { text: i.title }), " ", h("span", { class: "chip", text: t("intake.item." + i.state) }), h("br"),
        h("span", { class: "muted", text: [i.sourceName, ...(i.alsoFrom || [])].join(" · ") + " · " + formatTime(i.publishedAt || i.collectedAt) }),
        i.summary ? h("p", { text: i.summary }) : null,
        i.state === "Taking" ? h("p", { class: "muted nr-taking", role: "status", text: t("intake.takingNote") }) : null,
        i.lastError ? h("p", { class: "error", text: tf("intake.takeFailed", { error: i.lastError }) }) : null,
        i.articleId ? h("a", { href: "/newsroom/" + encodeURIComponent(code) + "/" + encodeURIComponent(i.articleId), "data-route": "", text: tf("intake.wentTo", { id: i.articleId }) }) : null,
        editor && i.state === "New" ? h("span", {},
          h("button", { type: "button", class: "link-button", text: t("intake.take"), disabled: !i.link,
            // Answered at once (202, the item Taking); the fetch goes on in the silo and the item moves on by collectionChanged.
            onclick: () => send("POST", "/api/v1/channels/" + encodeURIComponent(code) + "/collection/" + encodeURIComponent(i.id) + "/take", { mode: "Pitch" })
              .then(answer => {
                // Unless a live push already moved the item on (a fast fetch), show it Taking.
                if (collection.items.get(i.id) === i && answer && answer.item) { onCollectionChanged({ channel: code, item: answer.item }); }
              }).catch(err => message(reprintProblem(err))) }),
          h("button", { type: "button", class: "link-button", text: t("intake.dismiss"),
            onclick: () => act("/collection/" + encodeURIComponent(i.id) + "/dismiss") })) : null));

    root.replaceChildren(
      h("h2", { text: t("intake.sources") }), h("ul", { class: "nr-sources", id: "nr-sources" }, sourceRows), ...(addForm ? [addForm] : []),
      h("h2", { text: t("intake.inbox") }), h("div", { class: "nr-toolbar" }, field(t("intake.show"), filter), search),
      h("ul", { class: "nr-collected-list", id: "nr-collected" }, itemRows));
  }

  mc.live.on("collectionChanged", onCollectionChanged);
  mc.live.on("reprintChanged", onReprintChanged);

  mc.live.on("boardChanged", onBoardChanged);
  mc.live.onReconnected(() => { rewatch().catch(err => message(err)); recheckReprints(); });

  // The address decides the board and the open story (back and forward included).
  let route = { channel: null, story: null };
  document.addEventListener("mc:route", event => {
    const { view: page, parts } = event.detail;
    if (page !== "newsroom") { return; }
    route = { channel: parts[0] || null, story: parts[1] || null };
    if (!started) { start(); return; }
    if (!channels.length) { return; }
    if (!route.channel) {
      if (board.code) { navigate("/newsroom/" + encodeURIComponent(board.code), { replace: true }); }
      return;
    }
    if (route.channel !== board.code && channels.some(c => c.code === route.channel)) {
      $("nr-channel").value = route.channel;
      openBoard(route.channel);
    }
    const panel = $("nr-detail");
    if (route.story) {
      if (panel.hidden || panel.dataset.id !== route.story) { openDetail(route.story); }
    } else if (!panel.hidden) { closeDetail(); }
  });
  document.addEventListener("mc:view", event => { if (event.detail !== "newsroom" && detail) { closeDetail(); } });
  document.addEventListener("mc:signed-out", reset);
  document.addEventListener("mc:signed-in", reset);
  document.addEventListener("mc:language", () => {
    if (!started) { return; }
    renderBoard();
    renderTasks();
    if (detail) { renderDetail(); }
  });
  document.addEventListener("keydown", event => {
    if (event.key === "Escape" && detail && !$("nr-dialog").open) { leaveDetail(); }
  });

  document.addEventListener("DOMContentLoaded", () => {
    $("nr-channel").addEventListener("change", event => navigate("/newsroom/" + encodeURIComponent(event.target.value)));
    $("nr-file-open").addEventListener("click", openPitchDialog);
    $("nr-reprint-open").addEventListener("click", openReprintDialog);
    $("nr-settings-open").addEventListener("click", openSettingsDialog);
    document.querySelectorAll(".nr-view").forEach(b => b.addEventListener("click", () => setView(b.dataset.nrView)));
  });
})();
