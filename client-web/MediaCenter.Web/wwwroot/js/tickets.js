// Tickets (投诉、咨询、建议, F11.1): the list with every ticket's clock, one ticket with the moves the caller may make now,
// and the record of a phone call or an e-mail. Uses the shared module (js/lib.js). Nothing polls: the page reads again
// when the alert centre pushes a ticket notification (new, assigned, overdue, dissatisfied) and after each own move.
import { mc, t, tf, $, h as el, send, me, navigate, formatTime, problemText as problem, lineageBlock } from "./lib.js";

(function () {
  const kinds = ["Complaint", "Consultation", "Suggestion"];
  const states = ["Received", "Accepted", "Rejected", "Assigned", "Handled", "Replied", "ReturnVisited", "Closed"];
  const running = { Received: "Acknowledge", Accepted: "Reply", Assigned: "Reply", Handled: "Reply", Replied: "ReturnVisit" };
  let started = false;
  let filter = "";
  let openId = null;
  let timer = null;

  function canSee() { const u = me(); return !!u && (!!u.partyRole || ["admin", "operator", "management"].some(r => u.platformRoles.includes(r))); }
  function isStaff() { const u = me(); return !!u && ["admin", "operator"].some(r => u.platformRoles.includes(r)); }
  function message(text) { const p = $("tk-message"); if (p) { p.textContent = text || ""; p.hidden = !text; } }

  // The clock of a ticket: the limit running now, and how long is left (or how long it is overdue).
  function clock(row) {
    const deadline = running[row.state];
    const due = deadline === "Acknowledge" ? row.acknowledgeBy : deadline === "Reply" ? row.replyBy : deadline === "ReturnVisit" ? row.returnVisitBy : null;
    const overdue = row.overdue || [];
    if (!due) {
      return el("span", { class: "badge " + (overdue.length ? "badge-bad" : "badge-ok"), "data-clock": "none",
        text: overdue.length ? tf("tk.wasOverdue", { list: overdue.map(d => t("tk.deadline." + d)).join("、") }) : t("tk.noClock") });
    }
    const left = new Date(due).getTime() - Date.now();
    const hours = Math.round(Math.abs(left) / 3600000);
    const late = left < 0 || overdue.includes(deadline);
    return el("span", { class: "badge " + (late ? "badge-bad" : left < 86400000 ? "badge-wait" : "badge-ok"), "data-clock": late ? "overdue" : "running",
      title: formatTime(due),
      text: `${t("tk.deadline." + deadline)} · ${late ? tf("tk.overdueBy", { h: hours }) : tf("tk.leftH", { h: hours })}` });
  }

  function skeleton() {
    $("tickets").replaceChildren(
      el("div", { class: "card-head" },
        el("h1", { id: "tickets-title", text: t("tk.title") }),
        el("label", { class: "nr-inline" }, el("span", { text: t("tk.state") }),
          el("select", { id: "tk-filter", onchange: e => { filter = e.target.value; refresh(); } },
            el("option", { value: "", text: t("tk.all") }), states.map(s => el("option", { value: s, selected: s === filter, text: t("tk.state." + s) })))),
        el("a", { href: "/public/complaint", target: "_blank", rel: "noopener", text: t("tk.publicPage") })),
      el("p", { id: "tk-message", class: "error", role: "alert", hidden: true }),
      el("div", { id: "tk-detail" }),
      el("div", { id: "tk-list" }),
      isStaff() ? recordForm() : null);
  }

  function recordForm() {
    const form = el("form", { id: "tk-record", class: "ops-toolbar" },
      el("strong", { text: t("tk.record") }),
      el("select", { name: "source", "aria-label": t("tk.source") }, ["Phone", "Email"].map(s => el("option", { value: s, text: t("tk.source." + s) }))),
      el("select", { name: "kind", "aria-label": t("tk.kind") }, kinds.map(k => el("option", { value: k, text: t("tk.kind." + k) }))),
      el("select", { name: "priority", "aria-label": t("tk.priority") }, ["Normal", "Urgent"].map(p => el("option", { value: p, text: t("tk.priority." + p) }))),
      el("input", { name: "subject", placeholder: t("tk.subject"), required: true, maxlength: 100 }),
      el("input", { name: "content", placeholder: t("tk.content"), required: true, maxlength: 2000 }),
      el("input", { name: "name", placeholder: t("tk.name"), autocomplete: "off", maxlength: 50 }),
      el("input", { name: "phone", placeholder: t("tk.phone"), autocomplete: "off" }),
      el("input", { name: "email", placeholder: t("tk.email"), autocomplete: "off" }),
      el("label", { class: "nr-inline" }, el("input", { name: "consent", type: "checkbox" }), el("span", { text: t("tk.consentTold") })),
      el("button", { type: "submit", class: "primary compact", text: t("tk.save") }));
    form.addEventListener("submit", async event => {
      event.preventDefault();
      const f = form.elements;
      try {
        const ticket = await send("POST", "/api/v1/tickets", {
          source: f.source.value, kind: f.kind.value, priority: f.priority.value, subject: f.subject.value, content: f.content.value,
          name: f.name.value || null, phone: f.phone.value || null, email: f.email.value || null, consent: f.consent.checked,
        });
        form.reset();
        message("");
        navigate("/tickets/" + encodeURIComponent(ticket.id));
      } catch (err) { message(problem(err)); }
    });
    return form;
  }

  function td(content, label) { return el("td", { "data-label": label }, content ?? "—"); }

  async function refresh() {
    try {
      const rows = await mc.api("/api/v1/tickets" + (filter ? "?state=" + encodeURIComponent(filter) : ""));
      const box = $("tk-list");
      if (!box) { return; }
      if (rows.length === 0) { box.replaceChildren(el("p", { class: "muted", text: t("tk.empty") })); return; }
      const heads = [t("tk.code"), t("tk.kind"), t("tk.subject"), t("tk.state"), t("tk.assignee"), t("tk.clock"), t("tk.contact"), t("tk.received")];
      box.replaceChildren(el("table", { class: "silos", id: "tk-table" },
        el("thead", null, el("tr", null, heads.map(x => el("th", { text: x })))),
        el("tbody", null, rows.map(r => el("tr", { "data-ticket": r.id, "data-state": r.state },
          td(el("a", { href: "/tickets/" + r.id, "data-route": "", text: r.id, onclick: e => { e.preventDefault(); navigate("/tickets/" + encodeURIComponent(r.id)); } }), heads[0]),
          td(t("tk.kind." + r.kind) + (r.priority === "Urgent" ? " · " + t("tk.priority.Urgent") : ""), heads[1]), td(r.subject, heads[2]),
          td(t("tk.state." + r.state), heads[3]), td(r.assignee, heads[4]), td(clock(r), heads[5]),
          td(r.personalDataErasedAt ? t("tk.erased") : [r.nameMasked, r.phoneMasked, r.emailMasked].filter(Boolean).join(" ") || "—", heads[6]),
          td(formatTime(r.createdAt), heads[7]))))));
    } catch (err) { message(problem(err)); }
  }

  // The inputs each move asks for, and the body it sends.
  const moves = {
    Accept: { path: "accept", fields: [] },
    Reject: { path: "reject", fields: [["reason", "tk.reason", true]] },
    Assign: { path: "assign", fields: [["assignee", "tk.assigneeHint", true], ["note", "tk.note"]] },
    Handle: { path: "handle", fields: [["note", "tk.handling", true], ["rectificationRequested", "tk.rectification"]] },
    Reply: { path: "reply", fields: [["text", "tk.replyText", true]] },
    RecordReturnVisit: { path: "return-visit", fields: [["satisfaction", "tk.satisfaction", true, "number"], ["comment", "tk.comment"]] },
    Close: { path: "close", fields: [["reason", "tk.closeReason"]] },
    Reopen: { path: "reopen", fields: [["reason", "tk.reason"]] },
    OpenRectification: { path: "rectifications", fields: [["title", "tk.rectTitle", true], ["detail", "tk.rectDetail"]] },
  };

  // The person whose work the ticket concerns (counted in their appraisal): the active staff of the assigned organisation.
  // A handler who may not list that staff simply gets no choice (the ticket is handled without one).
  function concernedSelect(organisation) {
    const select = el("select", { name: "concernedStaffId", "aria-label": t("tk.concerned"), hidden: true },
      el("option", { value: "", text: t("tk.concernedNone") }));
    mc.api("/api/v1/people?organisation=" + encodeURIComponent(organisation))
      .then(people => {
        select.append(...people.filter(p => p.state === "Active").map(p => el("option", { value: p.id, text: p.name })));
        select.hidden = false;
      })
      .catch(() => { });
    return select;
  }

  function moveForm(ticket, command) {
    const move = moves[command];
    const form = el("form", { class: "ops-toolbar tk-move", "data-move": command },
      move.fields.map(([name, label, required, type]) => el("input", { name, placeholder: t(label), required: !!required, type: type || "text",
        min: type === "number" ? 1 : null, max: type === "number" ? 5 : null, value: name === "assignee" ? (ticket.assignee || "") : null })),
      command === "Handle" && ticket.assignee ? concernedSelect(ticket.assignee) : null,
      el("button", { type: "submit", class: "primary compact", text: t("tk.cmd." + command) }));
    form.addEventListener("submit", async event => {
      event.preventDefault();
      const body = {};
      for (const [name, , , type] of move.fields) { const v = form.elements[name].value; body[name] = v === "" ? null : type === "number" ? Number(v) : v; }
      if (form.elements.concernedStaffId) { body.concernedStaffId = form.elements.concernedStaffId.value || null; }
      try {
        await send("POST", `/api/v1/tickets/${encodeURIComponent(ticket.id)}/${move.path}`, body);
        message("");
        await Promise.all([show(ticket.id), refresh()]);
      } catch (err) { message(problem(err)); }
    });
    return form;
  }

  async function show(id) {
    const box = $("tk-detail");
    if (!box) { return; }
    if (!id) { box.replaceChildren(); return; }
    try {
      const { ticket: x, allowedMoves, rectifications, evaluations = [] } = await mc.api("/api/v1/tickets/" + encodeURIComponent(id));
      const c = x.clock;
      const row = (label, value) => el("div", null, el("dt", { text: label }), el("dd", { text: value ?? "—" }));
      box.replaceChildren(el("article", { class: "card tk-ticket", id: "tk-open", "data-ticket": x.id, "data-state": x.state },
        el("div", { class: "card-head" }, el("h2", { text: `${x.id} · ${x.subject}` }),
          el("button", { type: "button", class: "lang", text: t("tk.closeView"), onclick: () => navigate("/tickets") })),
        el("p", null, clock({ state: x.state, acknowledgeBy: c.acknowledgeBy, replyBy: c.replyBy, returnVisitBy: c.returnVisitBy, overdue: c.overdue })),
        el("dl", { class: "tk-fields" },
          row(t("tk.kind"), t("tk.kind." + x.kind) + " · " + t("tk.priority." + x.priority) + " · " + t("tk.source." + x.source)),
          row(t("tk.state"), t("tk.state." + x.state)), row(t("tk.content"), x.content), row(t("tk.assignee"), x.assignee),
          row(t("tk.contact"), x.personalDataErasedAt ? t("tk.erased") : [x.nameMasked, x.phoneMasked, x.emailMasked].filter(Boolean).join(" ")),
          row(t("tk.consent"), x.consent ? tf("tk.consentText", { purpose: x.consent.purpose, days: x.consent.retentionDays, at: formatTime(x.consent.givenAt) }) : null),
          row(t("tk.deadline.Acknowledge"), formatTime(c.acknowledgeBy) + (c.acknowledgedAt ? " ✓ " + formatTime(c.acknowledgedAt) : "")),
          row(t("tk.deadline.Reply"), formatTime(c.replyBy) + (c.repliedAt ? " ✓ " + formatTime(c.repliedAt) : "")),
          row(t("tk.deadline.ReturnVisit"), c.returnVisitBy ? formatTime(c.returnVisitBy) + (c.returnVisitedAt ? " ✓ " + formatTime(c.returnVisitedAt) : "") : null),
          row(t("tk.rejectReason"), x.rejectReason), row(t("tk.handling"), x.handlingNote), row(t("tk.rectification"), x.rectificationRequested),
          row(t("tk.replyText"), x.reply), row(t("tk.satisfaction"), x.satisfaction ? `${x.satisfaction}/5 ${x.satisfactionComment || ""}` : null)),
        (x.attachments || []).length ? el("div", { id: "tk-files" }, el("strong", { text: t("tk.attachments") }),
          el("ul", null, x.attachments.map(a => el("li", { "data-attachment": a.id },
            el("a", { href: `/api/v1/tickets/${encodeURIComponent(x.id)}/attachments/${a.id}`, target: "_blank", rel: "noopener", text: a.fileName }),
            " ", el("span", { class: "muted", text: `${a.contentType} · ${Math.max(1, Math.round(a.sizeBytes / 1024))} KB` }))))) : null,
        rectifications.length ? el("div", { id: "tk-rects" }, el("strong", { text: t("tk.rectifications") }),
          el("ul", null, rectifications.map(r => el("li", { "data-rect": r.id, "data-state": r.state || "" },
            el("a", { href: "/indicators/rectifications/" + encodeURIComponent(r.id), "data-route": "", text: r.title || r.id,
              onclick: e => { e.preventDefault(); navigate("/indicators/rectifications/" + encodeURIComponent(r.id)); } }),
            " ", el("span", { class: "badge", text: t("ind.rect.state." + (r.state || "Open")) }))))) : null,
        evaluations.length ? el("div", { id: "tk-evaluations" }, el("strong", { text: t("tk.citedBy") }),
          el("ul", null, evaluations.map(e => el("li", { "data-evaluation": e.id },
            el("a", { href: "/evaluations/" + encodeURIComponent(e.id), "data-route": "", text: `${e.year} · ${e.title}`,
              onclick: ev => { ev.preventDefault(); navigate("/evaluations/" + encodeURIComponent(e.id)); } }),
            " ", el("span", { class: "badge", text: t("ev.state." + e.state) }))))) : null,
        allowedMoves.filter(m => moves[m]).map(m => moveForm(x, m)),
        allowedMoves.includes("ErasePersonalData") && !x.personalDataErasedAt && isStaff()
          ? el("button", { type: "button", class: "lang", id: "tk-erase", text: t("tk.cmd.ErasePersonalData"), onclick: async () => {
            if (!confirm(t("tk.eraseConfirm"))) { return; }
            try { await send("DELETE", `/api/v1/tickets/${encodeURIComponent(x.id)}/personal-data`); await show(x.id); } catch (err) { message(problem(err)); }
          } })
          : null,
        lineageBlock("ticket", x.id)));
    } catch (err) { box.replaceChildren(); message(problem(err)); }
  }

  function start() {
    if (!me()) { return; }
    started = true;
    skeleton();
    refresh();
    show(openId);
    // The clocks move on by themselves: redraw them each minute.
    clearInterval(timer);
    timer = setInterval(() => { if (!$("tickets").hidden) { refresh(); } }, 60000);
  }

  mc.live.on("notification", n => { if (started && String(n.kind || "").startsWith("ticket") && !$("tickets").hidden) { refresh(); if (openId) { show(openId); } } });
  mc.live.onReconnected(() => { if (started && !$("tickets").hidden) { refresh(); } });
  document.addEventListener("mc:signed-in", () => {
    started = false;
    document.querySelectorAll(".tab[data-role=tickets]").forEach(tab => { tab.hidden = !canSee(); });
  });
  document.addEventListener("mc:signed-out", () => {
    started = false;
    clearInterval(timer);
    document.querySelectorAll(".tab[data-role=tickets]").forEach(tab => { tab.hidden = true; });
  });
  document.addEventListener("mc:route", event => {
    if (event.detail.view !== "tickets") { return; }
    openId = event.detail.parts[0] || null;
    if (started) { show(openId); }
  });
  document.addEventListener("mc:view", event => { if (event.detail === "tickets") { start(); } });
  document.addEventListener("mc:language", () => { if (started && !$("tickets").hidden) { skeleton(); refresh(); show(openId); } });
})();
