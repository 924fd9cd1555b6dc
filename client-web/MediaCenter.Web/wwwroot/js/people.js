// People (人员管理, F8.1): an organisation's staff with the standard's checks — the certified share (持证上岗 ≥ 50 %), the
// certificates about to expire and the people below their post's entry conditions. Uses the shared module (js/lib.js).
// Nothing polls: the roster grain pushes rosterChanged after every change, and the page re-reads the list.
import { mc, t, $, h as el, tf, send, me, newKey, problemText as problem, lineageBlock } from "./lib.js";
import { trainingSection, refreshTraining, trainingPeople } from "./training.js";
import { appraisalSection, refreshAppraisals, appraisalPeople } from "./appraisal.js";
import { growthList } from "./growth.js";
import { profileSection } from "./profile.js";

(function () {
  const posts = ["Manager", "Staff", "ServicePost"];
  const levels = ["Secondary", "JuniorCollege", "Bachelor", "Master", "Doctorate"];
  let organisation = null;
  let roster = null;
  let plan = null;
  let people = [];
  let started = false;

  function canSee() { const u = me(); return !!u && (!!u.partyRole || ["admin", "operator", "management"].some(r => u.platformRoles.includes(r))); }
  function isAdmin() {
    const u = me();
    if (!u || !organisation) { return false; }
    if (organisation === "operator") { return u.platformRoles.includes("admin"); }
    return ["admin", "operator"].some(r => u.platformRoles.includes(r)) || (organisation === "party:" + u.partyId && u.partyRole === "party-admin");
  }

  // The public profile: the party's administrators, platform administrators (for every organisation, as the API allows).
  function editsProfile() {
    const u = me();
    return !!u && !!organisation && (u.platformRoles.includes("admin") || (organisation === "party:" + u.partyId && u.partyRole === "party-admin"));
  }

  // Trainers: the organisation's admins, and for the operator's own staff also its operators.
  function isTrainer() { return isAdmin() || (organisation === "operator" && !!me()?.platformRoles.includes("operator")); }

  function message(text) { const p = $("people-message"); p.textContent = text || ""; p.hidden = !text; }

  function skeleton() {
    const u = me();
    const section = $("people");
    section.replaceChildren(
      el("div", { class: "card-head" },
        el("h1", { id: "people-title", text: t("people.title") }),
        el("label", { class: "nr-inline" }, el("span", { text: t("people.organisation") }),
          el("input", { id: "people-org", value: organisation, readonly: u.partyId ? true : null, size: 24 }))),
      el("p", { id: "people-message", class: "error", role: "alert", hidden: true }),
      el("div", { id: "people-ratio", class: "stats" }),
      el("h2", { text: t("people.expiring") }), el("div", { id: "people-expiring" }),
      el("h2", { text: t("people.breaches") }), el("div", { id: "people-breaches" }),
      el("h2", { text: t("people.reserve") }), el("div", { id: "people-reserve" }),
      ...(isAdmin() ? [el("div", { id: "people-reserve-edit" })] : []),
      el("h2", { text: t("people.list") }), el("div", { id: "people-list" }),
      ...(isAdmin() ? [registerForm()] : []),
      trainingSection(organisation, isTrainer()),
      appraisalSection(organisation, isAdmin()),
      profileSection(organisation, editsProfile()));
    $("people-org").addEventListener("change", () => { organisation = $("people-org").value.trim(); skeleton(); refresh(); });
  }

  function options(values, prefix, selected) {
    return values.map(v => el("option", { value: v, selected: v === selected, text: t(prefix + v) }));
  }

  function registerForm() {
    const form = el("form", { id: "people-register", class: "ops-toolbar" },
      el("strong", { text: t("people.register") }),
      el("input", { name: "name", placeholder: t("people.name"), required: true }),
      el("select", { name: "post", "aria-label": t("people.post") }, options(posts, "people.post.", "Staff")),
      el("select", { name: "education", "aria-label": t("people.education") }, options(levels, "people.edu.", "Bachelor")),
      el("input", { name: "years", type: "number", min: 0, max: 60, value: 1, title: t("people.years") }),
      el("input", { name: "skills", placeholder: t("people.skills") }),
      el("input", { name: "nationalId", placeholder: t("people.nationalId"), autocomplete: "off" }),
      el("input", { name: "phone", placeholder: t("people.phone"), autocomplete: "off" }),
      el("button", { type: "submit", class: "primary compact", text: t("people.save") }));
    form.addEventListener("submit", async event => {
      event.preventDefault();
      const f = form.elements;
      try {
        await send("POST", "/api/v1/people", {
          organisation, name: f.name.value, post: f.post.value, education: f.education.value, experienceYears: Number(f.years.value),
          skills: f.skills.value.split(/[,，、]/).map(s => s.trim()).filter(Boolean), nationalId: f.nationalId.value || null, phone: f.phone.value || null,
        });
        form.reset();
        message("");
      } catch (err) { message(problem(err)); }
    });
    return form;
  }

  function certificateForm(person) {
    const today = new Date().toISOString().slice(0, 10);
    const form = el("form", { class: "ops-toolbar people-cert-form", "data-person": person.id },
      el("input", { name: "type", placeholder: t("people.certType"), required: true }),
      el("input", { name: "number", placeholder: t("people.certNumber"), required: true }),
      el("input", { name: "issuer", placeholder: t("people.certIssuer"), required: true }),
      el("label", { class: "nr-inline" }, el("span", { text: t("people.validFrom") }), el("input", { name: "validFrom", type: "date", value: today, required: true })),
      el("label", { class: "nr-inline" }, el("span", { text: t("people.validTo") }), el("input", { name: "validTo", type: "date" })),
      el("button", { type: "submit", class: "primary compact", text: t("people.recordCertificate") }));
    form.addEventListener("submit", async event => {
      event.preventDefault();
      const f = form.elements;
      try {
        await send("POST", `/api/v1/people/${encodeURIComponent(person.id)}/certificates`,
          { type: f.type.value, number: f.number.value, issuer: f.issuer.value, validFrom: f.validFrom.value, validTo: f.validTo.value || null });
        form.remove();
        message("");
      } catch (err) { message(problem(err)); }
    });
    return form;
  }

  function table(headers, rows, empty) {
    if (rows.length === 0) { return el("p", { class: "muted", text: empty }); }
    return el("table", { class: "silos" },
      el("thead", null, el("tr", null, headers.map(h => el("th", { text: h })))),
      el("tbody", null, rows));
  }

  function td(text, label) { return el("td", { text: text ?? "—", "data-label": label }); }

  function renderRatio() {
    const box = $("people-ratio");
    if (!box || !roster) { return; }
    const percent = roster.total === 0 ? "—" : Math.round(1000 * roster.certified / roster.total) / 10 + "%";
    const forecast = roster.belowFrom && roster.belowFrom !== roster.today
      ? tf("people.forecast", { day: roster.belowFrom, n: roster.certifiedOnBelowFrom, total: roster.total }) : "";
    box.replaceChildren(
      el("div", { class: "stat" }, el("div", { class: "stat-label", text: t("people.ratio") }),
        el("div", { id: "people-ratio-value", class: "stat-value", "data-certified": roster.certified, "data-total": roster.total,
          text: `${roster.certified}/${roster.total} (${percent})` }),
        el("div", { class: "stat-note" }, el("span", { id: "people-ratio-state", class: "badge " + (roster.meetsRatio ? "badge-ok" : "badge-bad"),
          "data-meets": String(roster.meetsRatio), text: t(roster.meetsRatio ? "people.meets" : "people.below") }))),
      el("div", { class: "stat" }, el("div", { class: "stat-label", text: t("people.forecastLabel") }),
        el("div", { class: "stat-value small", text: forecast || tf("people.noForecast", { days: roster.windowDays }) })));
    $("people-expiring").replaceChildren(table([t("people.name"), t("people.certType"), t("people.certNumber"), t("people.validTo"), t("people.daysLeft")],
      roster.expiring.map(c => el("tr", null, td(c.name), td(c.type), td(c.number), td(c.validTo), td(String(c.daysLeft)))),
      tf("people.noExpiring", { days: roster.windowDays })));
    $("people-breaches").replaceChildren(table([t("people.name"), t("people.post"), t("people.rule"), t("people.education"), t("people.years")],
      roster.breaches.map(b => el("tr", null, td(b.name), td(t("people.post." + b.post)), td(t("people.rule." + b.rule)),
        td(t("people.edu." + b.education)), td(String(b.experienceYears)))),
      t("people.noBreaches")));
  }

  // The reserve plan (人员储备, §8.1.4.2) against today's headcount, as the roster computes it; live with the roster.
  function renderReserve() {
    const box = $("people-reserve");
    if (!box || !roster) { return; }
    box.replaceChildren(table([t("people.post"), t("people.reserve.required"), t("people.reserve.current"), t("people.reserve.planned"),
      t("people.reserve.shortNow"), t("people.reserve.gap"), t("people.reserve.nextHire")],
      (roster.reserve || []).map(l => el("tr", { "data-post": l.post, "data-gap": l.gap, "data-short": l.shortNow },
        td(t("people.post." + l.post)), td(String(l.required)), td(String(l.current)), td(String(l.planned)),
        el("td", { "data-label": t("people.reserve.shortNow") }, el("span", { class: "badge " + (l.shortNow > 0 ? "badge-bad" : "badge-ok"), text: String(l.shortNow) })),
        el("td", { "data-label": t("people.reserve.gap") }, el("span", { class: "badge " + (l.gap > 0 ? "badge-bad" : "badge-ok"), text: String(l.gap) })),
        td(l.nextHireBy))),
      t("people.reserve.none")));
  }

  function hireRow(hire) {
    return el("div", { class: "ops-toolbar people-hire" },
      el("input", { name: "count", type: "number", min: 1, max: 10000, value: hire?.count ?? 1, "aria-label": t("people.reserve.hireCount") }),
      el("input", { name: "by", type: "date", value: hire?.by ?? "", required: true, "aria-label": t("people.reserve.hireBy") }),
      el("input", { name: "note", maxlength: 200, value: hire?.note ?? "", placeholder: t("people.reserve.hireNote"), "aria-label": t("people.reserve.hireNote") }),
      el("button", { type: "button", class: "lang", text: "×", "aria-label": t("people.reserve.removeHire"), onclick: e => e.target.closest(".people-hire").remove() }));
  }

  function renderReserveForm() {
    const box = $("people-reserve-edit");
    if (!box) { return; }
    const byPost = Object.fromEntries((plan?.posts || []).map(p => [p.post, p]));
    const form = el("form", { id: "people-reserve-form" },
      el("strong", { text: t("people.reserve.edit") }),
      posts.map(post => {
        const hires = el("div", { class: "people-hires" }, (byPost[post]?.planned || []).map(hireRow));
        return el("fieldset", { class: "people-reserve-post", "data-post": post },
          el("legend", { text: t("people.post." + post) }),
          el("label", { class: "nr-inline" }, el("span", { text: t("people.reserve.required") }),
            el("input", { name: "required", type: "number", min: 0, max: 10000, value: byPost[post]?.required ?? 0 })),
          hires,
          el("button", { type: "button", class: "lang people-add-hire", text: t("people.reserve.addHire"), onclick: () => hires.append(hireRow(null)) }));
      }),
      el("button", { type: "submit", class: "primary compact", text: t("people.save") }));
    form.addEventListener("submit", async event => {
      event.preventDefault();
      const body = {
        posts: [...form.querySelectorAll(".people-reserve-post")].map(f => ({
          post: f.dataset.post,
          required: Number(f.querySelector("input[name=required]").value || 0),
          planned: [...f.querySelectorAll(".people-hire")].map(h => ({
            count: Number(h.querySelector("input[name=count]").value), by: h.querySelector("input[name=by]").value || null,
            note: h.querySelector("input[name=note]").value || null,
          })),
        })).filter(p => p.required > 0 || p.planned.length > 0),
      };
      try {
        plan = (await send("PUT", "/api/v1/people/reserve?organisation=" + encodeURIComponent(organisation), body)).plan;
        message("");
      } catch (err) { message(problem(err)); }
    });
    box.replaceChildren(form);
  }

  function renderList() {
    const box = $("people-list");
    if (!box) { return; }
    const admin = isAdmin();
    const today = roster ? roster.today : new Date().toISOString().slice(0, 10);
    box.replaceChildren(table(
      [t("people.name"), t("people.post"), t("people.education"), t("people.years"), t("people.certificates"), t("people.nationalId"), t("people.phone"), t("people.state"), ""],
      people.map(p => {
        const valid = p.certificates.filter(c => c.validFrom <= today && (!c.validTo || c.validTo >= today));
        const row = el("tr", { "data-person": p.id },
          td(p.name), td(t("people.post." + p.post)), td(t("people.edu." + p.education)), td(String(p.experienceYears)),
          certificatesCell(p, admin, valid.length > 0),
          el("td", { class: "people-national-id", "data-label": t("people.nationalId"), text: p.nationalIdMasked ?? "—" }),
          el("td", { class: "people-phone", "data-label": t("people.phone"), text: p.phoneMasked ?? "—" }), td(t("people.state." + p.state)),
          el("td", null, admin && p.state === "Active"
            ? el("button", { type: "button", class: "lang people-add-cert", text: t("people.addCertificate"),
              onclick: event => { const tr = event.target.closest("tr"); if (!tr.nextSibling || !tr.nextSibling.classList?.contains("people-cert-row")) {
                tr.after(el("tr", { class: "people-cert-row" }, el("td", { colspan: 9 }, certificateForm(p)))); } } })
            : null,
            el("button", { type: "button", class: "lang people-growth", text: t("growth.show"), onclick: event => toggleGrowth(event.target.closest("tr"), p) }),
            personalButtons(p, admin),
            admin ? el("label", { class: "people-consent", title: t("people.publishConsentHint") },
              el("input", { type: "checkbox", name: "publishConsent", checked: !!p.publishConsent, onchange: async event => {
                const box = event.target;
                box.disabled = true;
                try { await send("PUT", `/api/v1/people/${encodeURIComponent(p.id)}`, { publishConsent: box.checked }); message(""); }
                catch (err) { box.checked = !box.checked; message(problem(err)); }
                finally { box.disabled = false; }
              } }), " ", t("people.publishConsent")) : null));
        return row;
      }),
      t("people.empty")));
  }

  // The personal fields in full (the organisation's admins and the person themself; every view is written to the operation log),
  // and their deletion on request (admins; the ID number, the phone and the certificate scans go, the record stays).
  function personalButtons(p, admin) {
    const self = !!p.userId && p.userId === me()?.id;
    const held = !!(p.nationalIdMasked || p.phoneMasked || p.certificates.some(c => c.scan));
    if (!held || !(admin || self)) { return null; }
    const path = `/api/v1/people/${encodeURIComponent(p.id)}/personal-data`;
    return [
      p.nationalIdMasked || p.phoneMasked ? el("button", { type: "button", class: "lang people-personal-show", text: t("people.personalShow"),
        onclick: async event => {
          const tr = event.target.closest("tr");
          try {
            const full = await mc.api(path);
            tr.querySelector(".people-national-id").textContent = full.nationalId ?? "—";
            tr.querySelector(".people-phone").textContent = full.phone ?? "—";
            event.target.disabled = true;
          } catch (err) { message(problem(err)); }
        } }) : null,
      admin ? el("button", { type: "button", class: "lang people-personal-erase", text: t("people.personalErase"),
        onclick: async () => {
          if (!confirm(t("people.personalEraseConfirm"))) { return; }
          // The list follows through rosterChanged.
          try { await send("DELETE", path); message(""); } catch (err) { message(problem(err)); }
        } }) : null,
    ];
  }

  // Each certificate on its own line, with its scan (证书扫描件): a link for the organisation's admins and the person themself
  // (the server decides again and writes every view to the operation log), an upload control for the admins.
  function certificatesCell(p, admin, certified) {
    if (p.certificates.length === 0) { return td(t("people.none"), t("people.certificates")); }
    const self = !!p.userId && p.userId === me()?.id;
    const path = c => `/api/v1/people/${encodeURIComponent(p.id)}/certificates/${encodeURIComponent(c.number)}/scan`;
    return el("td", { "data-label": t("people.certificates") },
      p.certificates.map(c => el("div", { class: "people-cert", "data-number": c.number },
        el("span", { text: `${c.type} ${c.number}${c.validTo ? " → " + c.validTo : ""}` }),
        c.scan && (admin || self)
          ? el("a", { class: "people-scan-link", href: path(c), target: "_blank", rel: "noopener", title: c.scan.fileName, text: t("people.scanView") })
          : c.scan ? el("span", { class: "muted", text: t("people.scanHeld") }) : null,
        admin && p.state === "Active"
          ? el("label", { class: "people-scan-upload lang", title: t("people.scanHint") },
            el("span", { text: c.scan ? t("people.scanReplace") : t("people.scanUpload") }),
            el("input", { type: "file", accept: ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png", onchange: event => uploadScan(event.target, path(c)) }))
          : null)),
      certified ? el("span", { class: "people-certified", text: "✓" }) : null);
  }

  async function uploadScan(input, path) {
    const file = input.files && input.files[0];
    if (!file) { return; }
    if (file.size > 5 * 1024 * 1024) { message(t("people.scanTooLarge")); input.value = ""; return; }
    const form = new FormData();
    form.append("file", file);
    input.disabled = true;
    try {
      // The list follows through rosterChanged, like every other change of the record.
      await mc.api(path, { method: "POST", body: form, headers: { "Idempotency-Key": newKey() } });
      message("");
    } catch (err) { message(problem(err)); }
    finally { input.disabled = false; input.value = ""; }
  }

  // The person's growth record (成长档案) in a row below theirs; a second click folds it away.
  async function toggleGrowth(tr, person) {
    const next = tr.nextSibling;
    if (next?.classList?.contains("people-growth-row")) { next.remove(); return; }
    try {
      const entries = await mc.api(`/api/v1/people/${encodeURIComponent(person.id)}/growth`);
      tr.after(el("tr", { class: "people-growth-row", "data-person": person.id },
        el("td", { colspan: 9 }, el("strong", { text: t("growth.title") + " · " + person.name }), growthList(entries), lineageBlock("staff", person.id))));
    } catch (err) { message(problem(err)); }
  }

  async function refresh() {
    if (!organisation) { return; }
    try {
      const query = "?organisation=" + encodeURIComponent(organisation);
      let reserve;
      [roster, people, reserve] = await Promise.all([mc.api("/api/v1/people/roster" + query), mc.api("/api/v1/people" + query),
        mc.api("/api/v1/people/reserve" + query)]);
      plan = reserve.plan;
      renderRatio();
      renderReserve();
      renderReserveForm();
      renderList();
      await refreshTraining(people);
      await refreshAppraisals(people);
    } catch (err) { message(problem(err)); }
  }

  function start() {
    const u = me();
    if (!u) { return; }
    if (!started) { organisation = u.partyId ? "party:" + u.partyId : "operator"; started = true; }
    skeleton();
    refresh();
  }

  mc.live.on("rosterChanged", summary => {
    if (!started || summary.organisation !== organisation) { return; }
    // The summary comes whole; the list changed with it (a record was written before its roster heard it).
    roster = summary;
    renderRatio();
    renderReserve();
    mc.api("/api/v1/people?organisation=" + encodeURIComponent(organisation)).then(list => { people = list; renderList(); trainingPeople(list); appraisalPeople(list); }).catch(() => {});
  });
  mc.live.onReconnected(() => { if (started && !$("people").hidden) { refresh(); } });

  document.addEventListener("mc:signed-in", () => {
    started = false; roster = null; plan = null; people = [];
    document.querySelectorAll(".tab[data-role=people]").forEach(tab => { tab.hidden = !canSee(); });
  });
  document.addEventListener("mc:signed-out", () => {
    started = false;
    document.querySelectorAll(".tab[data-role=people]").forEach(tab => { tab.hidden = true; });
  });
  document.addEventListener("mc:view", event => { if (event.detail === "people") { start(); } });
  document.addEventListener("mc:language", () => {
    if (started && !$("people").hidden) { skeleton(); renderRatio(); renderReserve(); renderReserveForm(); renderList(); refreshTraining(people); refreshAppraisals(people); }
  });
})();
