// Training (人员培训, F8.2) inside the 人员 page (js/people.js mounts it): the organisation's plans per post, sessions with
// enrolment, attendance and scores, and the open re-training obligations with the overdue ones first. Nothing polls:
// the training grain pushes trainingChanged (the whole overview) after every change.
import { mc, t, $, h as el, tf, send, problemText as problem } from "./lib.js";

const posts = ["Manager", "Staff", "ServicePost"];
const kinds = ["PostBasics", "OperatingSkills", "PlatformOperations", "GovernmentService", "Quality", "Security", "Confidentiality"];
const cadences = ["Once", "Quarterly", "HalfYearly", "Yearly"];

let organisation = null;
let trainer = false;
let overview = null;
let staff = [];

const base = "/api/v1/people/training";
const query = () => "?organisation=" + encodeURIComponent(organisation);
const list = text => (text || "").split(/[,，、\n]/).map(s => s.trim()).filter(Boolean);

function message(text) { const p = $("training-message"); if (p) { p.textContent = text || ""; p.hidden = !text; } }

async function run(method, path, body) {
  try {
    await send(method, base + path + query(), body);
    message("");
  } catch (err) { message(problem(err)); }
}

function options(values, prefix, selected) {
  return values.map(v => el("option", { value: v, selected: v === selected, text: t(prefix + v) }));
}

function table(headers, rows, empty) {
  if (rows.length === 0) { return el("p", { class: "muted", text: empty }); }
  return el("table", { class: "silos" },
    el("thead", null, el("tr", null, headers.map(h => el("th", { text: h })))),
    el("tbody", null, rows));
}

function td(text, label) { return el("td", { text: text ?? "—", "data-label": label }); }

function button(text, onclick, cls = "lang") { return el("button", { type: "button", class: cls, text, onclick }); }

/** The section's frame; people.js places it in the page and calls refreshTraining. */
export function trainingSection(org, isTrainer) {
  organisation = org;
  trainer = isTrainer;
  return el("section", { id: "people-training" },
    el("h2", { text: t("training.title") }),
    el("p", { id: "training-message", class: "error", role: "alert", hidden: true }),
    el("h2", { text: t("training.obligations") }), el("div", { id: "training-obligations" }),
    el("h2", { text: t("training.plans") }), el("div", { id: "training-plans" }),
    ...(trainer ? [planForm()] : []),
    el("h2", { text: t("training.sessions") }), el("div", { id: "training-sessions" }),
    ...(trainer ? [el("div", { id: "training-schedule" })] : []));
}

/** Re-reads the overview (on start, organisation change and reconnect); people is the staff list for enrolment. */
export async function refreshTraining(people) {
  if (people) { staff = people; }
  if (!organisation || !$("people-training")) { return; }
  try {
    overview = await mc.api(base + query());
    render();
  } catch (err) { message(problem(err)); }
}

/** The staff list changed (enrolment picks from it). */
export function trainingPeople(people) { staff = people; render(); }

function render() {
  if (!overview || !$("people-training")) { return; }
  renderObligations();
  renderPlans();
  renderSessions();
  renderScheduleForm();
}

function renderObligations() {
  const rows = [...overview.obligations].sort((a, b) => Number(b.overdue) - Number(a.overdue));
  $("training-obligations").replaceChildren(table(
    [t("people.name"), t("training.plan"), t("training.reason"), t("training.due"), t("people.state")],
    rows.map(v => {
      const o = v.obligation;
      return el("tr", { "data-person": o.personId, "data-plan": o.planId, "data-overdue": String(v.overdue) },
        td(o.personName, t("people.name")), td(o.planTitle, t("training.plan")), td(t("training.reason." + o.reason), t("training.reason")),
        td(o.due, t("training.due")),
        el("td", { "data-label": t("people.state") }, el("span", { class: "badge " + (v.overdue ? "badge-bad" : "badge-ok"),
          text: v.overdue ? tf("training.overdueDays", { days: daysSince(o.due) }) : t("training.open") })));
    }),
    t("training.noObligations")));
}

function daysSince(day) {
  return Math.max(0, Math.round((Date.parse(overview.today) - Date.parse(day)) / 86400000));
}

function renderPlans() {
  $("training-plans").replaceChildren(table(
    [t("training.planTitle"), t("people.post"), t("training.kind"), t("training.cadence"), t("training.skills"), t("training.passMark"), t("people.state"), ""],
    overview.plans.map(p => el("tr", { "data-plan": p.id, "data-state": p.state },
      td(p.title, t("training.planTitle")), td(t("people.post." + p.post), t("people.post")), td(t("training.kind." + p.kind), t("training.kind")),
      td(t("training.cadence." + p.cadence), t("training.cadence")), td(p.skills.join("、") || "—", t("training.skills")),
      td(String(p.passMark), t("training.passMark")), td(t("training.planState." + p.state), t("people.state")),
      el("td", null, trainer ? planActions(p) : null))),
    t("training.noPlans")));
}

function planActions(plan) {
  const actions = [];
  if (plan.state === "Draft") { actions.push(button(t("training.activate"), () => run("POST", `/plans/${encodeURIComponent(plan.id)}/activate`))); }
  if (plan.state !== "Retired") {
    actions.push(button(t("training.editSkills"), () => {
      const skills = window.prompt(t("training.skillsPrompt"), plan.skills.join("、"));
      if (skills !== null) { run("PUT", `/plans/${encodeURIComponent(plan.id)}`, { skills: list(skills) }); }
    }));
    actions.push(button(t("training.retire"), () => run("POST", `/plans/${encodeURIComponent(plan.id)}/retire`)));
  }
  return el("span", { class: "ops-toolbar" }, actions);
}

function planForm() {
  const form = el("form", { id: "training-plan-form", class: "ops-toolbar" },
    el("strong", { text: t("training.newPlan") }),
    el("input", { name: "title", placeholder: t("training.planTitle"), required: true, maxlength: 200 }),
    el("select", { name: "post", "aria-label": t("people.post") }, options(posts, "people.post.", "Staff")),
    el("select", { name: "kind", "aria-label": t("training.kind") }, options(kinds, "training.kind.", "PostBasics")),
    el("select", { name: "cadence", "aria-label": t("training.cadence") }, options(cadences, "training.cadence.", "Once")),
    el("input", { name: "skills", placeholder: t("training.skillsPlaceholder") }),
    el("input", { name: "passMark", type: "number", min: 0, max: 100, value: 60, "aria-label": t("training.passMark"), title: t("training.passMark") }),
    el("button", { type: "submit", class: "primary compact", text: t("people.save") }));
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const f = form.elements;
    await run("POST", "/plans", {
      title: f.title.value, post: f.post.value, kind: f.kind.value, cadence: f.cadence.value, skills: list(f.skills.value), passMark: Number(f.passMark.value),
    });
    if ($("training-message").hidden) { form.reset(); }
  });
  return form;
}

function renderSessions() {
  const box = $("training-sessions");
  if (overview.sessions.length === 0) { box.replaceChildren(el("p", { class: "muted", text: t("training.noSessions") })); return; }
  box.replaceChildren(...overview.sessions.map(sessionCard));
}

function sessionCard(s) {
  const plan = overview.plans.find(p => p.id === s.planId);
  const path = `/sessions/${encodeURIComponent(s.id)}`;
  const open = trainer && (s.state === "Scheduled" || s.state === "Held");
  const card = el("div", { class: "card training-session", "data-session": s.id, "data-state": s.state },
    el("div", { class: "card-head" },
      el("strong", { text: s.title }),
      el("span", { class: "badge " + (s.state === "Closed" ? "badge-ok" : s.state === "Cancelled" ? "badge-bad" : ""), text: t("training.sessionState." + s.state) })),
    el("p", { class: "muted", text: [new Date(s.startsAt).toLocaleString(), s.location, s.external ? tf("training.externalBy", { provider: s.provider || "—" }) : t("training.internal"),
      tf("training.passMarkIs", { mark: s.passMark })].filter(Boolean).join(" · ") }),
    s.materials.length ? el("p", null, el("span", { text: t("training.materials") + "：" }),
      ...s.materials.map(m => m.link ? el("a", { href: m.link, target: "_blank", rel: "noopener", text: m.name + " " }) : el("span", { text: m.name + " " }))) : null,
    table([t("people.name"), t("training.attended"), t("training.score"), t("training.confirmedSkills"), t("training.result")],
      s.attendees.map(a => el("tr", { "data-person": a.personId },
        td(a.name, t("people.name")),
        el("td", { "data-label": t("training.attended") }, open
          ? el("input", { type: "checkbox", name: "attended", checked: a.attended, "aria-label": t("training.attended") })
          : el("span", { text: a.attended ? "✓" : "—" })),
        el("td", { "data-label": t("training.score") }, open && s.state === "Held" && a.attended
          ? el("input", { type: "number", name: "score", min: 0, max: 100, value: a.score ?? "", size: 4, "aria-label": t("training.score") })
          : el("span", { text: a.score ?? "—" })),
        el("td", { "data-label": t("training.confirmedSkills") }, open && s.state === "Held" && a.attended && plan
          ? plan.skills.map(skill => el("label", { class: "nr-inline" },
            el("input", { type: "checkbox", name: "skill", value: skill, checked: a.confirmedSkills.includes(skill) }), el("span", { text: skill })))
          : el("span", { text: a.confirmedSkills.join("、") || "—" })),
        td(a.passed === null || a.passed === undefined ? "—" : t(a.passed ? "training.passed" : "training.failed"), t("training.result")))),
      t("training.noAttendees")));
  if (!open) { return card; }

  const actions = el("div", { class: "ops-toolbar" });
  if (s.state === "Scheduled") {
    const enrolled = new Set(s.attendees.map(a => a.personId));
    const candidates = staff.filter(p => p.state === "Active" && (!plan || p.post === plan.post) && !enrolled.has(p.id));
    const picker = el("select", { name: "enrol", multiple: true, size: Math.min(4, Math.max(2, candidates.length)), "aria-label": t("training.enrol") },
      candidates.map(p => el("option", { value: p.id, text: p.name })));
    actions.append(picker, button(t("training.enrol"), () => {
      const ids = [...picker.selectedOptions].map(o => o.value);
      if (ids.length) { run("POST", path + "/enrolment", { personIds: ids }); }
    }));
  }

  const attended = () => [...card.querySelectorAll("tr[data-person]")].filter(r => r.querySelector("input[name=attended]")?.checked).map(r => r.dataset.person);
  if (s.attendees.length) { actions.append(button(t("training.saveAttendance"), () => run("PUT", path + "/attendance", { personIds: attended() }))); }
  if (s.state === "Held") {
    actions.append(button(t("training.saveScores"), () => {
      const scores = [...card.querySelectorAll("tr[data-person]")].filter(r => r.querySelector("input[name=score]")?.value !== undefined
        && r.querySelector("input[name=score]").value !== "").map(r => ({
        personId: r.dataset.person,
        score: Number(r.querySelector("input[name=score]").value),
        confirmedSkills: [...r.querySelectorAll("input[name=skill]:checked")].map(i => i.value),
      }));
      if (scores.length) { run("PUT", path + "/scores", { scores }); }
    }), button(t("training.close"), () => run("POST", path + "/close"), "primary compact"));
  } else {
    actions.append(button(t("training.cancel"), () => run("POST", path + "/cancel")));
  }

  card.append(actions);
  return card;
}

function renderScheduleForm() {
  const box = $("training-schedule");
  if (!box) { return; }
  const active = overview.plans.filter(p => p.state === "Active");
  if (active.length === 0) { box.replaceChildren(el("p", { class: "muted", text: t("training.noActivePlan") })); return; }
  const form = el("form", { id: "training-schedule-form", class: "ops-toolbar" },
    el("strong", { text: t("training.schedule") }),
    el("select", { name: "planId", "aria-label": t("training.plan") }, active.map(p => el("option", { value: p.id, text: p.title }))),
    el("input", { name: "title", placeholder: t("training.sessionTitle"), maxlength: 200 }),
    el("input", { name: "startsAt", type: "datetime-local", required: true, "aria-label": t("training.startsAt") }),
    el("input", { name: "location", placeholder: t("training.location"), maxlength: 200 }),
    el("label", { class: "nr-inline" }, el("input", { name: "external", type: "checkbox" }), el("span", { text: t("training.external") })),
    el("input", { name: "provider", placeholder: t("training.provider"), maxlength: 200 }),
    el("input", { name: "materials", placeholder: t("training.materialsPlaceholder") }),
    el("button", { type: "submit", class: "primary compact", text: t("training.schedule") }));
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const f = form.elements;
    const materials = list(f.materials.value).map(m => {
      const [name, link] = m.split("|").map(x => x.trim());
      return { name, link: link || null };
    });
    await run("POST", "/sessions", {
      planId: f.planId.value, title: f.title.value || null, startsAt: new Date(f.startsAt.value).toISOString(), location: f.location.value || null,
      external: f.external.checked, provider: f.provider.value || null, materials,
    });
  });
  box.replaceChildren(form);
}

mc.live.on("trainingChanged", o => {
  if (!organisation || o.organisation !== organisation || !$("people-training")) { return; }
  overview = o;
  render();
});
