// The shell: sign-in, then a snapshot over REST, then pushes from the live hub applied by version.
(function () {
  const { t, formatTime } = window.mcI18n;
  let current = null;
  let me = null;
  let connection = null;

  const $ = id => document.getElementById(id);
  const views = ["cockpit", "system", "audit", "fleet", "newsroom", "incidents", "ops", "people", "me", "indicators", "tickets", "supervision", "evaluations", "applications"];
  function show(id) {
    if (!views.includes(id)) { shownView = null; }
    for (const s of ["sign-in", "change-password", ...views]) { $(s).hidden = s !== id; }
    $("tabs").hidden = !views.includes(id);
    // The newsroom board spreads its columns over the whole width.
    document.querySelector("main").classList.toggle("wide", id === "newsroom");
    document.querySelectorAll(".tab").forEach(tab => tab.classList.toggle("active", tab.dataset.view === id));
  }

  // ---- addresses: every page has a URL (/{page}/...), pages take the rest of the path (mc:route); the fleet's is /terminals ----
  let shownView = null;
  const pathOf = view => view === "fleet" ? "terminals" : view;
  const viewOf = segment => segment === "terminals" ? "fleet" : views.includes(segment) ? segment : null;

  function here() {
    const parts = location.pathname.split("/").filter(Boolean).map(part => { try { return decodeURIComponent(part); } catch { return part; } });
    return { view: viewOf(parts[0]), parts: parts.slice(1) };
  }

  // A page may be opened when its tab is offered to the signed-in user.
  function mayOpen(view) { const tab = document.querySelector(`.tab[data-view="${view}"]`); return !!tab && !tab.hidden; }

  // Platform staff start on the cockpit (运营总览); everyone else on the system status.
  function home() {
    const staff = me && ["admin", "operator", "management"].some(r => me.platformRoles.includes(r));
    return staff && mayOpen("cockpit") ? "cockpit" : "system";
  }

  // Shows what the address names: the page (once per change of page, announced as mc:view) and then the rest of the
  // path to the page itself (mc:route, also for back and forward within a page). "/" and unknown paths show the home page.
  function route() {
    if (!me || me.mustChangePassword) { return; }
    let { view, parts } = here();
    if (!view || !mayOpen(view)) {
      view = home(); parts = [];
      if (location.pathname !== "/") { history.replaceState(null, "", "/"); }
    }
    if (view !== shownView) {
      show(view);
      shownView = view;
      if (view === "audit") { loadAudit().catch(err => renderAlerts([{ at: new Date().toISOString(), message: err.message }])); }
      if (view === "fleet") { loadFleet().catch(() => {}); }
      document.dispatchEvent(new CustomEvent("mc:view", { detail: view }));
    }
    if (view === "fleet") {
      if (parts[0]) { showTerminal(parts[0]).catch(err => { $("terminal-detail").replaceChildren(); alertLine(err.message); $("terminal-detail").hidden = false; }); }
      else { $("terminal-detail").hidden = true; }
    }
    document.dispatchEvent(new CustomEvent("mc:route", { detail: { view, parts } }));
  }

  // Goes to an address of the app: a new history entry (or the current one replaced) and the route shown.
  function navigate(path, options = {}) {
    if (path !== location.pathname) { history[options.replace ? "replaceState" : "pushState"](null, "", path); }
    route();
  }

  window.addEventListener("popstate", route);

  // Links into the app (a[data-route]) are followed without a reload; a modified click still opens a new tab.
  document.addEventListener("click", event => {
    const a = event.target.closest && event.target.closest("a[data-route]");
    if (!a || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
    event.preventDefault();
    navigate(a.getAttribute("href"));
  });

  // ---- the ops board: a snapshot from the read model, then coalesced pushes applied by version ----
  const fleet = new Map();
  let fleetLoaded = false;
  let reloadTimer = null;
  // The latest push of every terminal, whenever it came: a snapshot read before a push arrived (a reload in flight) must not
  // take the board back to older health. Each push is numbered in the order it arrived.
  const latest = new Map();
  let pushes = 0;
  let snapshots = 0;

  function canSeeFleet() { return me && !(me.platformRoles.length === 1 && me.platformRoles[0] === "auditor"); }

  async function loadFleet() {
    const before = pushes;
    const data = await api("/api/terminals");
    fleet.clear();
    for (const row of data.terminals) { fleet.set(row.id, row); }
    // Pushes newer than the snapshot's rows win; a terminal pushed while the snapshot was read but missing from it needs another.
    let missing = false;
    for (const [id, { change, n }] of latest) {
      const row = fleet.get(id);
      if (row) { if (change.version > row.version) { apply(row, change); } }
      else if (n > before) { missing = true; }
    }
    fleetLoaded = true;
    renderFleet();
    $("fleet-rows").dataset.snapshots = String(++snapshots);
    if (missing) { reloadSoon(); }
    await loadFleetAlerts();
  }

  function apply(row, change) { row.health = change.health; row.lastSeen = change.lastSeen; row.version = change.version; }

  function reloadSoon() {
    if (!reloadTimer) { reloadTimer = setTimeout(() => { reloadTimer = null; loadFleet().catch(() => {}); }, 1000); }
  }

  // The server sends why as codes (comma-separated for several thresholds); each is shown in the reader's language.
  function reasons(codes) { return codes.split(",").filter(c => c).map(c => t("reason." + c)).join(window.mcI18n.lang === "en" ? ", " : "、"); }

  let alertsTimer = null;
  async function loadFleetAlerts() {
    const list = await api("/api/terminals/alerts?limit=10");
    const ul = $("fleet-alerts");
    ul.replaceChildren();
    if (list.length === 0) { const li = document.createElement("li"); li.className = "empty"; li.textContent = t("fleet.noAlerts"); ul.appendChild(li); }
    for (const alert of list) {
      const li = document.createElement("li");
      if (alert.type === "terminal.recovered") { li.className = "recovered"; }
      li.dataset.terminal = alert.terminalId;
      li.textContent = formatTime(alert.at) + " · " + alert.terminalId + " " + t("alert." + alert.type) + (alert.reason ? " (" + reasons(alert.reason) + ")" : "");
      ul.appendChild(li);
    }
  }

  function applyTerminalChanges(changes) {
    for (const change of changes) {
      const known = latest.get(change.id);
      if (!known || change.version >= known.change.version) { latest.set(change.id, { change, n: ++pushes }); }
    }
    if (!fleetLoaded) { return; }
    let unknown = false;
    for (const change of changes) {
      const row = fleet.get(change.id);
      if (!row) { unknown = true; continue; }
      if (change.version < row.version) { continue; }
      apply(row, change);
    }
    if (unknown) { reloadSoon(); }
    // Health changes may have raised alerts: refresh the feed, at most once a second.
    if (!alertsTimer) { alertsTimer = setTimeout(() => { alertsTimer = null; loadFleetAlerts().catch(() => {}); }, 1000); }
    renderFleet();
  }

  function renderFleet() {
    const counts = { Online: 0, Degraded: 0, Offline: 0, Maintenance: 0, Unknown: 0 };
    const regions = new Set();
    for (const row of fleet.values()) { counts[row.health] = (counts[row.health] || 0) + 1; regions.add(row.region); }
    for (const key of Object.keys(counts)) { $("count-" + key).textContent = String(counts[key]); }
    $("fleet-total").textContent = String(fleet.size);
    const byRegion = {};
    for (const row of fleet.values()) { byRegion[row.region] = (byRegion[row.region] || 0) + 1; }
    $("region-counts").textContent = Object.keys(byRegion).sort().map(r => r + " " + byRegion[r]).join(" · ");
    const regionSelect = $("fleet-region");
    const chosen = regionSelect.value;
    const known = new Set([...regionSelect.options].map(o => o.value));
    for (const region of [...regions].sort()) {
      if (!known.has(region)) { const o = document.createElement("option"); o.value = region; o.textContent = region; regionSelect.appendChild(o); }
    }
    regionSelect.value = chosen;
    const health = $("fleet-health").value, search = $("fleet-search").value.trim().toLowerCase();
    const rows = [...fleet.values()].filter(r => (!health || r.health === health) && (!chosen || r.region === chosen)
      && (!search || r.id.toLowerCase().includes(search) || r.name.toLowerCase().includes(search)));
    const body = $("fleet-rows");
    body.replaceChildren();
    if (rows.length === 0) {
      const tr = document.createElement("tr"); const td = cell(t("fleet.none")); td.colSpan = 5; td.className = "muted"; tr.appendChild(td); body.appendChild(tr);
    }
    for (const row of rows.slice(0, 500)) {
      const tr = document.createElement("tr");
      tr.dataset.terminal = row.id;
      tr.dataset.health = row.health;
      const pill = document.createElement("span"); pill.className = "pill " + row.health; pill.textContent = t("health." + row.health);
      const healthCell = cell("", t("fleet.health")); healthCell.appendChild(pill);
      tr.append(cell(row.id, t("fleet.id")), cell(row.name, t("fleet.name")), cell(row.region, t("fleet.region")), healthCell,
        cell(formatTime(row.lastSeen), t("fleet.lastSeen")));
      tr.addEventListener("click", () => navigate("/terminals/" + encodeURIComponent(row.id)));
      body.appendChild(tr);
    }
  }

  async function showTerminal(id) {
    const s = await api("/api/terminals/" + encodeURIComponent(id));
    const panel = $("terminal-detail");
    const dl = document.createElement("dl");
    const add = (label, value) => { const dt = document.createElement("dt"); dt.textContent = label; const dd = document.createElement("dd"); dd.textContent = value; dl.append(dt, dd); };
    const tm = s.telemetry;
    add(t("fleet.id"), s.id + " · " + (s.registration ? s.registration.name : ""));
    add(t("fleet.kind"), s.registration ? s.registration.kind : "");
    add(t("fleet.health"), t("health." + s.health));
    add(t("fleet.lastSeen"), formatTime(s.lastSeen));
    add(t("fleet.deadline"), formatTime(s.deadline));
    add(t("fleet.degradedBecause"), reasons((s.degradedBecause || []).join(",")) || "—");
    add(t("fleet.telemetry"), tm ? `CPU ${tm.cpu ?? "—"}% · MEM ${tm.memory ?? "—"}% · DISK ${tm.disk ?? "—"}% · ${tm.temperature ?? "—"}°C · v${tm.appVersion ?? "—"}` : "—");
    add(t("fleet.inspectionDue"), formatTime(s.inspectionDue));
    add(t("fleet.flaps"), String(s.flapCount));
    for (const c of (s.commands || []).slice(0, 5)) {
      add(t("fleet.command") + " " + formatTime(c.sentAt), t("command." + c.type) + " · " + t("commandStatus." + c.status) + (c.text ? " · " + c.text : ""));
    }
    panel.replaceChildren(dl);
    const chart = document.createElement("div");
    chart.id = "telemetry-chart";
    chart.className = "chart";
    panel.appendChild(chart);
    renderTelemetry(id, chart).catch(err => { chart.textContent = err.message; });
    if (canManageTerminals()) {
      const form = document.createElement("form");
      form.className = "filters";
      form.innerHTML = `<label><span>${t("fleet.noticeText")}</span><input name="text" maxlength="500"></label>`;
      for (const type of ["Notice", "Refresh", "Reboot"]) {
        const button = document.createElement("button");
        button.type = "button"; button.className = "lang"; button.dataset.command = type; button.textContent = t("command." + type);
        button.addEventListener("click", async () => {
          const text = form.elements.text.value;
          try {
            await api("/api/terminals/" + encodeURIComponent(id) + "/commands", {
              method: "POST", body: JSON.stringify({ type, text: type === "Notice" ? text : null }),
              headers: { "Idempotency-Key": crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) },
            });
            setTimeout(() => showTerminal(id), 1500);
          } catch (err) { alertLine(err.message); }
        });
        form.appendChild(button);
      }
      panel.appendChild(form);
    }
    // The 来源与变更 block comes from the page modules' shared library (this shell is a classic script, so it loads it on demand).
    import("/js/lib.js").then(lib => { if (panel.contains(dl)) { panel.appendChild(lib.lineageBlock("terminal", id)); } }).catch(() => {});
    panel.hidden = false;
  }

  let echartsLoading = null;
  function loadEcharts() {
    if (window.echarts) { return Promise.resolve(); }
    echartsLoading ??= new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = "/lib/echarts.min.js";
      script.onload = resolve; script.onerror = () => reject(new Error("echarts"));
      document.head.appendChild(script);
    });
    return echartsLoading;
  }

  async function renderTelemetry(id, element) {
    const points = await api("/api/terminals/" + encodeURIComponent(id) + "/telemetry?hours=24");
    element.dataset.points = String(points.length);
    if (points.length === 0) { element.textContent = t("fleet.noTelemetry"); element.classList.add("muted"); return; }
    await loadEcharts();
    const series = (key, name) => ({ name, type: "line", showSymbol: false, data: points.map(p => [p.start, p[key]]) });
    const chart = window.echarts.init(element);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 32, bottom: 28 },
      xAxis: { type: "time" },
      yAxis: { type: "value" },
      series: [series("cpuAvg", "CPU %"), series("memoryAvg", t("fleet.memory")), series("diskAvg", t("fleet.disk")), series("temperatureMax", "°C")],
    });
  }

  function canManageTerminals() {
    return me && (me.platformRoles.includes("admin") || me.platformRoles.includes("operator") || me.partyRole === "party-admin");
  }

  function alertLine(message) {
    const p = document.createElement("p"); p.className = "error"; p.textContent = message; $("terminal-detail").appendChild(p);
  }

  function canSeePatrol() { return me && ["admin", "operator", "management"].some(r => me.platformRoles.includes(r)); }

  function renderPatrol(report) {
    if (!report) { $("patrol-status").textContent = t("patrol.none"); return; }
    $("patrol-at").textContent = formatTime(report.finishedAt);
    const status = String(report.status).toLowerCase();
    $("patrol-status").textContent = t("patrolStatus." + status);
    const list = $("patrol-checks");
    list.replaceChildren();
    const checks = report.checks || [];
    for (const check of checks) {
      const li = document.createElement("li");
      const state = String(check.status).toLowerCase();
      li.className = state;
      li.dataset.check = check.name;
      li.textContent = t("check." + check.name) + " — " + t("patrolStatus." + state) + " · " + check.detail;
      list.appendChild(li);
    }
  }

  async function loadPatrol() {
    if (!canSeePatrol()) { return; }
    $("patrol").hidden = false;
    $("patrol-run").hidden = !(me.platformRoles.includes("admin") || me.platformRoles.includes("operator"));
    const reports = await api("/api/patrol/reports?limit=1");
    renderPatrol(reports[0]);
  }

  function canAudit() { return me && (me.platformRoles.includes("admin") || me.platformRoles.includes("auditor")); }

  function auditQuery() {
    const params = new URLSearchParams();
    const put = (key, value) => { if (value) { params.set(key, value); } };
    const iso = value => value ? new Date(value).toISOString() : "";
    put("from", iso($("audit-from").value));
    put("to", iso($("audit-to").value));
    put("actor", $("audit-actor").value.trim());
    put("result", $("audit-result").value);
    if ($("audit-kind").value === "operations") { put("action", $("audit-action").value.trim()); }
    return params;
  }

  async function loadAudit() {
    const kind = $("audit-kind").value;
    const params = auditQuery();
    $("audit-export").href = "/api/audit/operations.csv?" + params.toString();
    $("audit-export").hidden = kind !== "operations";
    const rows = await api("/api/audit/" + kind + "?" + params.toString());
    const body = $("audit-rows");
    body.replaceChildren();
    if (rows.length === 0) {
      const tr = document.createElement("tr");
      const td = cell(t("audit.none")); td.colSpan = 5; td.className = "muted";
      tr.appendChild(td); body.appendChild(tr);
    }
    for (const row of rows) {
      const tr = document.createElement("tr");
      tr.append(cell(formatTime(row.at), t("audit.time")),
        cell(kind === "operations" ? (row.actor || "—") : row.username, t("audit.actor")),
        cell(kind === "operations" ? row.action : row.method + " (" + (row.clientIp || "") + ")", t("audit.action")),
        cell(kind === "operations" ? (row.target || "") : row.reason, t("audit.target")),
        cell(kind === "operations" ? row.result : (row.success ? "ok" : "failed"), t("audit.result")));
      body.appendChild(tr);
    }
    renderAlerts(await api("/api/audit/alerts?limit=20"));
  }

  let alerts = [];
  function renderAlerts(list) {
    alerts = list;
    const ul = $("alerts");
    ul.replaceChildren();
    if (alerts.length === 0) {
      const li = document.createElement("li"); li.className = "empty"; li.textContent = t("audit.noAlerts"); ul.appendChild(li);
    }
    for (const alert of alerts) {
      const li = document.createElement("li");
      li.textContent = formatTime(alert.at) + " · " + alert.message;
      ul.appendChild(li);
    }
  }

  async function api(path, options = {}) {
    // JSON bodies are strings; FormData (uploads) sets its own multipart content type.
    const headers = { "Accept": "application/json", ...(typeof options.body === "string" ? { "Content-Type": "application/json" } : {}), ...(options.headers || {}) };
    if (me && me.csrfToken && options.method && options.method !== "GET") { headers["X-CSRF-Token"] = me.csrfToken; }
    const response = await fetch(path, { credentials: "same-origin", ...options, headers: headers });
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      const error = new Error(problem.detail || problem.title || response.statusText);
      error.status = response.status;
      error.problem = problem;
      throw error;
    }
    return response.status === 204 ? null : response.json();
  }

  function setConnection(state) {
    const el = $("connection");
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
    $("status-at").textContent = formatTime(current.at);
    $("silo-count").textContent = String(current.silos.length);
    $("pulse-ticks").textContent = current.pulse ? String(current.pulse.ticks) : "—";
    $("pulse-last").textContent = formatTime(current.pulse && current.pulse.lastTickAt);
    $("web-instance").textContent = current.webInstance;
    const rows = $("silo-rows");
    rows.replaceChildren();
    if (current.silos.length === 0) {
      const tr = document.createElement("tr");
      const td = cell(t("system.none")); td.colSpan = 4; td.className = "muted";
      tr.appendChild(td); rows.appendChild(tr);
    }
    for (const silo of current.silos) {
      const tr = document.createElement("tr");
      tr.dataset.silo = silo.name;
      const status = t("status." + silo.status);
      tr.append(cell(silo.name, t("system.siloName")), cell(silo.address || "—", t("system.siloAddress")),
        cell(status === "status." + silo.status ? silo.status : status, t("system.siloStatus")),
        cell(formatTime(silo.startedAt), t("system.siloStarted")));
      rows.appendChild(tr);
    }
  }

  function accept(status) {
    // Pushes are best-effort and may overtake a snapshot: never go back to an older version.
    if (current && status.version < current.version && status.webInstance === current.webInstance) { return; }
    current = status;
    $("status-error").hidden = true;
    render();
  }

  async function loadSnapshot() {
    try {
      accept(await api("/api/system/status"));
    } catch (err) {
      if (err.status === 401) { return signedOut(); }
      $("status-error").textContent = t("system.error") + err.message;
      $("status-error").hidden = false;
    }
  }

  // Other pages (newsroom.js) listen on the one connection through these: handlers survive sign-out and a new connection.
  const liveHandlers = [];
  const reconnectedHooks = [];
  let connectedWaiters = [];
  function onLive(method, handler) {
    liveHandlers.push([method, handler]);
    if (connection) { connection.on(method, handler); }
  }
  function onReconnected(hook) { reconnectedHooks.push(hook); }
  function connected() {
    const waiters = connectedWaiters; connectedWaiters = [];
    for (const resolve of waiters) { resolve(); }
  }
  function whenConnected() {
    if (connection && connection.state === signalR.HubConnectionState.Connected) { return Promise.resolve(); }
    return new Promise(resolve => connectedWaiters.push(resolve));
  }
  async function invokeLive(method, ...args) {
    await whenConnected();
    return connection.invoke(method, ...args);
  }

  async function startLive() {
    if (connection) { return; }
    const live = new signalR.HubConnectionBuilder()
      .withUrl("/hubs/live")
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => Math.min(1000 * (ctx.previousRetryCount + 1), 10000) })
      .build();
    connection = live;
    connection.on("systemStatus", accept);
    connection.on("securityAlert", alert => renderAlerts([alert, ...alerts].slice(0, 20)));
    connection.on("terminalChanges", applyTerminalChanges);
    for (const [method, handler] of liveHandlers) { connection.on(method, handler); }
    connection.onreconnecting(() => setConnection("reconnecting"));
    connection.onreconnected(async () => {
      setConnection("connected");
      connected();
      for (const hook of reconnectedHooks) { Promise.resolve().then(hook).catch(() => {}); }
      await loadSnapshot(); if (fleetLoaded) { await loadFleet().catch(() => {}); }
    });
    connection.onclose(() => setConnection("disconnected"));
    const attempt = async () => {
      if (connection !== live) { return; }
      try {
        await connection.start();
        setConnection("connected");
        connected();
        await loadSnapshot();
      } catch {
        setConnection("reconnecting");
        setTimeout(attempt, 2000);
      }
    };
    await attempt();
  }

  function signedIn(user) {
    me = user;
    $("user-name").textContent = user.displayName + " (" + user.username + ")";
    $("user-name").hidden = false;
    $("sign-out").hidden = false;
    $("connection").hidden = false;
    if (user.mustChangePassword) { show("change-password"); return; }
    document.querySelectorAll(".tab[data-role=audit]").forEach(tab => { tab.hidden = !canAudit(); });
    document.querySelectorAll(".tab[data-role=fleet]").forEach(tab => { tab.hidden = !canSeeFleet(); });
    document.querySelectorAll(".tab[data-role=newsroom]").forEach(tab => { tab.hidden = !inNewsroom(); });
    startLive();
    loadPatrol().catch(() => {});
    document.dispatchEvent(new CustomEvent("mc:signed-in", { detail: user }));
    // After the pages have offered their tabs: a deep link opened while signed out lands where it pointed.
    route();
  }

  // Newsroom people: anyone holding a channel role, or a role in an access party.
  function inNewsroom() { return me && ((me.channels || []).length > 0 || !!me.partyRole); }

  async function signedOut() {
    me = null;
    if (connection) { const c = connection; connection = null; await c.stop().catch(() => {}); }
    latest.clear();
    $("user-name").hidden = true;
    $("sign-out").hidden = true;
    setConnection("disconnected");
    $("connection").hidden = true;
    show("sign-in");
    document.dispatchEvent(new CustomEvent("mc:signed-out"));
  }

  async function boot() {
    try {
      signedIn(await api("/api/auth/me"));
    } catch {
      await signedOut();
    }
  }

  $("sign-in-form").addEventListener("submit", async event => {
    event.preventDefault();
    $("sign-in-error").hidden = true;
    try {
      const user = await api("/api/auth/sign-in", { method: "POST", body: JSON.stringify({ username: $("username").value, password: $("password").value }) });
      $("password").value = "";
      signedIn(user);
    } catch (err) {
      $("sign-in-error").textContent = err.message;
      $("sign-in-error").hidden = false;
    }
  });

  $("change-password-form").addEventListener("submit", async event => {
    event.preventDefault();
    $("change-error").hidden = true;
    try {
      await api("/api/auth/password", { method: "POST", body: JSON.stringify({ currentPassword: $("current-password").value, newPassword: $("new-password").value }) });
      $("current-password").value = ""; $("new-password").value = "";
      signedIn(await api("/api/auth/me"));
    } catch (err) {
      $("change-error").textContent = err.message;
      $("change-error").hidden = false;
    }
  });

  document.querySelectorAll(".tab").forEach(tab => tab.addEventListener("click", () => navigate("/" + pathOf(tab.dataset.view))));

  $("patrol-run").addEventListener("click", async () => {
    $("patrol-run").disabled = true;
    try { renderPatrol(await api("/api/patrol/run", { method: "POST" })); } catch (err) { $("patrol-status").textContent = err.message; }
    finally { $("patrol-run").disabled = false; }
  });

  for (const id of ["fleet-health", "fleet-region", "fleet-search"]) { $(id).addEventListener("input", renderFleet); }
  $("fleet-filter").addEventListener("submit", event => event.preventDefault());

  $("audit-filter").addEventListener("submit", async event => {
    event.preventDefault();
    await loadAudit().catch(err => renderAlerts([{ at: new Date().toISOString(), message: err.message }]));
  });

  $("sign-out").addEventListener("click", async () => {
    await api("/api/auth/sign-out", { method: "POST" }).catch(() => {});
    // The next person starts at home, not on the page the last one left open.
    history.replaceState(null, "", "/");
    await signedOut();
  });

  document.addEventListener("mc:language", () => {
    render(); renderFleet(); setConnection($("connection").dataset.state);
    if (me && !$("patrol").hidden) { loadPatrol().catch(() => {}); }
  });
  document.addEventListener("DOMContentLoaded", boot);

  // What the pages may use (through js/lib.js): one API helper, one live connection, one notion of "me", one way to go to an address.
  window.mc = {
    api,
    navigate,
    loadEcharts,
    me: () => me,
    live: { on: onLive, invoke: invokeLive, whenConnected, onReconnected },
  };
})();
