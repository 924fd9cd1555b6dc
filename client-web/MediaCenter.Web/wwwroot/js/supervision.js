// Supervision (监督, F11.2): the records of telephone visits, online surveys, return visits, managers' visits, mystery visits
// and public supervision, each with its findings and the rectifications they opened; and the survey builder, with each
// survey's public link and its answers charted per question. Addresses: /supervision, /supervision/{id},
// /supervision/surveys/{id}. Live: the record grains push supervisionChanged. Uses the shared module (js/lib.js).
import { mc, t, tf, $, h as el, send, me, navigate, formatTime, problemText as problem, lineageBlock } from "./lib.js";

(function () {
  const kinds = ["TelephoneVisit", "OnlineSurvey", "ReturnVisit", "ManagerVisit", "MysteryVisit", "PublicSupervision"];
  const questionKinds = ["Single", "Multiple", "Rating", "Text"];
  let started = false;
  let route = [];

  function canSee() { const u = me(); return !!u && (!!u.partyRole || ["admin", "operator", "management"].some(r => u.platformRoles.includes(r))); }
  function supervises() { const u = me(); return !!u && ["admin", "operator", "management"].some(r => u.platformRoles.includes(r)); }
  function message(text) { const p = $("sv-message"); if (p) { p.textContent = text || ""; p.hidden = !text; } }
  function go(path) { navigate(path); }
  function link(path, text) { return el("a", { href: path, "data-route": "", text, onclick: e => { e.preventDefault(); go(path); } }); }
  function td(content, label) { return el("td", { "data-label": label }, content ?? "—"); }
  function table(heads, rows, empty) {
    return rows.length === 0 ? el("p", { class: "muted", text: empty })
      : el("table", { class: "silos" }, el("thead", null, el("tr", null, heads.map(x => el("th", { text: x })))), el("tbody", null, rows));
  }

  function skeleton() {
    $("supervision").replaceChildren(
      el("div", { class: "card-head" }, el("h1", { id: "supervision-title", text: t("sv.title") })),
      el("p", { class: "muted", text: t("sv.mysteryNote") }),
      el("p", { id: "sv-message", class: "error", role: "alert", hidden: true }),
      el("div", { id: "sv-detail" }),
      supervises() ? planForm() : null,
      el("div", { id: "sv-list" }),
      supervises() ? el("section", { id: "sv-surveys" }, el("h2", { text: t("sv.surveys") }), surveyForm(), el("div", { id: "sv-survey-list" })) : null);
  }

  function planForm() {
    const form = el("form", { id: "sv-plan", class: "ops-toolbar" },
      el("strong", { text: t("sv.plan") }),
      el("select", { name: "kind", "aria-label": t("sv.kind") }, kinds.map(k => el("option", { value: k, text: t("sv.kind." + k) }))),
      el("input", { name: "title", placeholder: t("sv.titleField"), required: true, maxlength: 200 }),
      el("input", { name: "partyId", placeholder: t("sv.party") }),
      el("input", { name: "channel", placeholder: t("sv.channel") }),
      el("input", { name: "plannedFor", type: "date", "aria-label": t("sv.plannedFor") }),
      el("button", { type: "submit", class: "primary compact", text: t("sv.save") }));
    form.addEventListener("submit", async event => {
      event.preventDefault();
      const f = form.elements;
      try {
        const r = await send("POST", "/api/v1/supervision", { kind: f.kind.value, title: f.title.value, partyId: f.partyId.value || null,
          channel: f.channel.value || null, plannedFor: f.plannedFor.value || null });
        form.reset();
        message("");
        go("/supervision/" + encodeURIComponent(r.id));
        refresh();
      } catch (err) { message(problem(err)); }
    });
    return form;
  }

  async function refresh() {
    try {
      const rows = await mc.api("/api/v1/supervision");
      const box = $("sv-list");
      if (!box) { return; }
      const heads = [t("sv.titleField"), t("sv.kind"), t("sv.state"), t("sv.party"), t("sv.plannedFor"), t("sv.responsible"), t("sv.doneOn"), t("sv.findings")];
      box.replaceChildren(table(heads, rows.map(r => el("tr", { "data-record": r.id, "data-state": r.state, "data-overdue": String(!!r.overdue) },
        td(link("/supervision/" + encodeURIComponent(r.id), r.title), heads[0]), td(t("sv.kind." + r.kind), heads[1]),
        td(el("span", null, t("sv.state." + r.state), r.overdue ? " " : null, r.overdue ? overdueBadge() : null), heads[2]),
        td(r.partyId, heads[3]), td(r.plannedFor, heads[4]), td(r.responsible, heads[5]), td(r.doneOn, heads[6]), td(String(r.findings), heads[7]))), t("sv.empty")));
      if (supervises()) { await refreshSurveys(); }
    } catch (err) { message(problem(err)); }
  }

  function overdueBadge() { return el("span", { class: "badge badge-bad sv-overdue", text: t("sv.overdue") }); }

  async function act(id, path, body) {
    try {
      await send("POST", `/api/v1/supervision/${encodeURIComponent(id)}/${path}`, body || {});
      message("");
      await Promise.all([show(), refresh()]);
    } catch (err) { message(problem(err)); }
  }

  function textForm(id, label, multiline, submit) {
    const input = multiline ? el("textarea", { name: "text", rows: 3, placeholder: label, required: true }) : el("input", { name: "text", placeholder: label, required: true });
    const form = el("form", { id, class: "ops-toolbar" }, input, el("button", { type: "submit", class: "primary compact", text: t("sv.save") }));
    form.addEventListener("submit", event => { event.preventDefault(); submit(input.value); });
    return form;
  }

  async function showRecord(id) {
    const box = $("sv-detail");
    const d = await mc.api("/api/v1/supervision/" + encodeURIComponent(id));
    const r = d.record;
    const moves = d.allowedMoves;
    const row = (label, value) => el("div", null, el("dt", { text: label }), el("dd", { text: value ?? "—" }));
    const parts = [
      el("div", { class: "card-head" }, el("h2", null, `${t("sv.kind." + r.kind)} · ${r.title}`, r.overdue ? " " : null, r.overdue ? overdueBadge() : null),
        el("button", { type: "button", class: "lang", text: t("sv.back"), onclick: () => go("/supervision") })),
      el("dl", { class: "tk-fields" },
        row(t("sv.state"), t("sv.state." + r.state)), row(t("sv.party"), r.partyId), row(t("sv.channel"), r.channel), row(t("sv.plannedFor"), r.plannedFor), row(t("sv.responsible"), r.responsible),
        row(t("sv.doneOn"), r.doneOn), row(t("sv.doneBy"), r.doneBy), row(t("sv.summary"), r.summary), row(t("sv.createdBy"), r.createdBy)),
      el("h3", { text: t("sv.findings") }),
      el("ol", { id: "sv-findings" }, d.findings.map(f => el("li", { "data-finding": f.finding.number },
        f.finding.text, " ",
        f.finding.rectificationId
          ? el("span", null, link("/indicators/rectifications/" + encodeURIComponent(f.finding.rectificationId), t("sv.rectification")), " ",
            el("span", { class: "badge", "data-rect-state": f.rectificationState || "", text: t("ind.rect.state." + (f.rectificationState || "Open")) }))
          : moves.includes("OpenRectification") && r.partyId
            ? el("button", { type: "button", class: "lang sv-open-rect", text: t("sv.openRectification"), onclick: () => act(r.id, `findings/${f.finding.number}/rectification`) })
            : null)))];
    if (moves.includes("Schedule")) {
      const form = el("form", { id: "sv-schedule", class: "ops-toolbar" },
        el("input", { name: "plannedFor", type: "date", required: true, value: r.plannedFor || "", "aria-label": t("sv.plannedFor") }),
        el("label", { class: "nr-inline" }, el("input", { name: "takeOver", type: "checkbox", checked: !r.responsibleId }), el("span", { text: t("sv.takeOver") })),
        el("button", { type: "submit", class: "primary compact", text: t("sv.schedule") }));
      form.addEventListener("submit", event => {
        event.preventDefault();
        const f = form.elements;
        act(r.id, "schedule", { plannedFor: f.plannedFor.value, responsibleId: f.takeOver.checked ? me().id : null });
      });
      parts.push(form);
    }
    if (moves.includes("Record")) {
      const form = el("form", { id: "sv-record", class: "ops-toolbar" },
        el("input", { name: "doneOn", type: "date", "aria-label": t("sv.doneOn") }),
        el("textarea", { name: "summary", rows: 3, placeholder: t("sv.summary"), required: true }),
        el("textarea", { name: "findings", rows: 3, placeholder: t("sv.findingsHint") }),
        el("button", { type: "submit", class: "primary compact", text: t("sv.record") }));
      form.addEventListener("submit", event => {
        event.preventDefault();
        const f = form.elements;
        act(r.id, "record", { doneOn: f.doneOn.value || null, summary: f.summary.value, findings: f.findings.value.split("\n").map(x => x.trim()).filter(Boolean) });
      });
      parts.push(form);
    }
    if (moves.includes("AddFinding")) { parts.push(textForm("sv-add-finding", t("sv.addFinding"), false, text => act(r.id, "findings", { text }))); }
    if (moves.includes("LinkSurvey") && r.kind === "OnlineSurvey") { parts.push(textForm("sv-link-survey", t("sv.surveyId"), false, surveyId => act(r.id, "survey", { surveyId }))); }
    if (moves.includes("Close")) { parts.push(el("button", { type: "button", id: "sv-close", class: "lang", text: t("sv.close"), onclick: () => act(r.id, "close") })); }
    if (d.survey) { parts.push(el("h3", { text: t("sv.surveyResults") }), results(d.survey)); }
    parts.push(el("h3", { text: t("sv.history") }),
      el("ol", null, d.history.map(e => el("li", { text: `${formatTime(e.at)} ${e.actor}：${t("sv.cmd." + e.command)} → ${t("sv.state." + e.to)}${e.comment ? "（" + e.comment + "）" : ""}` }))));
    parts.push(lineageBlock("supervision", r.id));
    box.replaceChildren(el("article", { class: "card", id: "sv-open", "data-record": r.id, "data-state": r.state }, parts));
  }

  // --- surveys -------------------------------------------------------------------------------------------------------

  function questionRow() {
    return el("div", { class: "ops-toolbar sv-question" },
      el("select", { name: "qkind", "aria-label": t("sv.questionKind") }, questionKinds.map(k => el("option", { value: k, text: t("sv.q." + k) }))),
      el("input", { name: "qtext", placeholder: t("sv.questionText"), required: true }),
      el("input", { name: "qoptions", placeholder: t("sv.questionOptions") }),
      el("label", { class: "nr-inline" }, el("input", { name: "qrequired", type: "checkbox" }), el("span", { text: t("sv.required") })));
  }

  function surveyForm() {
    const questions = el("div", { id: "sv-questions" }, questionRow());
    const form = el("form", { id: "sv-survey-form" },
      el("strong", { text: t("sv.newSurvey") }),
      el("input", { name: "title", placeholder: t("sv.titleField"), required: true, maxlength: 200 }),
      el("input", { name: "intro", placeholder: t("sv.intro") }),
      questions,
      el("button", { type: "button", class: "lang", id: "sv-add-question", text: t("sv.addQuestion"), onclick: () => questions.append(questionRow()) }),
      el("input", { name: "consentText", placeholder: t("sv.consentText") }),
      el("button", { type: "submit", class: "primary compact", text: t("sv.save") }));
    form.addEventListener("submit", async event => {
      event.preventDefault();
      const body = {
        title: form.elements.title.value, intro: form.elements.intro.value || null, consentText: form.elements.consentText.value || null,
        questions: [...questions.querySelectorAll(".sv-question")].map(q => ({
          kind: q.querySelector("[name=qkind]").value, text: q.querySelector("[name=qtext]").value,
          options: q.querySelector("[name=qoptions]").value.split(/[,，、]/).map(x => x.trim()).filter(Boolean),
          required: q.querySelector("[name=qrequired]").checked,
        })),
      };
      try {
        const s = await send("POST", "/api/v1/surveys", body);
        form.reset();
        questions.replaceChildren(questionRow());
        message("");
        go("/supervision/surveys/" + encodeURIComponent(s.id));
        refreshSurveys();
      } catch (err) { message(problem(err)); }
    });
    return form;
  }

  async function refreshSurveys() {
    const box = $("sv-survey-list");
    if (!box) { return; }
    const rows = await mc.api("/api/v1/surveys");
    const heads = [t("sv.titleField"), t("sv.state"), t("sv.responses")];
    box.replaceChildren(table(heads, rows.map(s => el("tr", { "data-survey": s.id, "data-state": s.state },
      td(link("/supervision/surveys/" + encodeURIComponent(s.id), s.title), heads[0]), td(t("sv.survey." + s.state), heads[1]), td(String(s.responses), heads[2]))),
      t("sv.noSurveys")));
  }

  function publicLink(id) { return location.origin + "/public/survey/?id=" + encodeURIComponent(id); }

  async function showSurvey(id) {
    const s = await mc.api("/api/v1/surveys/" + encodeURIComponent(id));
    const command = async path => {
      try { await send("POST", `/api/v1/surveys/${encodeURIComponent(id)}/${path}`, {}); message(""); await Promise.all([show(), refreshSurveys()]); } catch (err) { message(problem(err)); }
    };
    $("sv-detail").replaceChildren(el("article", { class: "card", id: "sv-survey", "data-survey": s.id, "data-state": s.state },
      el("div", { class: "card-head" }, el("h2", { text: s.title }), el("button", { type: "button", class: "lang", text: t("sv.back"), onclick: () => go("/supervision") })),
      el("p", null, el("span", { class: "badge", text: t("sv.survey." + s.state) }), " ", tf("sv.responsesN", { n: s.responses }), " · ", el("code", { text: s.id })),
      s.state === "Published" ? el("p", null, t("sv.publicLink"), " ", el("a", { id: "sv-public-link", href: publicLink(s.id), target: "_blank", rel: "noopener", text: publicLink(s.id) })) : null,
      s.state !== "Draft" ? el("p", { class: "ops-toolbar", id: "sv-export" },
        el("a", { id: "sv-export-xlsx", href: `/api/v1/surveys/${encodeURIComponent(s.id)}/answers.xlsx`, download: "", text: t("sv.exportXlsx") }), " ",
        el("a", { id: "sv-export-csv", href: `/api/v1/surveys/${encodeURIComponent(s.id)}/answers.csv`, download: "", text: t("sv.exportCsv") })) : null,
      s.state === "Draft" ? el("button", { type: "button", id: "sv-publish", class: "primary compact", text: t("sv.publish"), onclick: () => command("publish") }) : null,
      s.state === "Published" ? el("button", { type: "button", id: "sv-survey-close", class: "lang", text: t("sv.closeSurvey"), onclick: () => command("close") }) : null,
      results(s)));
  }

  // One chart per choice or rating question (ECharts, loaded on demand), the latest texts for a text question.
  function results(s) {
    const box = el("div", { class: "sv-results" });
    for (const q of s.questions) {
      const tally = s.tallies.find(x => x.number === q.number) || { answered: 0, counts: [], texts: [] };
      const head = el("h4", { text: `${q.number}. ${q.text}（${t("sv.q." + q.kind)} · ${tf("sv.answeredN", { n: tally.answered })}）` });
      if (q.kind === "Text") {
        box.append(head, el("ul", { "data-question": q.number }, tally.texts.map(x => el("li", { text: x }))));
        continue;
      }
      const labels = q.kind === "Rating" ? ["1", "2", "3", "4", "5"] : q.options;
      const chart = el("div", { class: "sv-chart", "data-question": q.number, "data-counts": tally.counts.join(",") });
      box.append(head, chart);
      mc.loadEcharts().then(() => {
        const c = window.echarts.getInstanceByDom(chart) || window.echarts.init(chart);
        c.setOption({ animation: false, tooltip: {}, grid: { left: 80, right: 16, top: 8, bottom: 24 },
          xAxis: { type: "value", minInterval: 1 }, yAxis: { type: "category", data: labels }, series: [{ type: "bar", data: tally.counts }] }, true);
      }).catch(() => { chart.textContent = labels.map((l, i) => `${l}: ${tally.counts[i]}`).join(" · "); });
    }
    return box;
  }

  async function show() {
    const box = $("sv-detail");
    if (!box) { return; }
    try {
      if (route[0] === "surveys" && route[1]) { await showSurvey(route[1]); } else if (route[0]) { await showRecord(route[0]); } else { box.replaceChildren(); }
    } catch (err) { box.replaceChildren(); message(problem(err)); }
  }

  function start() {
    if (!me()) { return; }
    started = true;
    skeleton();
    refresh();
    show();
  }

  document.addEventListener("mc:signed-in", () => {
    started = false;
    document.querySelectorAll(".tab[data-role=supervision]").forEach(tab => { tab.hidden = !canSee(); });
  });
  document.addEventListener("mc:signed-out", () => {
    started = false;
    document.querySelectorAll(".tab[data-role=supervision]").forEach(tab => { tab.hidden = true; });
  });
  document.addEventListener("mc:route", event => {
    if (event.detail.view !== "supervision") { return; }
    route = event.detail.parts;
    if (started) { show(); }
  });
  document.addEventListener("mc:view", event => { if (event.detail === "supervision") { start(); } });
  document.addEventListener("mc:language", () => { if (started && !$("supervision").hidden) { skeleton(); refresh(); show(); } });
  // Live: a record changed (planned, scheduled, flagged overdue, recorded …): the list follows, and the record if it is open.
  mc.live.on("supervisionChanged", card => {
    if (!started || $("supervision").hidden) { return; }
    refresh();
    if (card && route[0] === card.id) { show(); }
  });
  mc.live.onReconnected(() => { if (started && !$("supervision").hidden) { refresh(); show(); } });
})();
