// The shell: loads a snapshot over REST, then applies pushes from the live hub by version.
(function () {
  const { t, formatTime } = window.mcI18n;
  let current = null;

  function setConnection(state) {
    const el = document.getElementById("connection");
    el.dataset.state = state;
    el.dataset.i18n = "live." + state;
    el.className = "badge " + (state === "connected" ? "badge-ok" : state === "disconnected" ? "badge-bad" : "badge-wait");
    el.textContent = t("live." + state);
  }

  function cell(text, label) {
    const td = document.createElement("td");
    td.textContent = text;
    if (label) { td.dataset.label = label; }
    return td;
  }

  function render() {
    if (!current) { return; }
    document.getElementById("status-at").textContent = formatTime(current.at);
    document.getElementById("silo-count").textContent = String(current.silos.length);
    document.getElementById("pulse-ticks").textContent = current.pulse ? String(current.pulse.ticks) : "—";
    document.getElementById("pulse-last").textContent = formatTime(current.pulse && current.pulse.lastTickAt);
    document.getElementById("web-instance").textContent = current.webInstance;
    const rows = document.getElementById("silo-rows");
    rows.replaceChildren();
    if (current.silos.length === 0) {
      const tr = document.createElement("tr");
      const td = cell(t("system.none")); td.colSpan = 4; td.className = "muted";
      tr.appendChild(td); rows.appendChild(tr);
    }
    for (const silo of current.silos) {
      const tr = document.createElement("tr");
      tr.dataset.silo = silo.name;
      tr.append(cell(silo.name, t("system.siloName")), cell(silo.address, t("system.siloAddress")),
        cell(t("status." + silo.status) === "status." + silo.status ? silo.status : t("status." + silo.status), t("system.siloStatus")),
        cell(formatTime(silo.startedAt), t("system.siloStarted")));
      rows.appendChild(tr);
    }
  }

  function accept(status) {
    // Pushes are best-effort and may overtake a snapshot: never go back to an older version.
    if (current && status.version < current.version && status.webInstance === current.webInstance) { return; }
    current = status;
    document.getElementById("status-error").hidden = true;
    render();
  }

  async function loadSnapshot() {
    try {
      const response = await fetch("/api/system/status", { headers: { "Accept": "application/json" } });
      if (!response.ok) {
        const problem = await response.json().catch(() => ({}));
        throw new Error(problem.title || response.statusText);
      }
      accept(await response.json());
    } catch (err) {
      const el = document.getElementById("status-error");
      el.textContent = t("system.error") + err.message;
      el.hidden = false;
    }
  }

  const connection = new signalR.HubConnectionBuilder()
    .withUrl("/hubs/live")
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => Math.min(1000 * (ctx.previousRetryCount + 1), 10000) })
    .build();
  connection.on("systemStatus", accept);
  connection.onreconnecting(() => setConnection("reconnecting"));
  connection.onreconnected(async () => { setConnection("connected"); await loadSnapshot(); });
  connection.onclose(() => setConnection("disconnected"));

  async function start() {
    try {
      await connection.start();
      setConnection("connected");
      await loadSnapshot();
    } catch {
      setConnection("reconnecting");
      setTimeout(start, 2000);
    }
  }

  document.addEventListener("mc:language", () => { render(); if (document.getElementById("connection")) { setConnection(document.getElementById("connection").dataset.state); } });
  document.addEventListener("DOMContentLoaded", start);
})();
