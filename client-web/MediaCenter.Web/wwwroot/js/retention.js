// The retention job (保留期限清理, F10.3) on the system page, under the daily patrol: its latest runs (scheduled or on demand)
// with what each removed, and "run now" for administrators and operators (one Idempotency-Key per click, kept for a retry).
import { t, tf, $, h as el, api, me, formatTime, keyed, problemText as problem } from "./lib.js";

(function () {
  const once = keyed();
  const sees = () => { const u = me(); return !!u && ["admin", "operator", "management"].some(r => u.platformRoles.includes(r)); };
  const runs = () => { const u = me(); return !!u && ["admin", "operator"].some(r => u.platformRoles.includes(r)); };

  function trigger(value) {
    return value === "scheduled" ? t("rt.scheduled")
      : value.startsWith("on-demand:") ? tf("rt.onDemand", { user: value.slice("on-demand:".length) }) : value;
  }

  function counts(c) {
    const parts = Object.entries(c || {}).filter(([key, n]) => n > 0 && !key.startsWith("tickets."))
      .map(([table, n]) => tf("rt.rows", { table, n }));
    if (c && c["tickets.anonymised"] > 0) { parts.push(tf("rt.anonymised", { n: c["tickets.anonymised"] })); }
    if (c && c["tickets.left"] > 0) { parts.push(tf("rt.left", { n: c["tickets.left"] })); }
    return parts.length ? parts.join(" · ") : t("rt.nothing");
  }

  async function load() {
    if (!sees()) { $("retention").hidden = true; return; }
    $("retention").hidden = false;
    $("retention-run").hidden = !runs();
    try {
      const list = await api("/api/v1/retention/runs?limit=5");
      $("retention-runs").replaceChildren(...(list.length ? list.map(r => el("tr", { "data-run": r.id, "data-trigger": r.trigger },
        el("td", { "data-label": t("rt.at"), text: formatTime(r.finishedAt) }),
        el("td", { "data-label": t("rt.trigger"), text: trigger(r.trigger) }),
        el("td", { "data-label": t("rt.counts"), text: counts(r.counts) })))
        : [el("tr", null, el("td", { colspan: 3, class: "muted", text: t("rt.none") }))]));
      $("retention-error").hidden = true;
    } catch (err) { $("retention-error").textContent = problem(err); $("retention-error").hidden = false; }
  }

  $("retention-run").addEventListener("click", async () => {
    $("retention-run").disabled = true;
    try {
      await once(key => api("/api/v1/retention/runs", { method: "POST", body: "{}", headers: { "Idempotency-Key": key } }));
      await load();
    } catch (err) { $("retention-error").textContent = problem(err); $("retention-error").hidden = false; }
    finally { $("retention-run").disabled = false; }
  });

  document.addEventListener("mc:view", event => { if (event.detail === "system") { load(); } });
  document.addEventListener("mc:language", () => { if (!$("retention").hidden) { load(); } });
})();
