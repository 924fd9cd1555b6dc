// What every page module shares: building elements, translations with placeholders, API calls that carry an
// Idempotency-Key, dialogs and their submit, problem details as text, dates for inputs. The shell (app.js, a classic
// script that runs before any module) owns the one API helper, the live connection and the signed-in user on
// window.mc; this module hands them on, so a page imports everything from one place.
const mc = window.mc;
const i18n = window.mcI18n;

export { mc, i18n };
export const { t, formatTime } = i18n;
export const $ = id => document.getElementById(id);
export const me = () => mc.me();
export const api = (path, options) => mc.api(path, options);
export const live = mc.live;
export const navigate = (path, options) => mc.navigate(path, options);

// ---------------------------------------------------------------- DOM

// Properties set as properties (live state), not as attributes.
const properties = new Set(["value", "checked", "selected", "hidden", "disabled", "multiple", "required", "contentEditable"]);

// Builds an element: props are attributes, except class/text/dataset, on* listeners and the properties above.
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) { continue; }
    if (key === "class") { el.className = value; }
    else if (key === "text") { el.textContent = value; }
    else if (key === "dataset") { for (const [k, v] of Object.entries(value)) { if (v !== null && v !== undefined) { el.dataset[k] = String(v); } } }
    else if (key.startsWith("on") && typeof value === "function") { el.addEventListener(key.slice(2), value); }
    else if (properties.has(key)) { el[key] = value; }
    else { el.setAttribute(key, value === true ? "" : String(value)); }
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) { continue; }
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function field(labelText, control) { return h("label", {}, h("span", { text: labelText }), control); }

export const isPhone = () => window.matchMedia("(max-width: 600px)").matches;

// Opens one of the page's modal dialogs with a title and a form; its title element is "<dialog id>-title".
export function dialogShell(dialogId, titleText, form) {
  const dialog = $(dialogId);
  if (dialog.open) { dialog.close(); }
  dialog.replaceChildren(h("h2", { id: dialogId + "-title", text: titleText }), form);
  dialog.showModal();
  return dialog;
}

// ---------------------------------------------------------------- text

// A translation with {placeholders}.
export function tf(key, values) { return t(key).replace(/\{(\w+)\}/g, (_, name) => values[name] ?? ""); }

// Lists of names: 、 in Chinese, a comma in English.
export function joined(items) { return items.join(i18n.lang === "en" ? ", " : "、"); }

// Problem details as a person reads them: title, detail, validation errors; a page adds what a refused move (409
// with the current state) means in its own workflow.
export function problemText(err, refusal) {
  const p = err.problem || {};
  const parts = [p.title || err.message];
  if (p.detail && p.detail !== p.title) { parts.push(p.detail); }
  if (Array.isArray(p.errors)) { parts.push(...p.errors.map(String)); }
  else if (p.errors && typeof p.errors === "object") { parts.push(...Object.values(p.errors).flat().map(String)); }
  if (refusal && err.status === 409 && p.currentState && p.code !== "VersionConflict") { parts.push(refusal(p)); }
  return parts.filter(Boolean).join(" — ");
}

export function showError(el, err, describe = problemText) { el.textContent = typeof err === "string" ? err : describe(err); el.hidden = false; }

// The page's message line: shows a problem, or hides itself for null.
export function messageLine(id, describe) {
  return err => { const el = $(id); if (!err) { el.hidden = true; return; } showError(el, err, describe); };
}

// ---------------------------------------------------------------- commands with idempotency keys

export function newKey() { return crypto.randomUUID ? crypto.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2); }

// One Idempotency-Key per user action: kept for a retry after a network failure or a server error, renewed after an answer.
export function keyed() {
  let key = null;
  return async run => {
    key ??= newKey();
    try {
      const result = await run(key);
      key = null;
      return result;
    } catch (err) {
      if (err.status && err.status < 500) { key = null; }
      throw err;
    }
  };
}

// A JSON command; without a key of the caller's (a one-shot action) it gets a fresh one.
export function send(method, path, body, key) {
  return mc.api(path, { method, body: JSON.stringify(body || {}), headers: { "Idempotency-Key": key || newKey() } });
}
export const post = (path, body, key) => send("POST", path, body, key);

// Route segment of a command (kebab-case), e.g. SaveDraft → save-draft.
export const slug = command => command.replace(/(?!^)([A-Z])/g, "-$1").toLowerCase();

// A dialog form's submit: the button is off while it runs, a problem is shown in the form, and run gets the form's
// keyed() so a retry of the same action reuses its Idempotency-Key.
export function onSubmit(form, { error, submit, describe }, run) {
  const once = keyed();
  form.addEventListener("submit", async event => {
    event.preventDefault();
    error.hidden = true;
    submit.disabled = true;
    try { await run(once); }
    catch (err) { showError(error, err, describe); }
    finally { submit.disabled = false; }
  });
}

// ---------------------------------------------------------------- dates

export const pad = n => String(n).padStart(2, "0");

// datetime-local wants local time without a zone.
export function localInput(date, withSeconds) {
  const d = new Date(date);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}` + (withSeconds ? ":" + pad(d.getSeconds()) : "");
}

// A local date (yyyy-mm-dd) some days from today.
export function day(offsetDays) {
  const d = new Date(Date.now() + (offsetDays || 0) * 86400000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export const iso = value => value ? new Date(value).toISOString() : null;

// ---------------------------------------------------------------- libraries loaded on first use

const loading = new Map();

// A browser library from wwwroot/lib (copied there from npm by the build), loaded once when a page first needs it:
// its script (a global) and its stylesheet, both from this host as the page's policy asks.
export function loadLibrary(script, stylesheet) {
  if (!loading.has(script)) {
    if (stylesheet) { document.head.appendChild(h("link", { rel: "stylesheet", href: stylesheet })); }
    loading.set(script, new Promise((resolve, reject) => {
      const el = h("script", { src: script });
      el.onload = resolve;
      el.onerror = () => { loading.delete(script); el.remove(); reject(new Error(script)); };
      document.head.appendChild(el);
    }));
  }
  return loading.get(script);
}

// ---------------------------------------------------------------- lineage (F10.3)

// The "来源与变更" block of a record: where it came from and every change with its actor (GET /api/v1/lineage/{kind}/{id}).
// kind: story, incident, ticket, terminal, staff, supervision, evaluation, rectification, plan, drill, campaign, hot-event, application, media.
// Loads on its own; a record the caller may not read shows the problem text.
const lineagePrefixes = { story: ["nr.cmd."], ticket: ["tk.cmd."], incident: ["inc.cmd."], terminal: ["alert."], staff: [], supervision: ["sv.cmd."],
  evaluation: ["ev.cmd."], rectification: [], plan: ["plan.cmd."], drill: [], campaign: [], "hot-event": ["hot.cmd."], application: ["ap.cmd."], media: [] };

// An event of the log in the reader's words: the page's own name for the command when it has one, else the event's name.
function lineageEvent(kind, event) {
  const name = kind === "incident" ? event.replace(/^incident\./, "") : event;
  for (const key of [...(lineagePrefixes[kind] || []).map(p => p + name), "lin.event." + name]) {
    const text = t(key);
    if (text !== key) { return text; }
  }
  return event;
}

// Read when first opened (a list of cards may carry one each), and again on each later opening: changes keep coming.
// label: what the block is about when a record shows several (a story's files).
export function lineageBlock(kind, id, label) {
  const body = h("div", { class: "lineage-body", text: t("system.loading") });
  const block = h("details", { class: "lineage", dataset: { lineage: kind, id } }, h("summary", { text: label ? t("lin.title") + " · " + label : t("lin.title") }), body);
  block.addEventListener("toggle", () => { if (block.open) { load(); } });
  return block;

  function load() {
  api(`/api/v1/lineage/${encodeURIComponent(kind)}/${encodeURIComponent(id)}`).then(lineage => {
    const o = lineage.origin;
    const origin = o ? tf("lin.type." + o.type, { actor: o.actor || t("lin.system"), url: o.url || "" }) : t("lin.type.system");
    const changes = lineage.changes.length === 0 ? h("p", { class: "muted", text: t("lin.none") })
      : h("ol", { class: "lineage-changes" }, lineage.changes.map(c =>
        h("li", { dataset: { event: c.event } }, h("time", { text: formatTime(c.at) }), " ", h("span", { text: lineageEvent(kind, c.event) }), " · ",
          h("span", { text: c.actor || t("lin.system") }))));
    body.replaceChildren(
      h("p", { class: "lineage-origin" }, h("strong", { text: t("lin.origin") + "：" }),
        o && o.url ? h("a", { href: o.url, rel: "noopener noreferrer", target: "_blank", text: origin }) : origin,
        o && o.at ? h("span", { class: "muted", text: " · " + formatTime(o.at) }) : null),
      h("p", { text: t("lin.changes") }), changes);
  }).catch(err => body.replaceChildren(h("p", { class: "error", text: t("lin.error") + problemText(err) })));
  }
}
