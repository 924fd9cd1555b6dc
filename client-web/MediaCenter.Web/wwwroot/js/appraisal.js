// Appraisal (考核与激励, F8.3) inside the 人员 page (js/people.js mounts it): "my appraisals" for the person whose account
// is linked to a staff record (acknowledge or dispute), and for the organisation's admins the schemes per post level, the
// appraisals of a period, opening one, scoring, closing, incentives and goals. Nothing polls: the appraisal grains push
// appraisalChanged (which appraisal, its state and version) and the page re-reads what it shows.
import { mc, t, $, h as el, tf, send, me, problemText as problem } from "./lib.js";

const posts = ["Manager", "Staff", "ServicePost"];
const base = "/api/v1/people/appraisals";

let organisation = null;
let appraiser = false;
let staff = [];
let measures = [];
let schemes = null;
let list = [];
let mine = [];
let shown = null;

const query = () => "?organisation=" + encodeURIComponent(organisation);
const enc = id => encodeURIComponent(id);

function message(text) { const p = $("appraisal-message"); if (p) { p.textContent = text || ""; p.hidden = !text; } }

async function run(method, path, body) {
  try {
    const answer = await send(method, path, body);
    message("");
    return answer;
  } catch (err) { message(problem(err)); return null; }
}

function lastMonth() {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - 1);
  return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0");
}

function td(text, label) { return el("td", { text: text ?? "—", "data-label": label }); }
function button(text, onclick, cls = "lang") { return el("button", { type: "button", class: cls, text, onclick }); }
function table(headers, rows, empty) {
  if (rows.length === 0) { return el("p", { class: "muted", text: empty }); }
  return el("table", { class: "silos" }, el("thead", null, el("tr", null, headers.map(x => el("th", { text: x })))), el("tbody", null, rows));
}
const number = v => v === null || v === undefined ? "—" : String(Math.round(v * 100) / 100);

/** The section's frame; people.js places it in the page and calls refreshAppraisals. */
export function appraisalSection(org, isAppraiser) {
  organisation = org;
  appraiser = isAppraiser;
  shown = null;
  return el("section", { id: "people-appraisal" },
    el("h2", { text: t("appraisal.title") }),
    el("p", { id: "appraisal-message", class: "error", role: "alert", hidden: true }),
    el("h2", { text: t("appraisal.mine") }), el("div", { id: "appraisal-mine" }),
    ...(appraiser ? [
      el("h2", { text: t("appraisal.schemes") }), el("div", { id: "appraisal-schemes" }), schemeForm(),
      el("h2", { text: t("appraisal.list") }), openForm(), el("div", { id: "appraisal-list" }),
    ] : []),
    el("div", { id: "appraisal-detail" }));
}

/** Re-reads what the section shows (on start, organisation change, language change and reconnect). */
export async function refreshAppraisals(people) {
  if (people) { staff = people; }
  if (!organisation || !$("people-appraisal")) { return; }
  try {
    mine = await mc.api(base + "/mine");
    if (appraiser) {
      measures = await mc.api(base + "/measures");
      schemes = (await mc.api(base + "/schemes" + query())).schemes;
      list = await mc.api(base + query() + "&period=" + enc($("appraisal-period")?.value || lastMonth()));
    }
    render();
    if (shown) { await show(shown.id); }
  } catch (err) { message(problem(err)); }
}

/** The staff list changed (opening picks from it). */
export function appraisalPeople(people) { staff = people; renderOpenForm(); }

function render() {
  if (!$("people-appraisal")) { return; }
  $("appraisal-mine").replaceChildren(rows(mine, t("appraisal.noneMine")));
  if (appraiser) {
    renderSchemes();
    renderOpenForm();
    $("appraisal-list").replaceChildren(rows(list, t("appraisal.noneListed")));
  }
}

function rows(items, empty) {
  return table([t("people.name"), t("appraisal.period"), t("appraisal.total"), t("appraisal.grade"), t("people.state"), ""],
    items.map(a => el("tr", { "data-appraisal": a.id, "data-state": a.state },
      td(a.personName, t("people.name")), td(a.period, t("appraisal.period")), td(number(a.total), t("appraisal.total")),
      td(a.grade, t("appraisal.grade")), td(t("appraisal.state." + a.state), t("people.state")),
      el("td", null, button(t("appraisal.view"), () => show(a.id))))), empty);
}

function renderSchemes() {
  const box = $("appraisal-schemes");
  const all = schemes?.schemes || [];
  const cadence = el("select", { id: "appraisal-cadence", "aria-label": t("appraisal.cadence") },
    ["", "Monthly", "Quarterly", "Yearly"].map(c => el("option", { value: c, text: t("appraisal.cadence." + (c || "none")) })));
  cadence.value = schemes?.cadence || "";
  cadence.addEventListener("change", async () => {
    if (await run("PUT", base + "/schemes" + query(), { schemes: schemes?.schemes || [], cadence: cadence.value || null })) { await refreshAppraisals(); }
  });
  const schedule = el("p", { id: "appraisal-schedule", class: "nr-inline" }, el("label", { class: "nr-inline" }, el("span", { text: t("appraisal.cadence") }), cadence),
    schemes?.lastOpened ? el("span", { class: "muted", text: tf("appraisal.lastOpened", { period: schemes.lastOpened }) }) : null);
  box.replaceChildren(schedule, all.length === 0 ? el("p", { class: "muted", text: t("appraisal.noSchemes") }) : el("div", null, ...all.map(s =>
    el("p", { "data-post": s.post },
      el("strong", { text: t("people.post." + s.post) + "：" }),
      el("span", { text: [
        ...s.indicators.map(i => `${t("appraisal.m." + i.measure)} ${i.weight}（${t(i.lowerIsBetter ? "appraisal.atMost" : "appraisal.target")} ${i.target}）`),
        ...s.manualItems.map(m => `${m.name} ${m.weight}`),
      ].join("、") + "；" + s.bands.map(b => `${b.grade} ≥ ${b.minTotal}`).join("、") })))));
}

// One post at a time: the catalogue's measures with a weight and a target each (weight 0 leaves it out), manual items as
// "名称:权重", grades as "等级:最低分"; the other posts' schemes are kept.
function schemeForm() {
  const form = el("form", { id: "appraisal-scheme-form", class: "ops-toolbar" },
    el("strong", { text: t("appraisal.editScheme") }),
    el("select", { name: "post", "aria-label": t("people.post") }, posts.map(p => el("option", { value: p, text: t("people.post." + p) }))),
    el("div", { id: "appraisal-scheme-measures", class: "ops-toolbar" }),
    el("input", { name: "manual", placeholder: t("appraisal.manualPlaceholder"), value: t("appraisal.manualDefault") }),
    el("input", { name: "bands", placeholder: t("appraisal.bandsPlaceholder"), value: t("appraisal.bandsDefault") }),
    el("button", { type: "submit", class: "primary compact", text: t("people.save") }));
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const f = form.elements;
    const pairs = text => text.split(/[,，、]/).map(s => s.trim()).filter(Boolean).map(s => s.split(/[:：]/).map(x => x.trim()));
    const indicators = [...form.querySelectorAll("[data-measure]")].map(row => ({
      measure: row.dataset.measure,
      weight: Number(row.querySelector("input[name=weight]").value || 0),
      target: Number(row.querySelector("input[name=target]").value || 0),
      lowerIsBetter: row.dataset.measure === "reviewTurnaroundMedianHours",
    })).filter(i => i.weight > 0);
    const scheme = {
      post: f.post.value, indicators,
      manualItems: pairs(f.manual.value).map(([name, weight]) => ({ name, weight: Number(weight) })),
      bands: pairs(f.bands.value).map(([grade, min]) => ({ grade, minTotal: Number(min) })),
    };
    const others = (schemes?.schemes || []).filter(s => s.post !== scheme.post);
    if (await run("PUT", base + "/schemes" + query(), { schemes: [...others, scheme], cadence: schemes?.cadence || null })) { await refreshAppraisals(); }
  });
  return form;
}

function renderSchemeMeasures() {
  const box = $("appraisal-scheme-measures");
  if (!box || box.childElementCount) { return; }
  box.replaceChildren(...measures.map(m => el("label", { class: "nr-inline", "data-measure": m },
    el("span", { text: t("appraisal.m." + m) }),
    el("input", { name: "weight", type: "number", min: 0, max: 100, value: 0, size: 3, title: t("appraisal.weight"), "aria-label": t("appraisal.weight") }),
    el("input", { name: "target", type: "number", min: 0, step: "any", value: m === "assignmentOnTimeRate" ? 90 : m === "reviewTurnaroundMedianHours" ? 24 : 5,
      size: 4, title: t("appraisal.target"), "aria-label": t("appraisal.target") }))));
}

function openForm() {
  const form = el("form", { id: "appraisal-open-form", class: "ops-toolbar" },
    el("input", { id: "appraisal-period", name: "period", value: lastMonth(), size: 8, title: t("appraisal.periodHint"), "aria-label": t("appraisal.period") }),
    button(t("appraisal.show"), () => refreshAppraisals()),
    el("select", { name: "personId", id: "appraisal-person", "aria-label": t("people.name") }),
    el("button", { type: "submit", class: "primary compact", text: t("appraisal.open") }));
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const f = form.elements;
    const opened = await run("POST", base + query(), { personId: f.personId.value, period: f.period.value.trim() });
    if (opened) { shown = opened; await refreshAppraisals(); }
  });
  return form;
}

function renderOpenForm() {
  renderSchemeMeasures();
  const picker = $("appraisal-person");
  if (!picker) { return; }
  picker.replaceChildren(...staff.filter(p => p.state === "Active").map(p => el("option", { value: p.id, text: p.name })));
}

async function show(id) {
  try {
    shown = await mc.api(base + "/" + enc(id));
    renderDetail();
  } catch (err) { message(problem(err)); }
}

function renderDetail() {
  const a = shown;
  const box = $("appraisal-detail");
  if (!a || !box) { return; }
  const path = base + "/" + enc(a.id);
  const canScore = appraiser && ["Draft", "Scored", "Disputed"].includes(a.state);
  const self = me()?.id === a.userId;
  const after = async answer => { if (answer) { shown = answer; renderDetail(); await refreshAppraisals(); } };
  const card = el("div", { class: "card", "data-appraisal": a.id, "data-state": a.state },
    el("div", { class: "card-head" },
      el("strong", { text: `${a.personName} · ${a.period.name}` }),
      el("span", { class: "badge " + (a.state === "Disputed" ? "badge-bad" : a.state === "Closed" ? "badge-ok" : ""), text: t("appraisal.state." + a.state) })),
    el("p", { class: "stats" },
      el("span", { text: tf("appraisal.totalIs", { total: number(a.total), grade: a.grade ?? "—" }) }),
      a.comment ? el("span", { text: " · " + a.comment }) : null,
      a.disputeReason ? el("span", { class: "error", text: " · " + tf("appraisal.disputedBecause", { reason: a.disputeReason }) }) : null),
    table([t("appraisal.indicator"), t("appraisal.value"), t("appraisal.target"), t("appraisal.weight"), t("appraisal.points")],
      a.figures.map(f => el("tr", { "data-measure": f.measure },
        td(t("appraisal.m." + f.measure), t("appraisal.indicator")), td(number(f.value), t("appraisal.value")),
        td((f.lowerIsBetter ? "≤ " : "") + f.target, t("appraisal.target")), td(String(f.weight), t("appraisal.weight")), td(number(f.points), t("appraisal.points")))),
      t("appraisal.noIndicators")),
    table([t("appraisal.manualItem"), t("appraisal.weight"), t("appraisal.score")],
      a.manualScores.map(m => el("tr", { "data-item": m.name },
        td(m.name, t("appraisal.manualItem")), td(String(m.weight), t("appraisal.weight")),
        el("td", { "data-label": t("appraisal.score") }, canScore
          ? el("input", { type: "number", name: "score", min: 0, max: 100, value: m.score ?? "", size: 4, "aria-label": t("appraisal.score") })
          : el("span", { text: m.score ?? "—" })))),
      t("appraisal.noManual")),
    a.incentives.length ? el("p", null, el("span", { text: t("appraisal.incentives") + "：" + a.incentives.map(i =>
      t("appraisal.incentive." + i.kind) + (i.amount ? ` ${i.amount}` : "") + ` ${i.note}`).join("；") })) : null,
    a.goals.length ? el("p", null, el("span", { text: t("appraisal.goals") + "：" + a.goals.map(g => g.title + (g.due ? `（${g.due}）` : "")).join("；") })) : null);

  const actions = el("div", { class: "ops-toolbar" });
  if (canScore) {
    const comment = el("input", { name: "comment", placeholder: t("appraisal.comment"), value: a.comment ?? "", maxlength: 1000 });
    actions.append(comment, button(t("appraisal.recompute"), async () => after(await run("POST", path + "/recompute"))),
      button(t("appraisal.saveScore"), async () => {
        const scores = [...card.querySelectorAll("tr[data-item]")].map(r => ({ name: r.dataset.item, score: Number(r.querySelector("input[name=score]").value) }));
        after(await run("PUT", path + "/score", { scores, comment: comment.value || null }));
      }, "primary compact"));
  }
  if (self && a.state === "Scored") {
    actions.append(button(t("appraisal.acknowledge"), async () => after(await run("POST", path + "/acknowledge")), "primary compact"),
      button(t("appraisal.dispute"), async () => {
        const reason = window.prompt(t("appraisal.disputePrompt"));
        if (reason) { after(await run("POST", path + "/dispute", { reason })); }
      }));
  }
  if (appraiser && a.state === "Acknowledged") { actions.append(button(t("appraisal.close"), async () => after(await run("POST", path + "/close")))); }
  if (appraiser && ["Acknowledged", "Closed"].includes(a.state)) {
    actions.append(button(t("appraisal.commend"), async () => {
      const note = window.prompt(t("appraisal.notePrompt"));
      if (note) { after(await run("POST", path + "/incentives", { kind: "Commendation", note })); }
    }), button(t("appraisal.bonus"), async () => {
      const amount = Number(window.prompt(t("appraisal.amountPrompt")));
      const note = amount > 0 ? window.prompt(t("appraisal.notePrompt")) : null;
      if (note) { after(await run("POST", path + "/incentives", { kind: "Bonus", amount, note })); }
    }));
  }
  if (appraiser && ["Scored", "Acknowledged", "Closed"].includes(a.state)) {
    actions.append(button(t("appraisal.setGoals"), async () => {
      const text = window.prompt(t("appraisal.goalsPrompt"), a.goals.map(g => g.title).join("、"));
      if (text !== null) {
        after(await run("PUT", path + "/goals", { goals: text.split(/[,，、\n]/).map(s => s.trim()).filter(Boolean).map(title => ({ title, due: null })) }));
      }
    }));
  }
  if (actions.childElementCount) { card.append(actions); }
  box.replaceChildren(card);
}

mc.live.on("appraisalChanged", change => {
  if (!organisation || !$("people-appraisal")) { return; }
  const mineChanged = change.userId && change.userId === me()?.id;
  if (mineChanged || (appraiser && change.organisation === organisation)) {
    if (shown && shown.id === change.id && shown.version >= change.version) { return; }
    refreshAppraisals();
  }
});
