// Applications (接入应用): the services an access party runs (its site, its app, its kiosk service). The list with how many
// channels and terminals each holds; one application with its moves (edit, suspend with a reason, resume, retire), its channels
// and terminals, each movable to another application of the same party, and a new channel registered straight into it.
import { mc, t, tf, $, h as el, send, me, navigate, formatTime, problemText as problem, lineageBlock } from "./lib.js";
import { webhooksPanel } from "./webhooks.js";

(function () {
  const kinds = ["Web", "Wap", "App", "Terminal"];
  let started = false;
  let openId = null;
  let rows = [];

  function isStaff() { const u = me(); return !!u && ["admin", "operator"].some(r => u.platformRoles.includes(r)); }
  function canSee() { const u = me(); return !!u && (!!u.partyRole || isStaff() || u.platformRoles.includes("management")); }
  function canManage() { const u = me(); return !!u && (u.partyRole === "party-admin" || isStaff()); }
  function message(text) { const p = $("ap-message"); if (p) { p.textContent = text || ""; p.hidden = !text; } }
  function td(content, label) { return el("td", { "data-label": label }, content ?? "—"); }
  function stateBadge(state) {
    return el("span", { class: "badge " + (state === "Active" ? "badge-ok" : state === "Suspended" ? "badge-bad" : "badge-wait"), "data-state": state,
      text: t("ap.state." + state) });
  }

  function skeleton() {
    $("applications").replaceChildren(
      el("div", { class: "card-head" }, el("h1", { id: "applications-title", text: t("ap.title") })),
      el("p", { class: "muted", text: t("ap.hint") }),
      el("p", { id: "ap-message", class: "error", role: "alert", hidden: true }),
      el("div", { id: "ap-detail" }),
      el("div", { id: "ap-list" }),
      canManage() ? createForm() : null,
      canManage() ? webhooksPanel() : null);
  }

  function createForm() {
    const form = el("form", { id: "ap-create", class: "ops-toolbar" },
      el("strong", { text: t("ap.create") }),
      isStaff() ? el("input", { name: "partyId", placeholder: t("ap.party"), required: true, maxlength: 63 }) : null,
      el("input", { name: "code", placeholder: t("ap.code"), required: true, maxlength: 63, autocapitalize: "off" }),
      el("input", { name: "name", placeholder: t("ap.name"), required: true, maxlength: 200 }),
      el("select", { name: "kind", "aria-label": t("ap.kind") }, kinds.map(k => el("option", { value: k, text: t("ap.kind." + k) }))),
      el("input", { name: "owner", placeholder: t("ap.owner"), maxlength: 100 }),
      el("input", { name: "description", placeholder: t("ap.description"), maxlength: 2000 }),
      el("button", { type: "submit", class: "primary compact", text: t("ap.createSubmit") }));
    form.addEventListener("submit", async event => {
      event.preventDefault();
      const f = form.elements;
      try {
        const app = await send("POST", "/api/v1/applications", {
          partyId: f.partyId ? f.partyId.value : null, code: f.code.value, name: f.name.value, kind: f.kind.value,
          owner: f.owner.value || null, description: f.description.value || null,
        });
        form.reset();
        message("");
        await refresh();
        navigate("/applications/" + encodeURIComponent(app.id));
      } catch (err) { message(problem(err)); }
    });
    return form;
  }

  async function refresh() {
    try {
      rows = await mc.api("/api/v1/applications");
      const box = $("ap-list");
      if (!box) { return; }
      if (rows.length === 0) { box.replaceChildren(el("p", { class: "muted", text: t("ap.empty") })); return; }
      const heads = [t("ap.code"), t("ap.name"), t("ap.kind"), t("ap.state"), t("ap.channels"), t("ap.terminals"), t("ap.party")];
      box.replaceChildren(el("table", { class: "silos", id: "ap-table" },
        el("thead", null, el("tr", null, heads.map(x => el("th", { text: x })))),
        el("tbody", null, rows.map(r => el("tr", { "data-application": r.id, "data-state": r.state },
          td(el("a", { href: "/applications/" + r.id, "data-route": "", text: r.code }), heads[0]),
          td(r.name, heads[1]), td(t("ap.kind." + r.kind), heads[2]), td(stateBadge(r.state), heads[3]),
          td(String(r.channels), heads[4]), td(String(r.terminals), heads[5]), td(r.partyId, heads[6]))))));
    } catch (err) { message(problem(err)); }
  }

  // A select of the applications of the same party a channel or terminal may move to (not retired ones).
  function moveSelect(partyId, current, onMove, label) {
    const options = rows.filter(r => r.partyId === partyId && r.state !== "Retired");
    const select = el("select", { "aria-label": label, "data-move": "application", disabled: !canManage() },
      options.map(r => el("option", { value: r.code, selected: r.code === current, text: `${r.name} (${r.code})` })));
    select.addEventListener("change", () => onMove(select.value).catch(err => { select.value = current; message(problem(err)); }));
    return select;
  }

  const moves = {
    Suspend: { path: "suspend", field: "ap.reason", required: true },
    Resume: { path: "resume", field: "ap.note" },
    Retire: { path: "retire", field: "ap.note" },
  };

  function moveForm(app, command) {
    const move = moves[command];
    const form = el("form", { class: "ops-toolbar ap-move", "data-move": command },
      el("input", { name: "reason", placeholder: t(move.field), required: !!move.required, maxlength: 2000 }),
      el("button", { type: "submit", class: command === "Resume" ? "primary compact" : "lang", text: t("ap.cmd." + command) }));
    form.addEventListener("submit", async event => {
      event.preventDefault();
      try {
        await send("POST", `/api/v1/applications/${encodeURIComponent(app.id)}/${move.path}`, { reason: form.elements.reason.value || null });
        message("");
        await refresh();
        await show(app.id);
      } catch (err) { message(problem(err)); }
    });
    return form;
  }

  function editForm(app) {
    const form = el("form", { id: "ap-edit", class: "ops-toolbar" },
      el("input", { name: "name", value: app.name, required: true, maxlength: 200, "aria-label": t("ap.name") }),
      el("select", { name: "kind", "aria-label": t("ap.kind") }, kinds.map(k => el("option", { value: k, selected: k === app.kind, text: t("ap.kind." + k) }))),
      el("input", { name: "owner", value: app.owner || "", placeholder: t("ap.owner"), maxlength: 100 }),
      el("input", { name: "description", value: app.description || "", placeholder: t("ap.description"), maxlength: 2000 }),
      el("button", { type: "submit", class: "primary compact", text: t("ap.cmd.Edit") }));
    form.addEventListener("submit", async event => {
      event.preventDefault();
      const f = form.elements;
      try {
        await send("PUT", `/api/v1/applications/${encodeURIComponent(app.id)}`,
          { name: f.name.value, kind: f.kind.value, owner: f.owner.value || null, description: f.description.value || null });
        message("");
        await refresh();
        await show(app.id);
      } catch (err) { message(problem(err)); }
    });
    return form;
  }

  // The language a channel's feeds are written in (zh-CN or en); people who manage the party change it.
  const feedLanguages = ["zh-CN", "en"];
  function feedLanguageSelect(current, onChange, name) {
    const select = el("select", { "aria-label": t("ap.feedLanguage"), "data-feed-language": current || "zh-CN", name, disabled: !canManage() },
      feedLanguages.map(l => el("option", { value: l, selected: l === (current || "zh-CN"), text: t("ap.feedLanguage." + l) })));
    if (onChange) {
      select.addEventListener("change", () => onChange(select.value).catch(err => { select.value = current; message(problem(err)); }));
    }
    return select;
  }

  function channelForm(app) {
    const form = el("form", { id: "ap-new-channel", class: "ops-toolbar" },
      el("input", { name: "code", placeholder: t("ap.channelCode"), required: true, maxlength: 63, autocapitalize: "off" }),
      el("input", { name: "name", placeholder: t("ap.channelName"), required: true, maxlength: 200 }),
      feedLanguageSelect("zh-CN", null, "feedLanguage"),
      el("button", { type: "submit", class: "primary compact", text: t("ap.addChannel") }));
    form.addEventListener("submit", async event => {
      event.preventDefault();
      try {
        await mc.api("/api/channels", { method: "POST", body: JSON.stringify({ code: form.elements.code.value, name: form.elements.name.value,
          partyId: app.partyId, application: app.code, feedLanguage: form.elements.feedLanguage.value }) });
        message("");
        await refresh();
        await show(app.id);
      } catch (err) { message(problem(err)); }
    });
    return form;
  }

  async function show(id) {
    const box = $("ap-detail");
    if (!box) { return; }
    if (!id) { box.replaceChildren(); return; }
    try {
      const { application: a, history, allowedMoves, channels, terminals } = await mc.api("/api/v1/applications/" + encodeURIComponent(id));
      const row = (label, value) => el("div", null, el("dt", { text: label }), el("dd", null, value ?? "—"));
      const reload = async () => { message(""); await refresh(); await show(a.id); };
      const moveChannel = code => async to => { await send("PUT", `/api/channels/${encodeURIComponent(code)}/application`, { application: to }); await reload(); };
      const setFeedLanguage = code => async language => { await send("PUT", `/api/channels/${encodeURIComponent(code)}/feed-language`, { language }); await reload(); };
      const moveTerminal = tid => async to => { await send("PUT", `/api/terminals/${encodeURIComponent(tid)}/application`, { application: to }); await reload(); };
      box.replaceChildren(el("article", { class: "card", id: "ap-open", "data-application": a.id, "data-state": a.state },
        el("div", { class: "card-head" }, el("h2", { text: `${a.name} · ${a.code}` }),
          el("button", { type: "button", class: "lang", text: t("ap.closeView"), onclick: () => navigate("/applications") })),
        el("dl", { class: "tk-fields" },
          row(t("ap.state"), stateBadge(a.state)), row(t("ap.kind"), t("ap.kind." + a.kind)), row(t("ap.party"), a.partyId),
          row(t("ap.owner"), a.owner), row(t("ap.description"), a.description),
          a.suspendedReason ? row(t("ap.suspendedReason"), `${a.suspendedReason} · ${formatTime(a.suspendedAt)}`) : null),
        canManage() && allowedMoves.includes("Edit") ? editForm(a) : null,
        canManage() ? allowedMoves.filter(m => moves[m]).map(m => moveForm(a, m)) : null,
        el("h3", { text: tf("ap.channelsOf", { n: channels.length }) }),
        el("table", { class: "silos", id: "ap-channels" },
          el("tbody", null, channels.map(c => el("tr", { "data-channel": c.code },
            td(`${c.name} (${c.code})`, t("ap.channel")),
            td(moveSelect(a.partyId, a.code, moveChannel(c.code), t("ap.moveTo")), t("ap.moveTo")),
            td(feedLanguageSelect(c.feedLanguage, setFeedLanguage(c.code)), t("ap.feedLanguage")))))),
        canManage() && a.state !== "Retired" ? channelForm(a) : null,
        el("h3", { text: tf("ap.terminalsOf", { n: terminals.length }) }),
        el("table", { class: "silos", id: "ap-terminals" },
          el("tbody", null, terminals.map(x => el("tr", { "data-terminal": x.id },
            td(`${x.name} (${x.id})`, t("ap.terminal")), td(`${x.region} · ${x.health}`, t("ap.region")),
            td(moveSelect(a.partyId, a.code, moveTerminal(x.id), t("ap.moveTo")), t("ap.moveTo")))))),
        el("h3", { text: t("ap.history") }),
        el("ul", { class: "ck-list" }, history.map(e => el("li", { text: `${formatTime(e.at)} · ${e.actor} · ${t("ap.cmd." + e.command)}${e.comment ? " · " + e.comment : ""}` }))),
        lineageBlock("application", a.id)));
    } catch (err) { box.replaceChildren(); message(problem(err)); }
  }

  async function start() {
    if (!me()) { return; }
    started = true;
    skeleton();
    await refresh();
    await show(openId);
  }

  document.addEventListener("mc:signed-in", () => {
    started = false;
    document.querySelectorAll(".tab[data-role=applications]").forEach(tab => { tab.hidden = !canSee(); });
  });
  document.addEventListener("mc:signed-out", () => {
    started = false;
    document.querySelectorAll(".tab[data-role=applications]").forEach(tab => { tab.hidden = true; });
  });
  document.addEventListener("mc:route", event => {
    if (event.detail.view !== "applications") { return; }
    openId = event.detail.parts[0] || null;
    if (started) { show(openId); }
  });
  document.addEventListener("mc:view", event => { if (event.detail === "applications") { start(); } });
  document.addEventListener("mc:language", () => { if (started && !$("applications").hidden) { start(); } });
})();
