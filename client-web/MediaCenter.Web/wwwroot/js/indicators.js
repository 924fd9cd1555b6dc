// Indicators (指标, F9.4): management defines indicators over the catalogue of measures, closes or computes months and
// decides on explanations; an access party sees its monthly figures against the targets (ECharts trends) and answers a
// shortfall with a rectification (整改) or an explanation (报备). Addresses: /indicators, /indicators/rectifications/{id}.
// Nothing polls: a missed target arrives as a notification (indicatorMissed), which makes the page read again.
import { mc, t, tf, $, h as el, me, send, keyed, navigate, formatTime, problemText as problem, lineageBlock } from "./lib.js";

(function () {
  let started = false;
  let indicators = [];
  let figures = [];
  let rectifications = [];
  let measures = [];
  let packs = [];
  let detailId = null;

  const isManagement = () => { const u = me(); return !!u && ["admin", "operator", "management"].some(r => u.platformRoles.includes(r)); };
  const canSee = () => { const u = me(); return !!u && (!!u.partyRole || isManagement()); };
  const isPartyAdmin = partyId => { const u = me(); return !!u && u.partyId === partyId && u.partyRole === "party-admin"; };
  const monthOf = date => `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}`;
  const number = v => v === null || v === undefined ? "—" : String(Math.round(v * 100) / 100);

  function message(err) { const p = $("ind-message"); if (!p) { return; } p.textContent = err ? (typeof err === "string" ? err : problem(err)) : ""; p.hidden = !err; }

  function table(headers, rows, empty) {
    if (rows.length === 0) { return el("p", { class: "muted", text: empty }); }
    return el("table", { class: "silos" }, el("thead", null, el("tr", null, headers.map(x => el("th", { text: x })))), el("tbody", null, rows));
  }
  const td = (text, label) => el("td", { text: text ?? "—", "data-label": label });

  function skeleton() {
    $("indicators").replaceChildren(
      el("div", { class: "card-head" }, el("h1", { id: "indicators-title", text: t("ind.title") })),
      el("p", { id: "ind-message", class: "error", role: "alert", hidden: true }),
      ...(isManagement() ? [defineForm(), monthTools()] : []),
      el("h2", { text: t("ind.list") }), el("div", { id: "ind-list" }),
      el("h2", { text: t("ind.trend") }), el("div", { id: "ind-chart", class: "chart" }),
      el("h2", { text: t("ind.figures") }),
      exportBox(),
      el("h2", { text: t("rep.title") }), reportBox(),
      el("div", { id: "ind-figures" }),
      el("h2", { text: t("ind.packs") }), el("div", { id: "ind-packs" }),
      el("h2", { text: t("ind.rectifications") }), el("div", { id: "ind-rects" }),
      el("div", { id: "ind-detail", hidden: true }));
  }

  // A report pack on request (any months, a party): made in the background; its steps arrive live (reportExportChanged) and the
  // bar keeps the furthest one, since pushes may overtake each other. The last request is remembered for this page's life.
  let exporting = null;
  function exportBox() {
    const previous = new Date(); previous.setDate(1); previous.setMonth(previous.getMonth() - 1);
    const once = keyed();
    const from = el("input", { id: "ind-export-from", type: "month", value: monthOf(previous), "aria-label": t("ind.exportFrom") });
    const to = el("input", { id: "ind-export-to", type: "month", value: monthOf(previous), "aria-label": t("ind.exportTo") });
    const party = isManagement() ? el("input", { id: "ind-export-party", placeholder: t("ind.exportParty"), "aria-label": t("ind.exportParty"), size: 12 }) : null;
    const button = el("button", { type: "submit", id: "ind-export", class: "primary compact", text: t("ind.export") });
    const form = el("form", { id: "ind-export-form", class: "ops-toolbar" },
      el("label", { class: "nr-inline" }, el("span", { text: t("ind.exportFrom") }), from),
      el("label", { class: "nr-inline" }, el("span", { text: t("ind.exportTo") }), to),
      party, button,
      el("a", { href: "/api/v1/reports/pack.csv?section=Indicators", download: "", text: "CSV" }));
    form.addEventListener("submit", async event => {
      event.preventDefault();
      try {
        button.disabled = true;
        const body = { from: from.value, to: to.value };
        if (party && party.value.trim()) { body.partyId = party.value.trim(); }
        showExport(await once(key => send("POST", "/api/v1/reports/exports", body, key)));
        message(null);
      } catch (err) { message(err); } finally { button.disabled = false; }
    });
    return el("div", { id: "ind-export-box" }, form,
      el("div", { id: "ind-export-state", class: "nr-inline", "aria-live": "polite" }));
  }

  function showExport(status) {
    if (!status || (exporting && exporting.id === status.id && rank(status) < rank(exporting))) { return; }
    exporting = status;
    const box = $("ind-export-state");
    if (!box) { return; }
    const parts = [el("progress", { id: "ind-export-progress", max: String(Math.max(1, status.stepsTotal)), value: String(status.stepsDone), "aria-label": t("ind.export") })];
    if (status.state === "Done") {
      parts.push(el("a", { id: "ind-export-download", href: status.download, download: "", text: tf("ind.exportDone", { size: Math.max(1, Math.round(status.bytes / 1024)) }) }));
    } else if (status.state === "Failed") {
      parts.push(el("span", { class: "error", text: status.error || t("ind.exportFailed") }));
    } else {
      parts.push(el("span", { id: "ind-export-step", text: tf("ind.exportStep", { done: status.stepsDone, total: status.stepsTotal || "…", rows: status.rows }) }));
    }
    box.replaceChildren(...parts);
  }

  // The pack's sections as pages: one section at a time for the months and party of the form above, a chart of a chosen figure
  // (summed by month, or by row where the section has no month) and the rows.
  const sections = ["Channels", "Incidents", "RootCauses", "Terminals", "Inspections", "Staff", "HotEvents", "Measures", "Indicators", "Rectifications"];
  const shares = new Set(["OnTimeRate", "CertifiedShare", "AnsweredShare"]);
  const valueKeys = { Category: "inc.category.", Status: "hot.state.", State: "ind.rect.state." };
  let report = null;

  function reportBox() {
    const section = el("select", { id: "rep-section", "aria-label": t("rep.section") }, sections.map(n => el("option", { value: n, text: t("rep.sec." + n) })));
    const form = el("form", { id: "rep-form", class: "ops-toolbar" },
      el("label", { class: "nr-inline" }, el("span", { text: t("rep.section") }), section),
      el("button", { type: "submit", class: "lang", id: "rep-show", text: t("rep.show") }));
    form.addEventListener("submit", async event => {
      event.preventDefault();
      const query = new URLSearchParams({ from: $("ind-export-from").value, to: $("ind-export-to").value });
      const party = $("ind-export-party");
      if (party && party.value.trim()) { query.set("partyId", party.value.trim()); }
      try { report = await mc.api(`/api/v1/reports/sections/${section.value}?${query}`); message(null); renderReport(); } catch (err) { message(err); }
    });
    return el("div", { id: "rep-box" }, form, el("div", { id: "rep-figure-box" }), el("div", { id: "rep-chart", class: "chart", hidden: true }), el("div", { id: "rep-table" }));
  }

  function columnLabel(column) {
    const measure = measures.find(m => m.name === column);
    return measure ? measure.label : (t("rep.col." + column) === "rep.col." + column ? column : t("rep.col." + column));
  }

  function isShare(column) { return shares.has(column) || measures.some(m => m.name === column && m.unit === "%"); }

  function cell(column, value) {
    if (value === null || value === undefined) { return "—"; }
    if (typeof value === "boolean") { return t(value ? "rep.yes" : "rep.no"); }
    if (typeof value === "number") { return isShare(column) ? `${Math.round(value * 1000) / 10}%` : String(Math.round(value * 100) / 100); }
    if (/^\d{4}-\d\d-\d\dT/.test(value)) { return column === "Month" ? value.slice(0, 7) : /T00:00:00/.test(value) ? value.slice(0, 10) : formatTime(value); }
    const key = valueKeys[column] ? valueKeys[column] + value : null;
    return key && t(key) !== key ? t(key) : value;
  }

  function renderReport() {
    const box = $("rep-table");
    if (!box || !report) { return; }
    const columns = report.columns;
    box.replaceChildren(report.rows.length === 0 ? el("p", { class: "muted", id: "rep-empty", text: t("rep.none") })
      : el("table", { class: "silos", id: "rep-rows", "data-section": report.section },
        el("thead", null, el("tr", null, columns.map(c => el("th", { text: columnLabel(c) })))),
        el("tbody", null, report.rows.map(r => el("tr", null, r.map((v, i) => td(cell(columns[i], v), columnLabel(columns[i]))))))));
    const numeric = columns.filter((c, i) => report.rows.some(r => typeof r[i] === "number"));
    const pick = $("rep-figure-box");
    pick.replaceChildren(numeric.length === 0 ? "" : el("label", { class: "nr-inline" }, el("span", { text: t("rep.figure") }),
      el("select", { id: "rep-figure", "aria-label": t("rep.figure"), onchange: event => renderReportChart(event.target.value) },
        numeric.map(c => el("option", { value: c, text: columnLabel(c) })))));
    renderReportChart(numeric[0]);
  }

  async function renderReportChart(column) {
    const box = $("rep-chart");
    if (!box) { return; }
    box.hidden = !column || report.rows.length === 0;
    if (box.hidden) { return; }
    try { await mc.loadEcharts(); } catch { return; }
    const columns = report.columns;
    const at = columns.indexOf(column);
    const by = columns.includes("Month") ? columns.indexOf("Month") : columns.findIndex((c, i) => report.rows.every(r => typeof r[i] === "string"));
    const sums = new Map();
    for (const row of report.rows) {
      const x = by < 0 ? "" : cell(columns[by], row[by]);
      if (typeof row[at] === "number") { sums.set(x, (sums.get(x) || 0) + row[at]); }
    }
    const xs = [...sums.keys()].sort();
    const chart = window.echarts.getInstanceByDom(box) || window.echarts.init(box);
    chart.setOption({ animation: false, tooltip: { trigger: "axis" }, grid: { left: 56, right: 16, top: 24, bottom: 28 },
      xAxis: { type: "category", data: xs }, yAxis: { type: "value" },
      series: [{ name: columnLabel(column), type: columns.includes("Month") ? "line" : "bar",
        data: xs.map(x => isShare(column) ? Math.round(sums.get(x) * 1000) / 10 : Math.round(sums.get(x) * 100) / 100) }] }, true);
  }

  // Finished beats running; among running, more steps done is further.
  function rank(s) { return s.state === "Running" ? s.stepsDone : 1000; }

  function defineForm() {
    const once = keyed();
    const form = el("form", { id: "ind-define", class: "ops-toolbar" },
      el("strong", { text: t("ind.define") }),
      el("input", { name: "name", placeholder: t("ind.name"), required: true }),
      el("input", { name: "expression", placeholder: t("ind.expression"), required: true, size: 36, list: "ind-measures" }),
      el("datalist", { id: "ind-measures" }, measures.map(m => el("option", { value: m.name, text: m.label }))),
      el("select", { name: "comparison", "aria-label": t("ind.comparison") }, el("option", { value: "AtLeast", text: "≥" }), el("option", { value: "AtMost", text: "≤" })),
      el("input", { name: "target", type: "number", step: "any", placeholder: t("ind.target"), required: true }),
      el("input", { name: "unit", placeholder: t("ind.unit"), size: 4 }),
      el("input", { name: "parties", placeholder: t("ind.parties") }),
      el("input", { name: "applications", placeholder: t("ind.applications") }),
      el("label", { class: "nr-inline" }, el("input", { name: "activate", type: "checkbox", checked: true }), el("span", { text: t("ind.activateNow") })),
      el("button", { type: "submit", class: "primary compact", text: t("ind.save") }));
    form.addEventListener("submit", async event => {
      event.preventDefault();
      const f = form.elements;
      try {
        const created = await once(key => send("POST", "/api/v1/indicators", {
          name: f.name.value, expression: f.expression.value, comparison: f.comparison.value, target: Number(f.target.value), unit: f.unit.value,
          parties: f.parties.value.split(/[,，、\s]+/).map(s => s.trim()).filter(Boolean),
          applications: f.applications.value.split(/[,，、\s]+/).map(s => s.trim()).filter(Boolean),
        }, key));
        if (f.activate.checked) { await send("POST", `/api/v1/indicators/${encodeURIComponent(created.id)}/activate`, {}); }
        form.reset();
        message(null);
        await refresh();
      } catch (err) { message(err); }
    });
    return form;
  }

  function monthTools() {
    const previous = new Date(); previous.setDate(1); previous.setMonth(previous.getMonth() - 1);
    const input = el("input", { id: "ind-month", type: "month", value: monthOf(previous) });
    return el("div", { class: "ops-toolbar" },
      el("label", { class: "nr-inline" }, el("span", { text: t("ind.month") }), input),
      el("button", { type: "button", id: "ind-close", class: "primary compact", text: t("ind.close"), onclick: async () => {
        try { const r = await send("POST", `/api/v1/indicators/months/${input.value}/close`, {}); message(tf("ind.closed", { month: input.value, n: r.remindersRaised })); await refresh(); }
        catch (err) { message(err); }
      } }),
      el("button", { type: "button", id: "ind-compute", class: "lang", text: t("ind.compute"), onclick: async () => {
        try { await send("POST", "/api/v1/indicators/months/current/compute", {}); await refresh(); } catch (err) { message(err); }
      } }),
      el("button", { type: "button", id: "ind-archive", class: "lang", text: t("ind.archive"), onclick: async () => {
        try { const made = await send("POST", `/api/v1/reports/archive/${input.value}`, {}); message(tf("ind.archived", { month: input.value, n: made.length })); await refresh(); }
        catch (err) { message(err); }
      } }));
  }

  function renderList() {
    const box = $("ind-list");
    if (!box) { return; }
    box.replaceChildren(table([t("ind.name"), t("ind.expression"), t("ind.target"), t("ind.parties"), t("ind.state"), ""],
      indicators.map(i => el("tr", { "data-indicator": i.id },
        td(i.name), td(i.expression), td(`${i.comparison === "AtLeast" ? "≥" : "≤"} ${number(i.target)}${i.unit}`),
        td((i.applications || []).length > 0 ? tf("ind.appScope", { apps: i.applications.join(", ") })
          : i.parties.length === 0 ? t("ind.allParties") : i.parties.join(", ")), td(t("ind.state." + i.state)),
        el("td", null, isManagement() && i.state === "Draft"
          ? el("button", { type: "button", class: "lang", text: t("ind.activate"), onclick: () => command(`/api/v1/indicators/${encodeURIComponent(i.id)}/activate`, {}) })
          : isManagement() && i.state === "Active"
            ? el("button", { type: "button", class: "lang", text: t("ind.retire"), onclick: () => {
              const reason = prompt(t("ind.retireReason")); if (reason) { command(`/api/v1/indicators/${encodeURIComponent(i.id)}/retire`, { reason }); } } })
            : null))),
      t("ind.none")));
  }

  // Monthly packs kept by the platform (made after each month ends): the pack of all parties and each party's own.
  function renderPacks() {
    const box = $("ind-packs");
    if (!box) { return; }
    box.replaceChildren(table([t("ind.month"), t("ind.party"), t("ind.packMade"), t("ind.packSize"), ""],
      packs.slice(0, 60).map(p => {
        const month = p.month.slice(0, 7);
        const href = `/api/v1/reports/archive/${month}.xlsx` + (p.partyId ? `?partyId=${encodeURIComponent(p.partyId)}` : "");
        return el("tr", { "data-pack": `${month}/${p.partyId || "all"}` },
          td(month, t("ind.month")), td(p.partyId || t("ind.allParties"), t("ind.party")), td(formatTime(p.madeAt), t("ind.packMade")),
          td(`${Math.max(1, Math.round(p.bytes / 1024))} KB`, t("ind.packSize")),
          el("td", null, el("a", { href, download: "", text: t("ind.packDownload") })));
      }),
      t("ind.packsNone")));
  }

  async function command(path, body, method = "POST") {
    try { await send(method, path, body); message(null); await refresh(); } catch (err) { message(err); }
  }

  // A figure is for a whole party or for one of its applications ({party}.{code}, as application ids are written).
  const scopeOf = f => f.application ? `${f.partyId}.${f.application}` : f.partyId;

  function renderFigures() {
    const box = $("ind-figures");
    if (!box) { return; }
    const names = Object.fromEntries(indicators.map(i => [i.id, i.name]));
    const latest = [...figures].sort((a, b) => b.month.localeCompare(a.month)).slice(0, 200);
    box.replaceChildren(table([t("ind.month"), t("ind.name"), t("ind.party"), t("ind.value"), t("ind.target"), t("ind.met")],
      latest.map(f => el("tr", { "data-figure": `${f.indicatorId}/${scopeOf(f)}/${f.month.slice(0, 7)}`, "data-met": String(f.met) },
        td(f.month.slice(0, 7) + (f.closed ? "" : " *")), td(names[f.indicatorId] || f.indicatorId), td(scopeOf(f)), td(number(f.value)),
        td(`${f.comparison === "AtLeast" ? "≥" : "≤"} ${number(f.target)}`),
        el("td", null, el("span", { class: "badge " + (f.met === true ? "badge-ok" : f.met === false ? "badge-bad" : ""),
          text: t(f.met === true ? "ind.metYes" : f.met === false ? "ind.metNo" : "ind.noData") })))),
      t("ind.noFigures")));
    renderChart();
  }

  // Each indicator's monthly trend per party, against its target (a dashed line).
  async function renderChart() {
    const box = $("ind-chart");
    if (!box) { return; }
    if (figures.length === 0) { box.textContent = t("ind.noFigures"); return; }
    try { await mc.loadEcharts(); } catch { return; }
    const chart = window.echarts.getInstanceByDom(box) || window.echarts.init(box);
    const months = [...new Set(figures.map(f => f.month.slice(0, 7)))].sort();
    const series = [];
    for (const i of indicators) {
      const own = figures.filter(f => f.indicatorId === i.id);
      for (const scope of [...new Set(own.map(scopeOf))]) {
        series.push({ name: `${i.name} · ${scope}`, type: "line", data: months.map(m => own.find(f => scopeOf(f) === scope && f.month.startsWith(m))?.value ?? null) });
      }
      if (own.length > 0) { series.push({ name: `${i.name} · ${t("ind.target")}`, type: "line", lineStyle: { type: "dashed" }, symbol: "diamond", data: months.map(() => i.target) }); }
    }
    chart.setOption({ animation: false, tooltip: { trigger: "axis" }, legend: { type: "scroll", top: 0 }, grid: { left: 48, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: months }, yAxis: { type: "value" }, series }, true);
  }

  function renderRectifications() {
    const box = $("ind-rects");
    if (!box) { return; }
    box.replaceChildren(table([t("ind.rect.title"), t("ind.party"), t("ind.state"), t("ind.rect.nextDue"), t("ind.rect.updated")],
      rectifications.map(r => el("tr", { "data-rect": r.id },
        el("td", null, el("a", { href: `/indicators/rectifications/${encodeURIComponent(r.id)}`, "data-route": "", text: r.title,
          onclick: event => { event.preventDefault(); navigate(`/indicators/rectifications/${encodeURIComponent(r.id)}`); } })),
        td(r.partyId), td(t("ind.rect.state." + r.state)), td(r.nextDue), td(formatTime(r.updatedAt)))),
      t("ind.rect.none")));
  }

  async function showDetail(id) {
    detailId = id;
    const box = $("ind-detail");
    if (!box) { return; }
    try {
      const d = await mc.api(`/api/v1/rectifications/${encodeURIComponent(id)}`);
      const r = d.rectification;
      const moves = d.allowedMoves;
      const parts = [
        el("h2", { id: "ind-rect-title", text: `${t("ind.rect.detail")}：${r.source.title}` }),
        el("p", null, el("span", { id: "ind-rect-state", class: "badge", "data-state": r.state, text: t("ind.rect.state." + r.state) }), " ", r.source.detail || ""),
        sourceLink(r.source),
        el("p", { text: `${t("ind.rect.analysis")}：${r.analysis || "—"}` }),
        r.explanation ? el("p", { text: `${t("ind.rect.explanation")}：${r.explanation}` }) : null,
        r.decisionComment ? el("p", { text: `${t("ind.rect.decision")}：${r.decisionComment}（${r.decidedBy || ""}）` }) : null,
        table([t("ind.rect.what"), t("ind.rect.owner"), t("ind.rect.due"), t("ind.rect.done")],
          r.actions.map(a => el("tr", null, td(`${a.number}. ${a.what}`), td(a.owner), td(a.due),
            el("td", null, a.doneAt ? `✓ ${a.doneBy}` : moves.includes("CompleteAction")
              ? el("button", { type: "button", class: "lang", text: t("ind.rect.markDone"), onclick: () => rectCommand(id, `actions/${a.number}/done`, {}) }) : "—"))),
          t("ind.rect.noActions")),
      ];
      if (moves.includes("Analyse")) { parts.push(textForm("ind-analysis", t("ind.rect.analysis"), r.analysis || "", text => rectCommand(id, "analysis", { text }, "PUT"))); }
      if (moves.includes("Plan")) { parts.push(planForm(id)); }
      if (moves.includes("File")) { parts.push(textForm("ind-explanation", t("ind.rect.file"), "", text => rectCommand(id, "explanation", { text }))); }
      if (moves.includes("Finish")) { parts.push(el("button", { type: "button", id: "ind-finish", class: "primary compact", text: t("ind.rect.finish"), onclick: () => rectCommand(id, "finish", {}) })); }
      if (moves.includes("Accept") || moves.includes("Reject")) {
        const comment = el("input", { id: "ind-decision-comment", placeholder: t("ind.rect.comment"), size: 40 });
        parts.push(el("div", { class: "ops-toolbar" }, comment,
          el("button", { type: "button", id: "ind-accept", class: "primary compact", text: t("ind.rect.accept"), onclick: () => rectCommand(id, "decision", { accepted: true, comment: comment.value }) }),
          el("button", { type: "button", id: "ind-reject", class: "lang", text: t("ind.rect.reject"), onclick: () => rectCommand(id, "decision", { accepted: false, comment: comment.value }) })));
      }
      parts.push(el("h3", { text: t("ind.rect.history") }),
        el("ol", null, d.history.map(e => el("li", { text: `${formatTime(e.at)} ${e.actor}：${e.command} → ${t("ind.rect.state." + e.to)}${e.comment ? "（" + e.comment + "）" : ""}` }))),
        lineageBlock("rectification", r.id));
      box.replaceChildren(...parts.filter(Boolean));
      box.hidden = false;
    } catch (err) { message(err); box.hidden = true; }
  }

  function textForm(id, label, value, run) {
    const area = el("textarea", { name: "text", rows: 3, cols: 60, text: value });
    const form = el("form", { id, class: "ops-toolbar" }, el("label", null, el("span", { text: label }), area),
      el("button", { type: "submit", class: "primary compact", text: t("ind.save") }));
    form.addEventListener("submit", event => { event.preventDefault(); run(area.value); });
    return form;
  }

  function planForm(id) {
    const rows = el("div", { class: "ind-actions" });
    const addRow = () => rows.append(el("div", { class: "ops-toolbar" },
      el("input", { name: "what", placeholder: t("ind.rect.what"), required: true, size: 30 }),
      el("input", { name: "owner", placeholder: t("ind.rect.owner"), required: true }),
      el("input", { name: "due", type: "date", required: true })));
    addRow();
    const form = el("form", { id: "ind-plan" }, el("strong", { text: t("ind.rect.plan") }), rows,
      el("button", { type: "button", class: "lang", text: t("ind.rect.addAction"), onclick: addRow }),
      el("button", { type: "submit", class: "primary compact", text: t("ind.rect.submitPlan") }));
    form.addEventListener("submit", event => {
      event.preventDefault();
      const actions = [...rows.children].map(row => ({ what: row.querySelector("[name=what]").value, owner: row.querySelector("[name=owner]").value, due: row.querySelector("[name=due]").value || null }));
      rectCommand(id, "plan", { actions });
    });
    return form;
  }

  // A rectification opened by a ticket or a supervision finding links back to it.
  function sourceLink(source) {
    const path = source.kind === "ticket" ? "/tickets/" + encodeURIComponent(source.reference)
      : source.kind === "supervision" ? "/supervision/" + encodeURIComponent(source.reference) : null;
    return path ? el("p", { id: "ind-rect-source" }, `${t("ind.rect.source")}：`, el("a", { href: path, "data-route": "", text: source.reference,
      onclick: event => { event.preventDefault(); navigate(path); } })) : null;
  }

  async function rectCommand(id, path, body, method = "POST") {
    try {
      await send(method, `/api/v1/rectifications/${encodeURIComponent(id)}/${path}`, body);
      message(null);
      await refresh();
    } catch (err) { message(err); }
  }

  async function refresh() {
    try {
      const to = monthOf(new Date());
      const fromDate = new Date(); fromDate.setDate(1); fromDate.setMonth(fromDate.getMonth() - 12);
      [indicators, figures, rectifications, packs] = await Promise.all([
        mc.api("/api/v1/indicators"), mc.api(`/api/v1/indicators/figures?from=${monthOf(fromDate)}&to=${to}`), mc.api("/api/v1/rectifications"),
        mc.api("/api/v1/reports/archive")]);
      renderList();
      renderFigures();
      renderPacks();
      renderRectifications();
      if (detailId) { await showDetail(detailId); }
    } catch (err) { message(err); }
  }

  async function start() {
    if (!started) {
      started = true;
      try { measures = await mc.api("/api/v1/indicators/measures"); } catch { measures = []; }
    }
    skeleton();
    await refresh();
  }

  document.addEventListener("mc:route", event => {
    if (event.detail.view !== "indicators") { return; }
    const [kind, id] = event.detail.parts;
    if (kind === "rectifications" && id) { showDetail(id); }
    else { detailId = null; const box = $("ind-detail"); if (box) { box.hidden = true; } }
  });
  mc.live.on("notification", n => { if (started && !$("indicators").hidden && n && String(n.kind || "").startsWith("indicator")) { refresh(); } });
  mc.live.on("reportExportChanged", status => { if (started && exporting && status && status.id === exporting.id) { showExport(status); } });
  mc.live.onReconnected(async () => {
    if (!started || $("indicators").hidden) { return; }
    refresh();
    // Pushes missed while away: the request says where it is now.
    if (exporting && exporting.state === "Running") { try { showExport(await mc.api(exporting.link)); } catch { /* shown on the next push */ } }
  });
  document.addEventListener("mc:signed-in", () => {
    started = false; detailId = null;
    document.querySelectorAll(".tab[data-role=indicators]").forEach(tab => { tab.hidden = !canSee(); });
  });
  document.addEventListener("mc:signed-out", () => {
    started = false;
    document.querySelectorAll(".tab[data-role=indicators]").forEach(tab => { tab.hidden = true; });
  });
  document.addEventListener("mc:view", event => { if (event.detail === "indicators") { start(); } });
  document.addEventListener("mc:language", () => { if (started && !$("indicators").hidden) { skeleton(); renderList(); renderFigures(); renderRectifications(); if (exporting) { const e = exporting; exporting = null; showExport(e); } if (report) { renderReport(); } if (detailId) { showDetail(detailId); } } });
})();
