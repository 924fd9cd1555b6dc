// Maintenance windows and held alerts on the 故障处理 page (issue 20, item 3; docs/INCIDENTS.md, "Inhibition"): the
// windows scheduled or active with the terminals held under them (still out first), the platform causes holding now,
// and a form to mark a region under maintenance or call a window off. Operators for any party, a party's administrators
// for their own.
import { mc, t, tf, $, h, post, me, field, onSubmit, formatTime, problemText, messageLine, dialogShell } from "./lib.js";

(function () {
  const LISTED = 50;
  const message = messageLine("mw-message");
  let started = false;
  let timer = null;

  function isOperator() { const u = me(); return !!u && (u.platformRoles.includes("admin") || u.platformRoles.includes("operator")); }
  function canManage() { const u = me(); return isOperator() || (!!u && !!u.partyId && u.partyRole === "party-admin"); }

  function stageText(stage) { return t("mw.stage." + stage); }

  function memberItem(m) {
    const state = m.releasedAt ? t("mw.released") : m.recoveredAt ? t("mw.back") + " " + formatTime(m.recoveredAt) : t("mw.held");
    return h("li", { class: m.releasedAt || m.recoveredAt ? "inc-member back" : "inc-member", dataset: { member: m.id } },
      h("strong", { text: m.name }), " ", h("span", { class: "muted", text: m.id }), " · ",
      h("span", { text: t("inc.group.since") + " " + formatTime(m.since) }), " · ", h("span", { class: "inc-member-state", text: state }));
  }

  function membersList(view) {
    if (!view || view.members.length === 0) { return h("p", { class: "muted", text: t("mw.noneHeld") }); }
    return h("ul", { class: "inc-members" }, view.members.slice(0, LISTED).map(memberItem),
      view.members.length > LISTED ? h("li", { class: "muted", text: tf("inc.group.more", { n: view.members.length - LISTED }) }) : null);
  }

  function counts(held, recovered, released) {
    return tf("mw.counts", { held, recovered, released });
  }

  async function windowCard(w) {
    const detail = w.stage === "Active" ? await mc.api("/api/v1/maintenance-windows/" + w.id).catch(() => null) : null;
    const cancel = ["Scheduled", "Active"].includes(w.stage)
      ? h("button", { type: "button", class: "lang compact", text: t("mw.cancel"), onclick: () => cancelWindow(w) }) : null;
    return h("article", { class: "mw-card", dataset: { window: w.id, stage: w.stage } },
      h("div", { class: "mw-head" },
        h("strong", { text: (w.region || t("mw.allRegions")) + " · " + w.partyId }), " ",
        h("span", { class: "chip", text: stageText(w.stage) }), cancel),
      h("p", { class: "muted", text: formatTime(w.from) + " – " + formatTime(w.to) + " · " + w.reason }),
      h("p", { class: "mw-counts", text: counts(w.held, w.recovered, w.released) }),
      detail ? membersList(detail.held) : null);
  }

  function causeCard(view) {
    return h("article", { class: "mw-card", dataset: { cause: view.cause.id } },
      h("div", { class: "mw-head" }, h("strong", { text: view.cause.title }), " ", h("span", { class: "chip", text: t("mw.platformCause") })),
      view.cause.incidentId ? h("p", {}, h("a", { href: "/incidents/" + view.cause.incidentId, text: view.cause.incidentId })) : null,
      h("p", { class: "mw-counts", text: counts(view.held, view.recovered, view.released) }),
      membersList(view));
  }

  async function load() {
    if (!started) { return; }
    const windows = await mc.api("/api/v1/maintenance-windows");
    const causes = isOperator() ? await mc.api("/api/v1/inhibitions").catch(() => []) : [];
    const open = windows.filter(w => w.stage === "Scheduled" || w.stage === "Active");
    const cards = await Promise.all(open.map(windowCard));
    const platform = causes.filter(c => c.cause.kind === "PlatformAlert").map(causeCard);
    const list = $("mw-list");
    list.replaceChildren(...cards, ...platform);
    if (cards.length + platform.length === 0) { list.append(h("p", { class: "muted", text: t("mw.none") })); }
    list.dataset.loaded = "true";
  }

  async function cancelWindow(w) {
    if (!window.confirm(t("mw.confirmCancel"))) { return; }
    try { await post("/api/v1/maintenance-windows/" + w.id + "/cancel", {}); await load(); } catch (err) { message(err); }
  }

  async function openForm() {
    const user = me();
    const parties = isOperator() ? await mc.api("/api/parties").catch(() => []) : [];
    const party = isOperator()
      ? h("select", { name: "partyId", id: "mw-party", required: true }, parties.map(p => h("option", { value: p.id, text: p.name + " (" + p.id + ")" })))
      : null;
    const local = d => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
    const now = new Date();
    const error = h("p", { class: "error", role: "alert", hidden: true });
    const submit = h("button", { type: "submit", class: "primary", id: "mw-submit", text: t("mw.submit") });
    const close = h("button", { type: "button", class: "lang", text: t("inc.cancel") });
    const form = h("form", { class: "form nr-form", id: "mw-form" },
      party ? field(t("inc.party"), party) : null,
      field(t("mw.region"), h("input", { name: "region", id: "mw-region", maxlength: "100", placeholder: t("mw.allRegions") })),
      field(t("mw.from"), h("input", { name: "from", id: "mw-from", type: "datetime-local", required: true, value: local(now) })),
      field(t("mw.to"), h("input", { name: "to", id: "mw-to", type: "datetime-local", required: true, value: local(new Date(now.getTime() + 2 * 3600000)) })),
      field(t("mw.reason"), h("input", { name: "reason", id: "mw-reason", required: true, maxlength: "200" })),
      error, h("div", { class: "nr-buttons" }, submit, close));
    const dialog = dialogShell("inc-dialog", t("mw.new"), form);
    close.addEventListener("click", () => dialog.close());
    onSubmit(form, { error, submit, describe: err => problemText(err) }, async once => {
      const body = {
        partyId: party ? party.value : user.partyId, region: form.elements.region.value.trim() || null,
        from: new Date(form.elements.from.value).toISOString(), to: new Date(form.elements.to.value).toISOString(),
        reason: form.elements.reason.value.trim(),
      };
      await once(key => post("/api/v1/maintenance-windows", body, key));
      dialog.close();
      await load();
    });
  }

  function ensureSection() {
    if ($("mw-section")) { return; }
    const section = h("section", { class: "mw-section", id: "mw-section", "aria-labelledby": "mw-title" },
      h("div", { class: "mw-head" }, h("h2", { id: "mw-title", text: t("mw.title") }),
        h("button", { type: "button", class: "primary compact", id: "mw-new", text: t("mw.new"), onclick: () => openForm().catch(err => message(err)) })),
      h("p", { id: "mw-message", class: "error", role: "alert", hidden: true }),
      h("div", { id: "mw-list", class: "mw-list", dataset: { loaded: "false" } }));
    $("inc-list").after(section);
  }

  function start() {
    if (!canManage()) { return; }
    ensureSection();
    started = true;
    load().catch(err => message(err));
    clearInterval(timer);
    // Held counts move with the terminals: the list is read again while the page is shown.
    timer = setInterval(() => load().catch(() => {}), 10000);
  }

  function stop() {
    started = false;
    clearInterval(timer);
    timer = null;
  }

  function relabel() {
    if (!$("mw-section")) { return; }
    $("mw-title").textContent = t("mw.title");
    $("mw-new").textContent = t("mw.new");
    if (started) { load().catch(() => {}); }
  }

  document.addEventListener("mc:view", event => { if (event.detail === "incidents") { start(); } else { stop(); } });
  document.addEventListener("mc:signed-out", () => { stop(); $("mw-section")?.remove(); });
  document.addEventListener("mc:language", relabel);
})();
