// 我的档案: the signed-in person's own staff record (through the account linked to it) — the record with its personal fields
// masked, the trainings owed (overdue first), the sessions they are enrolled in and their results, their appraisals (acknowledge
// or dispute a scored one) and their growth record. One read (GET /api/v1/people/me); it is read again when the person's
// appraisal changes (appraisalChanged) or their organisation's training or roster does (trainingChanged, rosterChanged).
import { mc, t, $, h as el, tf, send, me, problemText as problem } from "./lib.js";
import { growthList } from "./growth.js";

let record = null;
let started = false;
let pending = null;

function td(text, label) { return el("td", { text: text ?? "—", "data-label": label }); }
function table(headers, rows, empty) {
  if (rows.length === 0) { return el("p", { class: "muted", text: empty }); }
  return el("table", { class: "silos" }, el("thead", null, el("tr", null, headers.map(x => el("th", { text: x })))), el("tbody", null, rows));
}
const number = v => v === null || v === undefined ? "—" : String(Math.round(v * 100) / 100);

function message(text) { const p = $("me-message"); if (p) { p.textContent = text || ""; p.hidden = !text; } }

function render() {
  const section = $("me");
  const head = el("div", { class: "card-head" }, el("h1", { id: "me-title", text: t("me.title") }));
  if (!record) {
    section.replaceChildren(head, el("p", { id: "me-message", class: "error", role: "alert", hidden: true }),
      el("p", { id: "me-none", class: "muted", text: t("me.none") }));
    return;
  }
  const r = record.record;
  const fact = (label, value) => el("div", { class: "stat" }, el("div", { class: "stat-label", text: label }), el("div", { class: "stat-value small", text: value ?? "—" }));
  section.replaceChildren(head,
    el("p", { id: "me-message", class: "error", role: "alert", hidden: true }),
    el("div", { id: "me-record", class: "stats", "data-person": r.id },
      fact(t("people.name"), r.name), fact(t("people.post"), t("people.post." + r.post)), fact(t("people.education"), t("people.edu." + r.education)),
      fact(t("people.years"), String(r.experienceYears)), fact(t("people.nationalId"), r.nationalIdMasked), fact(t("people.phone"), r.phoneMasked),
      fact(t("people.state"), t("people.state." + r.state)),
      el("div", { class: "stat", id: "me-certificates" }, el("div", { class: "stat-label", text: t("people.certificates") }),
        el("div", { class: "stat-value small" }, r.certificates.length === 0 ? t("people.none") : r.certificates.map(c => el("div", { class: "people-cert", "data-number": c.number },
          el("span", { text: `${c.type} ${c.number}${c.validTo ? " → " + c.validTo : ""}` }),
          // Their own scan: the server lets the person see it, and writes the view to the operation log.
          c.scan ? el("a", { class: "people-scan-link", target: "_blank", rel: "noopener", title: c.scan.fileName, text: t("people.scanView"),
            href: `/api/v1/people/${encodeURIComponent(r.id)}/certificates/${encodeURIComponent(c.number)}/scan` }) : null))))),
    el("h2", { text: t("me.obligations") }),
    el("div", { id: "me-obligations" }, table([t("training.plan"), t("training.reason"), t("training.due"), t("people.state")],
      record.obligations.filter(o => o.obligation.state === "Open").sort((a, b) => Number(b.overdue) - Number(a.overdue))
        .map(o => el("tr", { "data-overdue": String(o.overdue) }, td(o.obligation.planTitle, t("training.plan")),
          td(t("training.reason." + o.obligation.reason), t("training.reason")), td(o.obligation.due, t("training.due")),
          el("td", { "data-label": t("people.state") }, el("span", { class: "badge " + (o.overdue ? "badge-bad" : "badge-ok"), text: t(o.overdue ? "me.overdue" : "training.open") })))),
      t("training.noObligations"))),
    el("h2", { text: t("me.sessions") }),
    el("div", { id: "me-sessions" }, table([t("training.planTitle"), t("me.startsAt"), t("me.place"), t("people.state"), t("me.result")],
      record.sessions.map(s => {
        const result = s.score === null || s.score === undefined ? "—"
          : tf("growth.score", { score: s.score, passMark: s.passMark }) + (s.passed === null || s.passed === undefined ? "" : " · " + t(s.passed ? "growth.passed" : "growth.failed"));
        return el("tr", { "data-session": s.id }, td(s.title, t("training.planTitle")), td(new Date(s.startsAt).toLocaleString(), t("me.startsAt")),
          td(s.location, t("me.place")), td(t("training.sessionState." + s.state), t("people.state")), td(result, t("me.result")));
      }), t("me.noSessions"))),
    el("h2", { text: t("appraisal.mine") }),
    el("div", { id: "me-appraisals" }, table([t("appraisal.period"), t("appraisal.total"), t("appraisal.grade"), t("people.state"), ""],
      record.appraisals.map(a => el("tr", { "data-appraisal": a.id, "data-state": a.state },
        td(a.period, t("appraisal.period")), td(number(a.total), t("appraisal.total")), td(a.grade, t("appraisal.grade")),
        td(t("appraisal.state." + a.state), t("people.state")),
        el("td", null, a.state === "Scored" ? [
          el("button", { type: "button", class: "primary compact me-acknowledge", text: t("me.acknowledge"), onclick: () => act(a.id, "acknowledge") }),
          el("button", { type: "button", class: "lang", text: t("me.dispute"), onclick: () => { const reason = prompt(t("me.disputeReason")); if (reason) { act(a.id, "dispute", { reason }); } } }),
        ] : null))), t("appraisal.noneMine"))),
    el("h2", { text: t("growth.title") }),
    el("div", { id: "me-growth" }, growthList(record.growth)));
}

async function act(id, move, body) {
  try {
    await send("POST", `/api/v1/people/appraisals/${encodeURIComponent(id)}/${move}`, body || {});
    await refresh();
  } catch (err) { message(problem(err)); }
}

async function refresh() {
  try {
    record = await mc.api("/api/v1/people/me");
  } catch (err) {
    if (err.status !== 404) { message(problem(err)); return; }
    record = null;
  }
  render();
}

// Pushes come in bursts (a closing session writes several records): one read after the burst.
function later() {
  if (!started || $("me").hidden) { return; }
  clearTimeout(pending);
  pending = setTimeout(refresh, 300);
}

mc.live.on("appraisalChanged", change => { if (change.userId && change.userId === me()?.id) { later(); } });
mc.live.on("trainingChanged", overview => { if (record && overview.organisation === record.record.organisation) { later(); } });
mc.live.on("rosterChanged", summary => { if (record && summary.organisation === record.record.organisation) { later(); } });
mc.live.onReconnected(() => later());

document.addEventListener("mc:signed-in", () => {
  started = false; record = null;
  document.querySelectorAll(".tab[data-role=me]").forEach(tab => { tab.hidden = false; });
});
document.addEventListener("mc:signed-out", () => {
  started = false; record = null;
  document.querySelectorAll(".tab[data-role=me]").forEach(tab => { tab.hidden = true; });
});
document.addEventListener("mc:view", event => { if (event.detail === "me") { started = true; render(); refresh(); } });
document.addEventListener("mc:language", () => { if (started && !$("me").hidden) { render(); } });
