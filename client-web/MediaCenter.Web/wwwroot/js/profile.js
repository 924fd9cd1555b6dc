// The organisation's public profile (公开信息, F12.4.1) on the people page: what /public/info shows about it — introduction,
// services (one a line), opening hours, address, phone, e-mail, supervision phone — edited by the organisation's admins
// (the party's administrators, platform administrators for the operator); everyone else who sees the page reads it.
// Each save replaces the profile whole (PUT /api/v1/public-profile, one Idempotency-Key per save kept for a retry); every
// change is in the event log. Uses the shared module (js/lib.js).
import { t, tf, h as el, api, keyed, formatTime, problemText as problem } from "./lib.js";

const fields = [["openingHours", 200], ["address", 200], ["phone", 200], ["email", 200], ["supervisionPhone", 200]];
// Published on /public/info and /public/complaint (§11.1.1, §11.2.1): how complaints reach the organisation, how disputes are settled.
const texts = ["complaintChannels", "disputeRules"];

export function profileSection(organisation, canEdit) {
  const status = el("p", { id: "pp-status", class: "muted", role: "status" });
  const error = el("p", { id: "pp-error", class: "error", role: "alert", hidden: true });
  const form = el("form", { id: "pp-form", class: "pp-form" },
    el("label", null, el("span", { text: t("pp.introduction") }),
      el("textarea", { name: "introduction", rows: 3, maxlength: 2000, readonly: !canEdit })),
    el("label", null, el("span", { text: t("pp.services") }),
      el("textarea", { name: "services", rows: 3, placeholder: t("pp.servicesHint"), readonly: !canEdit })),
    texts.map(name => el("label", null, el("span", { text: t("pp." + name) }),
      el("textarea", { name, rows: 3, maxlength: 2000, placeholder: t("pp." + name + "Hint"), readonly: !canEdit }))),
    fields.map(([name, max]) => el("label", null, el("span", { text: t("pp." + name) }), el("input", { name, maxlength: max, readonly: !canEdit }))),
    canEdit ? el("button", { type: "submit", class: "primary compact", text: t("pp.save") }) : null,
    error);
  const once = keyed();
  const query = "?organisation=" + encodeURIComponent(organisation);

  function show(profile) {
    const f = form.elements;
    f.introduction.value = profile?.introduction || "";
    f.services.value = (profile?.services || []).join("\n");
    for (const [name] of fields) { f[name].value = profile?.[name] || ""; }
    for (const name of texts) { f[name].value = profile?.[name] || ""; }
    status.textContent = profile ? tf("pp.version", { version: profile.version, at: formatTime(profile.updatedAt), by: profile.updatedBy }) : t("pp.none");
    form.dataset.version = profile ? profile.version : 0;
    form.dataset.loaded = "true";
  }

  form.addEventListener("submit", async event => {
    event.preventDefault();
    const f = form.elements;
    const body = { introduction: f.introduction.value, services: f.services.value.split("\n").map(s => s.trim()).filter(Boolean) };
    for (const [name] of fields) { body[name] = f[name].value; }
    for (const name of texts) { body[name] = f[name].value; }
    error.hidden = true;
    try {
      const result = await once(key => api("/api/v1/public-profile" + query, { method: "PUT", body: JSON.stringify(body), headers: { "Idempotency-Key": key } }));
      show(result.profile);
    } catch (err) { error.textContent = problem(err); error.hidden = false; }
  });

  api("/api/v1/public-profile" + query).then(answer => show(answer.profile)).catch(err => { error.textContent = problem(err); error.hidden = false; });
  return el("section", { id: "pp", "aria-labelledby": "pp-title" },
    el("h2", { id: "pp-title", text: t("pp.title") }), el("p", { class: "muted", text: t("pp.about") }), status, form);
}
