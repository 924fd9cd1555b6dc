// The cockpit (运营总览): the home page of platform staff. Today's newsroom per channel, the fleet by health with the
// regions worst off, open incidents by priority with the next escalation clock, hot events in progress with their
// traffic, and the day's patrol; every figure links to the page behind it. Access parties see it scoped to
// themselves (the API scopes it). Live without polling: a push about terminals, incidents, boards or hot events
// makes it read the figures again, at most once a second. Address: /cockpit (and / for platform staff).
//
// 大屏 (/cockpit/wall): the same page on the duty room's wall — dark, large, no controls, scaled to the screen; every
// panel at once, or one at a time (?cycle=20, seconds) or one fixed (?panel=incidents). It recovers by itself: when the
// live connection drops it says since when the figures are, reconnects (to any web instance behind the address) and
// reads again; a failed read is retried every 5 s, and it reads anyway once a minute.
import { mc, t, tf, formatTime, $, h, me, live } from "./lib.js";

(function () {
  const HEALTH = ["Online", "Degraded", "Offline", "Maintenance", "Unknown"];
  const SEVERITIES = ["P1", "P2", "P3", "P4"];
  const WALL_CHANNELS = 6;

  let figures = null;             // GET /api/v1/cockpit
  let hot = null;                 // GET /api/v1/hot-mode
  let patrol = undefined;         // the latest patrol report, null for none (platform staff only)
  let shown = false;
  let token = 0;
  let timer = null;
  let clockOffset = 0;            // server time − browser time, for the escalation clock
  const watched = new Set();
  let wall = false;
  let cycleTimer = null;
  let wallTimer = null;
  let retryTimer = null;
  let readAt = null;              // when the figures shown were read

  function isStaff() { const u = me(); return !!u && ["admin", "operator", "management"].some(r => u.platformRoles.includes(r)); }
  function canSeeCockpit() { const u = me(); return isStaff() || (!!u && !!u.partyId && !!u.partyRole); }

  // A link inside the app: a real address (it can be opened in a new tab), followed without a reload.
  function link(href, props, ...children) { return h("a", { href, "data-route": true, ...props }, ...children); }

  // A page the caller cannot open is shown as plain text rather than a link that lands on the home page.
  function mayOpen(view) { const tab = document.querySelector(`.tab[data-view="${view}"]`); return !!tab && !tab.hidden; }

  async function load() {
    const mine = ++token;
    try {
      const [next, mode, reports] = await Promise.all([
        mc.api("/api/v1/cockpit"),
        mc.api("/api/v1/hot-mode").catch(() => null),
        isStaff() ? mc.api("/api/patrol/reports?limit=1").catch(() => null) : Promise.resolve(null),
      ]);
      if (mine !== token || !shown) { return; }
      figures = next;
      hot = mode;
      patrol = reports ? reports[0] || null : undefined;
      clockOffset = Date.parse(next.serverTime) - Date.now();
      $("ck-error").hidden = true;
      readAt = new Date();
      clearTimeout(retryTimer); retryTimer = null;
      render();
      stale();
      watchBoards();
    } catch (err) {
      if (mine !== token) { return; }
      // The session ended (its lifetime, a sign-out elsewhere): the page starts over at its address, i.e. asks to sign in
      // and then shows this page again.
      if (err.status === 401) { location.reload(); return; }
      $("ck-error").textContent = t("ck.error") + err.message;
      // On the wall nobody presses reload: keep what is shown, say so, and try again.
      $("ck-error").hidden = wall;
      if (wall && !retryTimer) { retryTimer = setTimeout(() => { retryTimer = null; if (shown) { load(); } }, 5000); }
      stale(true);
    }
  }

  // Bursts of pushes (a fleet going offline, a busy board) become one read.
  function soon() {
    if (!shown || timer) { return; }
    timer = setTimeout(() => { timer = null; load(); }, 1000);
  }

  // Board deltas reach only those watching the board: the cockpit watches the channels it counts.
  function watchBoards() {
    for (const row of figures.newsroom) {
      if (watched.has(row.channel)) { continue; }
      watched.add(row.channel);
      live.invoke("WatchBoard", row.channel).catch(() => watched.delete(row.channel));
    }
  }

  function figure(href, label, value, className, attrs) {
    return link(href, { class: "ck-figure " + (className || ""), ...attrs },
      h("div", { class: "stat-label", text: label }), h("div", { class: "stat-value", text: String(value) }));
  }

  function render() {
    const root = $("cockpit");
    root.dataset.loaded = String(!!figures);
    if (!figures) { return; }
    $("ck-at").textContent = formatTime(figures.serverTime);
    renderIncidents();
    renderFleet();
    renderNewsroom();
    renderHot();
    renderIndicators();
    renderPatrol();
    tick();
  }

  function renderIncidents() {
    const inc = figures.incidents;
    $("ck-incidents").replaceChildren(
      figure("/incidents", t("ck.open"), inc.open, "", { id: "ck-open", dataset: { count: inc.open } }),
      figure("/incidents", t("ck.unacknowledged"), inc.unacknowledged, "", { id: "ck-unacknowledged", dataset: { count: inc.unacknowledged } }),
      ...SEVERITIES.map(s => figure("/incidents", s, inc.bySeverity[s] || 0, "sev-border-" + s,
        { title: t("inc.sev." + s), dataset: { severity: s, count: inc.bySeverity[s] || 0 } })));
    const line = $("ck-escalation");
    if (inc.nextEscalationId) {
      line.className = "ck-line";
      line.replaceChildren(t("ck.nextEscalation"), " ",
        link("/incidents/" + encodeURIComponent(inc.nextEscalationId), { id: "ck-next-escalation", dataset: { escalatesAt: inc.nextEscalationAt } },
          h("strong", { class: "ck-clock", text: "" })));
    } else {
      line.className = "ck-line empty";
      line.textContent = t("ck.noEscalation");
    }
  }

  function renderFleet() {
    const fleet = figures.fleet;
    $("ck-fleet").replaceChildren(...HEALTH.map(name => figure("/terminals", t("health." + name), fleet.byHealth[name] || 0, "health-" + name,
      { dataset: { health: name, count: fleet.byHealth[name] || 0 } })));
    const list = $("ck-regions");
    list.replaceChildren(...(fleet.worstRegions.length === 0
      ? [h("li", { class: "empty", text: t("ck.noRegionIssues") })]
      : fleet.worstRegions.map(r => h("li", { dataset: { region: r.region } },
        link("/terminals", {}, tf("ck.regionLine", { region: r.region, offline: r.offline, degraded: r.degraded, total: r.total }))))));
  }

  function renderNewsroom() {
    const body = $("ck-newsroom");
    const open = mayOpen("newsroom");
    const cell = (text, label, className) => h("td", { dataset: { label }, class: className, text: String(text) });
    // On the wall the busiest channels only (the screen does not scroll), with how many more there are.
    const busy = c => c.inWork + c.inReview + c.overdue * 10 + c.publishedToday;
    const rows = wall ? [...figures.newsroom].sort((a, b) => busy(b) - busy(a)).slice(0, WALL_CHANNELS) : figures.newsroom;
    const more = figures.newsroom.length - rows.length;
    body.replaceChildren(...(figures.newsroom.length === 0
      ? [h("tr", {}, h("td", { colspan: "5", class: "muted", text: t("ck.noChannels") }))]
      : rows.map(c => h("tr", { dataset: { channel: c.channel } },
        h("td", { dataset: { label: t("ck.channel") } }, open ? link("/newsroom/" + encodeURIComponent(c.channel), {}, c.name) : c.name),
        cell(c.inWork, t("ck.inWork"), "ck-in-work"), cell(c.inReview, t("ck.inReview"), "ck-in-review"),
        cell(c.overdue, t("ck.overdue"), "ck-overdue" + (c.overdue > 0 ? " ck-alert" : "")),
        cell(c.publishedToday, t("ck.publishedToday"), "ck-published"))).concat(more > 0
        ? [h("tr", { class: "ck-more" }, h("td", { colspan: "5", class: "muted", text: tf("ck.moreChannels", { n: more }) }))] : [])));
  }

  function renderHot() {
    const list = $("ck-hot");
    const events = ((hot && hot.events) || []).filter(e => e.status === "Active");
    list.replaceChildren(...(events.length === 0
      ? [h("li", { class: "empty", text: t("ck.noHot") })]
      : events.map(e => h("li", { dataset: { id: e.id } },
        link("/ops/hot", {}, e.title), " · ", t("ck.until"), " ", formatTime(e.endsAt),
        e.lastMinute !== undefined && e.lastMinute !== null ? " · " + tf("ck.traffic", { m: e.lastMinute }) : ""))));
  }

  // The indicators in force with how many parties met or missed them in the latest month computed, and the rectifications
  // under way; the lines lead to the indicators page.
  function renderIndicators() {
    const ind = figures.indicators;
    const open = mayOpen("indicators");
    const to = (content) => open ? link("/indicators", {}, ...content) : h("span", {}, ...content);
    $("ck-indicators").dataset.month = ind.month || "";
    $("ck-indicators").replaceChildren(...(ind.indicators.length === 0
      ? [h("li", { class: "empty", text: t("ck.noIndicators") })]
      : ind.indicators.map(i => h("li", { dataset: { indicator: i.id, met: i.met, missed: i.missed } },
        to([i.name, " · ", tf("ck.indicatorLine", { met: i.met, missed: i.missed })]),
        i.missed > 0 ? h("span", { class: "ck-alert", text: " ●" }) : null))));
    const line = $("ck-rectifications");
    line.dataset.open = ind.openRectifications;
    line.dataset.overdue = ind.overdueRectifications;
    line.className = "ck-line" + (ind.overdueRectifications > 0 ? " ck-alert" : "");
    line.replaceChildren(to([ind.month ? tf("ck.month", { month: ind.month.slice(0, 7) }) + " · " : "",
      tf("ck.rectifications", { open: ind.openRectifications, overdue: ind.overdueRectifications })]));
  }

  function renderPatrol() {
    const panel = $("ck-patrol").closest(".ck-panel");
    panel.hidden = patrol === undefined;
    const line = $("ck-patrol");
    if (!patrol) { line.className = "ck-line empty"; line.textContent = t("ck.patrolNone"); return; }
    const status = String(patrol.status).toLowerCase();
    line.className = "ck-line";
    line.dataset.status = status;
    line.textContent = formatTime(patrol.finishedAt) + " · " + t("patrolStatus." + status);
  }

  // The escalation clock counts down between reads.
  function tick() {
    const el = document.getElementById("ck-next-escalation");
    if (!el || !shown) { return; }
    const left = Date.parse(el.dataset.escalatesAt) - (Date.now() + clockOffset);
    const total = Math.max(0, Math.floor(left / 1000));
    const pad = n => String(n).padStart(2, "0");
    el.querySelector(".ck-clock").textContent = left > 0
      ? (total >= 3600 ? Math.floor(total / 3600) + ":" : "") + pad(Math.floor((total % 3600) / 60)) + ":" + pad(total % 60)
      : t("inc.escalatingNow");
  }
  setInterval(tick, 1000);

  function reset() {
    token++;
    shown = false;
    figures = null; hot = null; patrol = undefined;
    clearTimeout(timer); timer = null;
    watched.clear();
    $("cockpit").dataset.loaded = "false";
  }

  // ---- 大屏 ----
  function connectionState() { return document.getElementById("connection")?.dataset.state || "connected"; }

  // What the wall says when its figures may be old: the connection is down or the last read failed.
  function stale(failed) {
    const note = $("ck-stale");
    const down = connectionState() !== "connected";
    if (!wall || (!down && !failed)) { note.hidden = true; $("cockpit").dataset.stale = "false"; return; }
    note.textContent = tf("ck.stale", { at: readAt ? formatTime(readAt.toISOString()) : "—" });
    note.hidden = false;
    $("cockpit").dataset.stale = "true";
  }

  function fit() {
    const zoom = Math.max(0.5, Math.min(window.innerWidth / 1600, window.innerHeight / 900));
    document.body.style.zoom = wall ? String(zoom) : "";
    document.body.style.setProperty("--wall-zoom", wall ? String(zoom) : "1");
  }

  function setWall(on) {
    if (on === wall) { return; }
    wall = on;
    document.body.classList.toggle("wall", on);
    $("cockpit").dataset.wall = String(on);
    clearInterval(cycleTimer); cycleTimer = null;
    clearInterval(wallTimer); wallTimer = null;
    const panels = [...document.querySelectorAll("#cockpit .ck-panel")];
    panels.forEach(p => p.classList.remove("ck-focus", "ck-off"));
    fit();
    stale();
    if (figures) { render(); }
    if (!on) { return; }
    const params = new URLSearchParams(location.search);
    const fixed = params.get("panel");
    const cycle = Number(params.get("cycle"));
    const focus = name => panels.forEach(p => { p.classList.toggle("ck-focus", p.dataset.panel === name); p.classList.toggle("ck-off", p.dataset.panel !== name); });
    if (fixed && panels.some(p => p.dataset.panel === fixed)) {
      focus(fixed);
    } else if (cycle >= 5) {
      let i = 0;
      const names = panels.filter(p => !p.hidden).map(p => p.dataset.panel);
      focus(names[0]);
      cycleTimer = setInterval(() => { const visible = panels.filter(p => !p.hidden).map(p => p.dataset.panel); i = (i + 1) % visible.length; focus(visible[i]); }, cycle * 1000);
    }
    // Pushes keep it current; a read once a minute covers any the wall missed while nobody was looking.
    wallTimer = setInterval(() => { if (shown) { load(); } }, 60000);
  }

  window.addEventListener("resize", () => { if (wall) { fit(); } });
  document.addEventListener("keydown", event => { if (wall && event.key === "Escape") { mc.navigate("/cockpit"); } });
  // Full screen needs a person's click: the link that opens the wall asks for it.
  $("ck-wall-link").addEventListener("click", () => { document.documentElement.requestFullscreen?.().catch(() => {}); });
  new MutationObserver(() => { if (wall) { stale(); } }).observe(document.getElementById("connection"), { attributes: true, attributeFilter: ["data-state"] });
  document.addEventListener("mc:route", event => setWall(event.detail.view === "cockpit" && event.detail.parts[0] === "wall"));

  for (const topic of ["terminalChanges", "incidentChanged", "boardChanged", "hotEventMode"]) { live.on(topic, soon); }
  live.onReconnected(() => { watched.clear(); if (shown) { load(); } });

  document.addEventListener("mc:signed-in", () => {
    reset();
    document.querySelectorAll(".tab[data-role=cockpit]").forEach(tab => { tab.hidden = !canSeeCockpit(); });
  });
  document.addEventListener("mc:signed-out", () => {
    reset();
    setWall(false);
    document.querySelectorAll(".tab[data-role=cockpit]").forEach(tab => { tab.hidden = true; });
  });
  document.addEventListener("mc:view", event => {
    if (event.detail === "cockpit") { shown = true; watched.clear(); load(); } else { shown = false; }
  });
  document.addEventListener("mc:language", () => { if (shown) { render(); } });
})();
