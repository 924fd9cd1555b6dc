// Yearly evaluation (年度评价, F12.1): one evaluation per center (access party) and year, scored on weighted criteria by the
// local authority, the public (a survey's mean rating) and the center itself; evidence, findings and the rectifications they
// open; the result by bands; the year-over-year comparison of totals and per-criterion scores (ECharts). Addresses:
// /evaluations, /evaluations/{id}. Live: the grain pushes evaluationChanged after every change. Uses js/lib.js.
import { mc, t, tf, $, h as el, send, me, navigate, formatTime, problemText as problem, lineageBlock } from "./lib.js";

(function () {
  const parties = ["Authority", "Public", "Center"];
  const evidenceKinds = ["Report", "Indicator", "Ticket", "Supervision"];
  let started = false;
  let route = [];
  let shown = null;

  function canSee() { const u = me(); return !!u && (!!u.partyRole || ["admin", "operator", "management"].some(r => u.platformRoles.includes(r))); }
  function runs() { const u = me(); return !!u && ["admin", "operator", "management"].some(r => u.platformRoles.includes(r)); }
  function message(text) { const p = $("ev-message"); if (p) { p.textContent = text || ""; p.hidden = !text; } }
  function go(path) { navigate(path); }
  function link(path, text) { return el("a", { href: path, "data-route": "", text, onclick: e => { e.preventDefault(); go(path); } }); }
  function td(content, label) { return el("td", { "data-label": label }, content ?? "—"); }
  function table(heads, rows, empty, id) {
    return rows.length === 0 ? el("p", { class: "muted", text: empty })
      : el("table", { class: "silos", id }, el("thead", null, el("tr", null, heads.map(x => el("th", { text: x })))), el("tbody", null, rows));
  }
  function num(value) { return value === null || value === undefined ? "—" : String(value); }
  function grade(result) { return result ? t("ev.result." + result) : "—"; }

  // The page's parts; a part the caller has no use for is left out (replaceChildren would write "null").
  function skeleton() {
    $("evaluations").replaceChildren(...[
      el("div", { class: "card-head" }, el("h1", { id: "evaluations-title", text: t("ev.title") })),
      el("p", { class: "muted", text: t("ev.hint") }),
      el("p", { id: "ev-message", class: "error", role: "alert", hidden: true }),
      el("div", { id: "ev-detail" }),
      runs() ? planForm() : null,
      el("div", { id: "ev-list" }),
      el("section", { id: "ev-compare" })].filter(Boolean));
  }

  // The operator's own evaluation has the party "operator" (运营方).
  function partyName(id) { return id === "operator" ? t("ev.operatorParty") : id; }

  function planForm() {
    const form = el("form", { id: "ev-plan", class: "ops-toolbar" },
      el("strong", { text: t("ev.plan") }),
      el("input", { name: "partyId", placeholder: t("ev.party"), required: true, "aria-label": t("ev.party"), list: "ev-parties" }),
      el("datalist", { id: "ev-parties" }, el("option", { value: "operator", text: t("ev.operatorParty") })),
      el("input", { name: "year", type: "number", min: 2000, max: 2100, value: new Date().getFullYear(), required: true, "aria-label": t("ev.year") }),
      el("input", { name: "title", placeholder: t("ev.titleField"), maxlength: 200, "aria-label": t("ev.titleField") }),
      el("button", { type: "submit", class: "primary compact", text: t("ev.save") }));
    form.addEventListener("submit", async event => {
      event.preventDefault();
      const f = form.elements;
      try {
        const r = await send("POST", "/api/v1/evaluations", { partyId: f.partyId.value, year: Number(f.year.value), title: f.title.value || null });
        form.reset();
        f.year.value = new Date().getFullYear();
        message("");
        go("/evaluations/" + encodeURIComponent(r.id));
        refresh();
      } catch (err) { message(problem(err)); }
    });
    return form;
  }

  async function refresh() {
    try {
      const rows = await mc.api("/api/v1/evaluations");
      const box = $("ev-list");
      if (!box) { return; }
      const heads = [t("ev.titleField"), t("ev.party"), t("ev.year"), t("ev.state"), t("ev.total"), t("ev.resultLabel")];
      box.replaceChildren(el("h2", { text: t("ev.list") }), table(heads, rows.map(r => el("tr", { "data-evaluation": r.id, "data-state": r.state },
        td(link("/evaluations/" + encodeURIComponent(r.id), r.title), heads[0]), td(partyName(r.partyId), heads[1]), td(String(r.year), heads[2]),
        td(t("ev.state." + r.state), heads[3]), td(num(r.total), heads[4]), td(grade(r.result), heads[5]))), t("ev.empty"), "ev-table"));
      // The comparison follows the center on screen, else the first one listed (a center's own users see only theirs).
      const party = shown ? shown.partyId : rows[0]?.partyId;
      if (party) { await compare(party); } else { $("ev-compare")?.replaceChildren(); }
    } catch (err) { message(problem(err)); }
  }

  async function act(id, method, path, body) {
    try {
      await send(method, `/api/v1/evaluations/${encodeURIComponent(id)}/${path}`, body || {});
      message("");
      await Promise.all([show(), refresh()]);
    } catch (err) { message(problem(err)); }
  }

  function form(id, controls, submitText, submit) {
    const f = el("form", { id, class: "ops-toolbar" }, controls, el("button", { type: "submit", class: "primary compact", text: submitText }));
    f.addEventListener("submit", event => { event.preventDefault(); submit(f.elements); });
    return f;
  }

  function criterionSelect(e, name, optional) {
    return el("select", { name, "aria-label": t("ev.criterion") },
      optional ? el("option", { value: "", text: t("ev.noCriterion") }) : null,
      e.criteria.map(c => el("option", { value: c.code, text: `${c.code} ${c.name}` })));
  }

  // Criteria as lines "code, name, weight"; the weights must sum to 100 (the grain checks, the form shows the sum).
  function criteriaForm(e) {
    const lines = el("textarea", { name: "criteria", rows: 4, placeholder: t("ev.criteriaHint"), "aria-label": t("ev.criteria") },
      e.criteria.map(c => `${c.code}, ${c.name}, ${c.weight}`).join("\n"));
    const sum = el("span", { class: "muted", id: "ev-weight-sum" });
    const parse = () => lines.value.split("\n").map(x => x.trim()).filter(Boolean).map(x => {
      const parts = x.split(/[,，]/).map(p => p.trim());
      return { code: parts[0], name: parts[1] || parts[0], weight: Number(parts[2]) };
    });
    const update = () => { sum.textContent = tf("ev.weightSum", { sum: parse().reduce((a, c) => a + (c.weight || 0), 0) }); };
    lines.addEventListener("input", update);
    update();
    const band = (name, value) => el("input", { name, type: "number", min: 1, max: 100, step: "0.01", value, "aria-label": t("ev.band." + name), title: t("ev.band." + name) });
    return form("ev-criteria", [lines, sum, el("span", { text: t("ev.bands") }), band("excellent", e.bands.excellent), band("good", e.bands.good), band("pass", e.bands.pass)],
      t("ev.save"), f => act(e.id, "PUT", "criteria", {
        criteria: parse(),
        bands: { excellent: Number(f.excellent.value), good: Number(f.good.value), pass: Number(f.pass.value) },
      }));
  }

  function scoresTable(d) {
    const e = d.evaluation;
    const heads = [t("ev.criterion"), t("ev.weight"), ...parties.map(p => t("ev.party." + p)), t("ev.combined")];
    return table(heads, d.criteria.map(c => el("tr", { "data-criterion": c.criterion.code },
      td(`${c.criterion.code} ${c.criterion.name}`, heads[0]), td(String(c.criterion.weight), heads[1]),
      parties.map((p, i) => {
        const s = e.scores.find(x => x.party === p && x.criterion === c.criterion.code);
        return td(s ? `${s.score}${s.surveyId ? " ⓢ" : ""}` : "—", heads[2 + i]);
      }),
      td(num(c.score), heads[5]))), t("ev.noCriteria"), "ev-scores");
  }

  async function showEvaluation(id) {
    const d = await mc.api("/api/v1/evaluations/" + encodeURIComponent(id));
    const e = d.evaluation;
    shown = e;
    const moves = d.allowedMoves;
    const row = (label, value) => el("div", null, el("dt", { text: label }), el("dd", { text: value ?? "—" }));
    const parts = [
      el("div", { class: "card-head" }, el("h2", { text: e.title }),
        el("button", { type: "button", class: "lang", text: t("ev.back"), onclick: () => go("/evaluations") })),
      el("dl", { class: "tk-fields" },
        row(t("ev.state"), t("ev.state." + e.state)), row(t("ev.party"), partyName(e.partyId)), row(t("ev.year"), String(e.year)),
        row(t("ev.total"), num(e.total ?? d.total)), row(t("ev.resultLabel"), grade(e.result)),
        row(t("ev.bands"), `${e.bands.excellent} / ${e.bands.good} / ${e.bands.pass}`),
        row(t("ev.summary"), e.summary), row(t("ev.reward"), e.reward), row(t("ev.practice"), e.practice), row(t("ev.createdBy"), e.createdBy)),
      el("p", null, el("a", { id: "ev-export", href: `/api/v1/evaluations/${encodeURIComponent(e.id)}/export.xlsx`, download: "", text: t("ev.export") })),
      el("h3", { text: t("ev.criteria") }), scoresTable(d)];
    if (e.survey) {
      parts.push(el("p", { id: "ev-survey" }, tf("ev.surveyLine", { survey: e.survey.surveyId, criterion: e.survey.criterion, mean: e.survey.meanRating, n: e.survey.ratings, score: e.survey.score })));
    }
    if (moves.includes("Define")) { parts.push(criteriaForm(e)); }
    if (moves.includes("Start")) { parts.push(el("button", { type: "button", id: "ev-start", class: "primary compact", text: t("ev.cmd.Start"), onclick: () => act(e.id, "POST", "start") })); }
    if (moves.includes("Score") && e.criteria.length > 0) {
      parts.push(form("ev-score", [
        el("select", { name: "party", "aria-label": t("ev.partyLabel") }, parties.map(p => el("option", { value: p, text: t("ev.party." + p) }))),
        criterionSelect(e, "criterion", false),
        el("input", { name: "score", type: "number", min: 0, max: 100, step: "0.01", required: true, placeholder: t("ev.score"), "aria-label": t("ev.score") }),
        el("input", { name: "comment", placeholder: t("ev.comment"), "aria-label": t("ev.comment") })],
        t("ev.cmd.Score"), f => act(e.id, "POST", "scores", { party: f.party.value, criterion: f.criterion.value, score: Number(f.score.value), comment: f.comment.value || null })));
    }
    if (moves.includes("LinkSurvey") && e.criteria.length > 0) {
      parts.push(form("ev-link-survey", [el("input", { name: "surveyId", placeholder: t("ev.surveyId"), required: true, "aria-label": t("ev.surveyId") }), criterionSelect(e, "criterion", false)],
        t("ev.cmd.LinkSurvey"), f => act(e.id, "POST", "survey", { surveyId: f.surveyId.value, criterion: f.criterion.value })));
    }
    parts.push(el("h3", { text: t("ev.evidence") }),
      el("ol", { id: "ev-evidence" }, e.evidence.map(x => el("li", { "data-evidence": x.number, text: `${t("ev.kind." + x.kind)} ${x.reference}${x.note ? "（" + x.note + "）" : ""}` }))));
    if (moves.includes("AddEvidence")) {
      parts.push(form("ev-add-evidence", [
        el("select", { name: "kind", "aria-label": t("ev.kind") }, evidenceKinds.map(k => el("option", { value: k, text: t("ev.kind." + k) }))),
        el("input", { name: "reference", placeholder: t("ev.reference"), required: true, "aria-label": t("ev.reference") }),
        el("input", { name: "note", placeholder: t("ev.note"), "aria-label": t("ev.note") })],
        t("ev.cmd.AddEvidence"), f => act(e.id, "POST", "evidence", { kind: f.kind.value, reference: f.reference.value, note: f.note.value || null })));
    }
    parts.push(el("h3", { text: t("ev.findings") }),
      el("ol", { id: "ev-findings" }, d.findings.map(x => el("li", { "data-finding": x.finding.number },
        x.finding.text, x.finding.criterion ? `（${x.finding.criterion}）` : "", " ",
        x.finding.rectificationId
          ? el("span", null, link("/indicators/rectifications/" + encodeURIComponent(x.finding.rectificationId), t("ev.rectification")), " ",
            el("span", { class: "badge", "data-rect-state": x.rectificationState || "", text: t("ind.rect.state." + (x.rectificationState || "Open")) }), " ",
            tf("ev.responsibleIs", { name: x.finding.responsible || "—" }))
          : moves.includes("OpenRectification")
            ? form("ev-rect-" + x.finding.number, [el("input", { name: "responsible", placeholder: t("ev.responsible"), required: true, "aria-label": t("ev.responsible") })],
              t("ev.cmd.OpenRectification"), f => act(e.id, "POST", `findings/${x.finding.number}/rectification`, { responsible: f.responsible.value }))
            : null))));
    if (moves.includes("AddFinding")) {
      parts.push(form("ev-add-finding", [el("input", { name: "text", placeholder: t("ev.findingText"), required: true, "aria-label": t("ev.findingText") }), criterionSelect(e, "criterion", true)],
        t("ev.cmd.AddFinding"), f => act(e.id, "POST", "findings", { text: f.text.value, criterion: f.criterion.value || null })));
    }
    if (moves.includes("Complete")) { parts.push(el("button", { type: "button", id: "ev-complete", class: "primary compact", text: t("ev.cmd.Complete"), onclick: () => act(e.id, "POST", "complete") })); }
    if (moves.includes("Reopen")) {
      parts.push(form("ev-reopen", [el("input", { name: "reason", placeholder: t("ev.reason"), required: true, "aria-label": t("ev.reason") })],
        t("ev.cmd.Reopen"), f => act(e.id, "POST", "reopen", { reason: f.reason.value })));
    }
    if (moves.includes("Conclude")) {
      parts.push(form("ev-conclude", [
        el("textarea", { name: "summary", rows: 2, placeholder: t("ev.summary"), "aria-label": t("ev.summary") }),
        el("input", { name: "reward", placeholder: t("ev.rewardHint"), "aria-label": t("ev.reward") }),
        el("input", { name: "practice", placeholder: t("ev.practiceHint"), "aria-label": t("ev.practice") })],
        t("ev.cmd.Conclude"), f => act(e.id, "POST", "conclude", { summary: f.summary.value || null, reward: f.reward.value || null, practice: f.practice.value || null })));
    }
    if (moves.includes("Close")) { parts.push(el("button", { type: "button", id: "ev-close", class: "lang", text: t("ev.cmd.Close"), onclick: () => act(e.id, "POST", "close") })); }
    parts.push(el("h3", { text: t("ev.history") }),
      el("ol", null, d.history.map(x => el("li", { text: `${formatTime(x.at)} ${x.actor}：${t("ev.cmd." + x.command)} → ${t("ev.state." + x.to)}${x.comment ? "（" + x.comment + "）" : ""}` }))));
    parts.push(lineageBlock("evaluation", e.id));
    $("ev-detail").replaceChildren(el("article", { class: "card", id: "ev-open", "data-evaluation": e.id, "data-state": e.state, "data-version": e.version }, parts));
  }

  // Year over year: totals as a line, each criterion's combined score as bars per year (ECharts, loaded on demand); a
  // table of the same figures stays under the charts for screen readers and when the library cannot load.
  async function compare(partyId) {
    const box = $("ev-compare");
    if (!box) { return; }
    const c = await mc.api("/api/v1/evaluations/comparison?partyId=" + encodeURIComponent(partyId));
    const years = c.years.map(y => String(y.year));
    const codes = [...new Set(c.years.flatMap(y => y.criteria.map(x => x.code)))];
    const totals = el("div", { class: "chart ev-chart", id: "ev-chart-totals", "data-totals": c.years.map(y => y.total ?? "").join(",") });
    const criteria = el("div", { class: "chart ev-chart", id: "ev-chart-criteria" });
    const heads = [t("ev.year"), t("ev.total"), t("ev.resultLabel"), ...codes];
    box.replaceChildren(el("h2", { text: tf("ev.compareTitle", { party: partyName(c.partyId) }) }), totals, criteria,
      table(heads, c.years.map(y => el("tr", { "data-year": y.year },
        td(String(y.year), heads[0]), td(num(y.total), heads[1]), td(grade(y.result), heads[2]),
        codes.map((code, i) => td(num(y.criteria.find(x => x.code === code)?.score), heads[3 + i])))), t("ev.empty"), "ev-compare-table"));
    if (c.years.length === 0) { return; }
    mc.loadEcharts().then(() => {
      const a = window.echarts.getInstanceByDom(totals) || window.echarts.init(totals);
      a.setOption({ animation: false, tooltip: { trigger: "axis" }, grid: { left: 40, right: 16, top: 24, bottom: 24 },
        xAxis: { type: "category", data: years }, yAxis: { type: "value", min: 0, max: 100 },
        series: [{ name: t("ev.total"), type: "line", data: c.years.map(y => y.total), label: { show: true } }] }, true);
      const b = window.echarts.getInstanceByDom(criteria) || window.echarts.init(criteria);
      b.setOption({ animation: false, tooltip: { trigger: "axis" }, legend: { type: "scroll", top: 0 }, grid: { left: 40, right: 16, top: 32, bottom: 24 },
        xAxis: { type: "category", data: years }, yAxis: { type: "value", min: 0, max: 100 },
        series: codes.map(code => ({ name: code, type: "bar", data: c.years.map(y => y.criteria.find(x => x.code === code)?.score ?? null) })) }, true);
    }).catch(() => { totals.textContent = c.years.map(y => `${y.year}: ${num(y.total)}`).join(" · "); });
  }

  async function show() {
    const box = $("ev-detail");
    if (!box) { return; }
    try {
      if (route[0]) { await showEvaluation(route[0]); } else { shown = null; box.replaceChildren(); }
    } catch (err) { box.replaceChildren(); message(problem(err)); }
  }

  function start() {
    if (!me()) { return; }
    started = true;
    skeleton();
    show().then(refresh);
  }

  function visible() { return started && !$("evaluations").hidden; }

  document.addEventListener("mc:signed-in", () => {
    started = false;
    document.querySelectorAll(".tab[data-role=evaluations]").forEach(tab => { tab.hidden = !canSee(); });
  });
  document.addEventListener("mc:signed-out", () => {
    started = false;
    document.querySelectorAll(".tab[data-role=evaluations]").forEach(tab => { tab.hidden = true; });
  });
  document.addEventListener("mc:route", event => {
    if (event.detail.view !== "evaluations") { return; }
    route = event.detail.parts;
    if (started) { show().then(refresh); }
  });
  document.addEventListener("mc:view", event => { if (event.detail === "evaluations") { start(); } });
  document.addEventListener("mc:language", () => { if (visible()) { skeleton(); show().then(refresh); } });
  // Another person's move: the list, the comparison and the evaluation on screen follow.
  mc.live.on("evaluationChanged", card => {
    if (!visible()) { return; }
    refresh();
    if (shown && card && card.id === shown.id) { show(); }
  });
  mc.live.onReconnected(() => { if (visible()) { show().then(refresh); } });
})();
