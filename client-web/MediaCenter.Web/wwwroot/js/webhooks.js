// Alert pushes (告警推送, webhooks) on the applications page: platform staff attach to the on-call audiences or a party, a party's
// administrators to their own party's notifications. Registering shows the signing secret once; each webhook lists its deliveries
// with every attempt, read again when a notification arrives live. The API is /api/v1/webhooks (docs/INCIDENTS.md).
import { mc, t, tf, $, h as el, send, keyed, me, formatTime, problemText as problem } from "./lib.js";

let hooks = [];
let openId = null;

const isStaff = () => { const u = me(); return !!u && ["admin", "operator"].some(r => u.platformRoles.includes(r)); };
const td = (content, label) => el("td", { "data-label": label }, content ?? "—");

function audienceText(audience) {
  return audience.startsWith("party:") ? tf("wh.audience.party", { party: audience.slice("party:".length) }) : t("wh.audience." + audience);
}

function message(err) { const p = $("wh-message"); if (p) { p.textContent = err ? problem(err) : ""; p.hidden = !err; } }

/** The panel, for those who manage webhooks (platform staff and party administrators); it reads its list itself. */
export function webhooksPanel() {
  const panel = el("div", { id: "webhooks" },
    el("h2", { id: "wh-title", text: t("wh.title") }),
    el("p", { class: "muted", text: t("wh.hint") }),
    el("p", { id: "wh-message", class: "error", role: "alert", hidden: true }),
    el("div", { id: "wh-secret", hidden: true }),
    el("div", { id: "wh-list" }),
    createForm(),
    el("div", { id: "wh-deliveries" }));
  refresh();
  return panel;
}

function createForm() {
  const once = keyed();
  const audience = isStaff()
    ? el("select", { name: "audience", "aria-label": t("wh.audience") },
      ["ops", "role:admin", "management"].map(a => el("option", { value: a, text: t("wh.audience." + a) })),
      el("option", { value: "party", text: t("wh.audience.partyChoice") }))
    : null;
  const party = isStaff() ? el("input", { name: "party", placeholder: t("wh.partyId"), "aria-label": t("wh.partyId"), size: 10, hidden: true }) : null;
  if (audience) { audience.addEventListener("change", () => { party.hidden = audience.value !== "party"; party.required = !party.hidden; }); }
  const form = el("form", { id: "wh-create", class: "ops-toolbar" },
    el("strong", { text: t("wh.create") }),
    el("input", { name: "url", type: "url", placeholder: "https://…", "aria-label": t("wh.url"), required: true, size: 36, maxlength: 2000 }),
    audience, party,
    el("input", { name: "kinds", placeholder: t("wh.kinds"), "aria-label": t("wh.kinds"), size: 24 }),
    el("select", { name: "language", "aria-label": t("wh.language") },
      el("option", { value: "zh-CN", text: t("wh.lang.zh-CN") }), el("option", { value: "en", text: t("wh.lang.en") })),
    el("button", { type: "submit", class: "primary compact", text: t("wh.createSubmit") }));
  form.addEventListener("submit", async event => {
    event.preventDefault();
    const f = form.elements;
    const body = {
      url: f.url.value.trim(), language: f.language.value,
      kinds: f.kinds.value.split(/[,，、\s]+/).map(s => s.trim()).filter(Boolean),
    };
    if (audience) { body.audience = audience.value === "party" ? "party:" + party.value.trim() : audience.value; }
    try {
      const created = await once(key => send("POST", "/api/v1/webhooks", body, key));
      form.reset();
      if (party) { party.hidden = true; }
      message(null);
      showSecret(created.secret);
      await refresh();
    } catch (err) { message(err); }
  });
  return form;
}

// The secret is answered once: shown until the person dismisses it, with a copy button.
function showSecret(secret) {
  const box = $("wh-secret");
  if (!box) { return; }
  const value = el("code", { id: "wh-secret-value", text: secret });
  box.replaceChildren(el("p", { class: "notice", role: "status" },
    el("strong", { text: t("wh.secretOnce") }), " ", value, " ",
    el("button", { type: "button", class: "lang", text: t("wh.copy"), onclick: () => navigator.clipboard?.writeText(secret) }),
    el("button", { type: "button", class: "lang", text: t("wh.dismiss"), onclick: () => { box.hidden = true; box.replaceChildren(); } })));
  box.hidden = false;
}

async function refresh() {
  try { hooks = await mc.api("/api/v1/webhooks"); render(); if (openId) { await deliveries(openId); } }
  catch (err) { message(err); }
}

function render() {
  const box = $("wh-list");
  if (!box) { return; }
  if (hooks.length === 0) { box.replaceChildren(el("p", { class: "muted", id: "wh-none", text: t("wh.none") })); return; }
  box.replaceChildren(el("table", { class: "silos" },
    el("thead", null, el("tr", null, [t("wh.url"), t("wh.audience"), t("wh.kinds"), t("wh.language"), t("wh.state"), t("wh.created"), ""]
      .map(x => el("th", { text: x })))),
    el("tbody", null, hooks.map(h => el("tr", { "data-webhook": h.id, "data-active": String(h.active) },
      td(h.url, t("wh.url")), td(audienceText(h.audience), t("wh.audience")),
      td(h.kinds.length === 0 ? t("wh.allKinds") : h.kinds.join(", "), t("wh.kinds")),
      td(t("wh.lang." + h.language), t("wh.language")),
      td(el("span", { class: "badge " + (h.active ? "badge-ok" : "badge-wait"), text: t(h.active ? "wh.active" : "wh.stopped") }), t("wh.state")),
      td(formatTime(h.createdAt), t("wh.created")),
      el("td", null,
        el("button", { type: "button", class: "lang", "data-action": "deliveries", text: t("wh.deliveries"), onclick: () => deliveries(h.id) }),
        h.active ? el("button", { type: "button", class: "lang", "data-action": "stop", text: t("wh.stop"), onclick: () => stop(h) }) : null))))));
}

async function stop(hook) {
  if (!confirm(tf("wh.stopConfirm", { url: hook.url }))) { return; }
  try { await send("DELETE", `/api/v1/webhooks/${hook.id}`); message(null); await refresh(); } catch (err) { message(err); }
}

async function deliveries(id) {
  openId = id;
  const box = $("wh-deliveries");
  if (!box) { return; }
  try {
    const rows = await mc.api(`/api/v1/webhooks/${id}/deliveries`);
    const hook = hooks.find(h => h.id === id);
    box.replaceChildren(el("h3", { text: tf("wh.deliveriesOf", { url: hook ? hook.url : id }) }),
      rows.length === 0 ? el("p", { class: "muted", id: "wh-deliveries-none", text: t("wh.deliveriesNone") })
        : el("table", { class: "silos", id: "wh-delivery-rows" },
          el("thead", null, el("tr", null, [t("wh.notification"), t("wh.status"), t("wh.attempts"), t("wh.lastAttempt")].map(x => el("th", { text: x })))),
          el("tbody", null, rows.map(d => {
            const last = d.history[d.history.length - 1];
            return el("tr", { "data-delivery": String(d.id), "data-status": d.status },
              td(d.notificationId, t("wh.notification")), td(t("wh.status." + d.status) === "wh.status." + d.status ? d.status : t("wh.status." + d.status), t("wh.status")),
              td(String(d.attempts), t("wh.attempts")),
              td(last ? `${formatTime(last.at)} · ${last.statusCode ?? "—"}${last.error ? " · " + last.error : ""} · ${last.durationMs} ms` : "—", t("wh.lastAttempt")));
          }))));
  } catch (err) { message(err); }
}

// A notification may have been pushed to the webhooks: the open delivery list reads again.
mc.live.on("notification", () => { if (openId && $("wh-deliveries") && !$("applications").hidden) { setTimeout(() => deliveries(openId), 1500); } });
document.addEventListener("mc:signed-out", () => { hooks = []; openId = null; });
