// The data dictionary (数据字典, F10.3) as a page under the audit view: every stored table and column with its meaning, type,
// owning domain, personal-data kind and retention, from GET /api/v1/data-dictionary (the migrated schema plus
// deploy/db/dictionary.json, the same source as docs/DATA_DICTIONARY.md). Address: /audit/data-dictionary. A filter box narrows
// the tables and columns as one types; "personal data only" keeps the columns that hold it. Uses the shared module (js/lib.js).
import { t, $, h as el, api, navigate, problemText as problem } from "./lib.js";

(function () {
  let tables = null;
  let shown = false;

  const label = key => t("dd." + key);
  const personalText = kind => kind ? t("dd.personal." + kind) : "";

  function matches(query, ...texts) { return !query || texts.some(x => (x || "").toLowerCase().includes(query)); }

  function render() {
    const box = $("dd-tables");
    if (!box || !tables) { return; }
    const query = $("dd-filter").value.trim().toLowerCase();
    const personalOnly = $("dd-personal").checked;
    let columnCount = 0;
    const sections = [];
    for (const table of tables) {
      const tableHit = matches(query, table.name, table.domain, table.meaning, table.retention);
      const columns = table.columns.filter(c => (!personalOnly || c.personal) && (tableHit || matches(query, c.name, c.type, c.meaning, c.personal)));
      if (columns.length === 0) { continue; }
      columnCount += columns.length;
      sections.push(el("section", { class: "dd-table", "data-table": table.name },
        el("h3", null, el("code", { text: table.name })),
        el("p", { text: table.meaning }),
        el("p", { class: "muted" }, `${label("domain")}：${table.domain} · ${label("retention")}：${table.retention}`),
        el("table", { class: "silos" },
          el("thead", null, el("tr", null, ["column", "type", "nullable", "personal", "meaning"].map(k => el("th", { text: label(k) })))),
          el("tbody", null, columns.map(c => el("tr", { "data-column": c.name, "data-personal": c.personal || "" },
            el("td", { "data-label": label("column") }, el("code", { text: c.name })),
            el("td", { "data-label": label("type"), text: c.type }),
            el("td", { "data-label": label("nullable"), text: c.nullable ? label("yes") : label("no") }),
            el("td", { "data-label": label("personal"), text: personalText(c.personal) || "—" }),
            el("td", { "data-label": label("meaning"), text: c.meaning })))))));
    }
    $("dd-count").textContent = t("dd.count").replace("{tables}", sections.length).replace("{columns}", columnCount);
    box.replaceChildren(...(sections.length ? sections : [el("p", { class: "muted", text: label("none") })]));
  }

  async function open() {
    document.querySelectorAll("#audit .audit-log").forEach(x => { x.hidden = true; });
    $("dd").hidden = false;
    shown = true;
    try {
      tables ??= await api("/api/v1/data-dictionary");
      // The audit log's first load may have finished meanwhile and shown its export link again.
      if (shown) { document.querySelectorAll("#audit .audit-log").forEach(x => { x.hidden = true; }); }
      $("dd-error").hidden = true;
      render();
    } catch (err) { $("dd-error").textContent = problem(err); $("dd-error").hidden = false; }
  }

  function close() {
    if (!shown) { return; }
    shown = false;
    $("dd").hidden = true;
    document.querySelectorAll("#audit .audit-log").forEach(x => { x.hidden = x.id === "audit-export" && $("audit-kind").value !== "operations"; });
  }

  $("dd-filter").addEventListener("input", render);
  $("dd-personal").addEventListener("change", render);
  $("dd-open").addEventListener("click", e => { e.preventDefault(); navigate("/audit/data-dictionary"); });
  $("dd-back").addEventListener("click", e => { e.preventDefault(); navigate("/audit"); });
  document.addEventListener("mc:language", () => { if (shown) { render(); } });
  document.addEventListener("mc:route", event => {
    const { view, parts } = event.detail;
    if (view === "audit" && parts[0] === "data-dictionary") { open(); } else { close(); }
  });
})();
