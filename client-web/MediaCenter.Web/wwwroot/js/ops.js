// Operations (运营): the hot-event banner on every page (F9.3.2), and the operations tab with hot events, promotion
// campaigns (F9.1) and emergency plans with their drills (F9.3, F10.2.1). Addresses: /ops/hot, /ops/campaigns,
// /ops/plans and /ops/plans/{id}. Nothing polls: the grains push hotEventChanged, planChanged, drillChanged and
// campaignChanged, and the page re-reads what it shows when a change is newer than what it holds (and everything
// after a reconnect).
import {
  mc, t, formatTime, $, h, tf, send, me, isPhone, field, onSubmit, localInput as localMinutes, day, iso, navigate,
  problemText as problemParts, showError as showProblem, messageLine, lineageBlock,
} from "./lib.js";

(function () {
  // ---------------------------------------------------------------- small helpers

  function problemText(err) { return problemParts(err, p => t("ops.currentState") + p.currentState); }
  function showError(el, err) { showProblem(el, err, problemText); }
  const message = messageLine("ops-message", problemText);
  // Windows and drills are given to the second.
  const localInput = date => localMinutes(date, true);

  function has(role) { const u = me(); return !!u && u.platformRoles.includes(role); }
  function isOperator() { return has("admin") || has("operator"); }
  function isManagement() { return has("management"); }
  function isPartyUser(partyId) { const u = me(); return !!u && !!u.partyId && !!u.partyRole && (!partyId || u.partyId === partyId); }
  function canSeeOps() { return isOperator() || isManagement() || isPartyUser(); }
  // Standard §9.3.3: the operator writes plans for any party; a party's own users write theirs; management approves.
  function canWritePlans(partyId) { return isOperator() || isPartyUser(partyId); }
  function seesTraffic(event) { return isOperator() || isManagement() || isPartyUser(event.partyId); }

  function chip(prefix, value, id) { return h("span", { class: "chip ops-state " + prefix + "-" + value, id, text: t(prefix + "." + value) }); }

  const parties = new Map();
  function partyName(id) { return parties.get(id) || id; }

  // ---------------------------------------------------------------- the hot-event banner (every page)

  const banner = { version: -1, events: [], offset: 0, traffic: new Map(), timer: null, expiry: null };

  function applyMode(mode, fromPush) {
    if (!mode || !me()) { return; }
    if (typeof mode.version === "number" && mode.version < banner.version) { return; }
    banner.version = typeof mode.version === "number" ? mode.version : banner.version;
    if (mode.serverTime) { banner.offset = Date.parse(mode.serverTime) - Date.now(); }
    // A push lists only active events; the snapshot also the acknowledged ones the caller may see.
    banner.events = (mode.events || []).filter(e => fromPush || e.status === undefined || e.status === "Active");
    for (const e of banner.events) {
      if (e.lastSecond !== undefined && !banner.traffic.has(e.id)) { banner.traffic.set(e.id, { lastSecond: e.lastSecond, lastMinute: e.lastMinute, currentSecond: 0 }); }
    }
    renderBanner();
    if (fromPush && !$("ops").hidden) { refreshHot().catch(() => {}); }
  }

  function liveEvents() {
    const now = Date.now() + banner.offset;
    return banner.events.filter(e => Date.parse(e.endsAt) > now);
  }

  function renderBanner() {
    const el = $("hot-banner");
    const list = me() ? liveEvents() : [];
    el.hidden = list.length === 0;
    el.dataset.hot = String(list.length > 0);
    el.dataset.version = String(banner.version);
    el.dataset.events = list.map(e => e.id).join(" ");
    document.body.classList.toggle("hot-mode", list.length > 0);
    clearTimeout(banner.expiry);
    const bar = document.querySelector(".topbar");
    el.style.top = isPhone() || !bar ? "" : bar.offsetHeight + "px";
    if (list.length === 0) { el.replaceChildren(); stopTraffic(); return; }
    el.replaceChildren(
      h("strong", { class: "hot-banner-label", text: t("hot.bannerLabel") }),
      h("ul", { class: "hot-banner-list" }, list.map(e => {
        const traffic = banner.traffic.get(e.id);
        return h("li", { class: "hot-banner-item", dataset: { id: e.id, party: e.partyId } },
          h("span", { class: "hot-banner-title", text: e.title }),
          h("span", { class: "hot-banner-end" }, t("hot.until"), " ", h("time", { datetime: e.endsAt, text: formatTime(e.endsAt) })),
          e.trafficMultiple ? h("span", { class: "hot-banner-multiple", text: tf("hot.expected", { n: e.trafficMultiple }) }) : null,
          seesTraffic(e) ? h("span", { class: "hot-banner-traffic", dataset: { lastSecond: traffic ? traffic.lastSecond : 0, lastMinute: traffic ? traffic.lastMinute : 0 },
            text: traffic ? tf("hot.traffic", { s: traffic.lastSecond, m: traffic.lastMinute }) : t("hot.trafficLoading") }) : null);
      })));
    // Hide an event the moment its window closes, even before the push that ends the mode arrives.
    const next = Math.min(...list.map(e => Date.parse(e.endsAt) - banner.offset - Date.now()));
    banner.expiry = setTimeout(renderBanner, Math.max(250, next + 50));
    startTraffic();
  }

  function startTraffic() {
    if (banner.timer) { return; }
    banner.timer = setInterval(pollTraffic, 2000);
    pollTraffic();
  }
  function stopTraffic() { clearInterval(banner.timer); banner.timer = null; }

  async function pollTraffic() {
    if (document.visibilityState === "hidden" || $("hot-banner").hidden) { return; }
    for (const e of liveEvents().filter(seesTraffic)) {
      try {
        const traffic = await mc.api("/api/v1/hot-events/" + encodeURIComponent(e.id) + "/traffic");
        banner.traffic.set(e.id, traffic);
        const span = document.querySelector(`#hot-banner .hot-banner-item[data-id="${e.id}"] .hot-banner-traffic`);
        if (span) {
          span.dataset.lastSecond = String(traffic.lastSecond);
          span.dataset.lastMinute = String(traffic.lastMinute);
          span.textContent = tf("hot.traffic", { s: traffic.lastSecond, m: traffic.lastMinute });
        }
      } catch { /* the next poll tries again */ }
    }
  }

  async function loadMode() {
    if (!me()) { return; }
    applyMode(await mc.api("/api/v1/hot-mode"), false);
  }

  // ---------------------------------------------------------------- the operations tab

  let started = false;
  let view = "hot";
  const hot = new Map();
  let hotLoaded = false;
  let campaigns = [];
  let campaignsLoaded = false;
  let plans = [];
  let plansLoaded = false;
  let detail = null;      // { kind: "plan"|"hot", id, data, editing }
  let detailToken = 0;
  let channels = null;

  function showView(next) {
    view = next;
    document.querySelectorAll("#ops .ops-view").forEach(b => { b.classList.toggle("active", b.dataset.opsView === next); b.setAttribute("aria-selected", String(b.dataset.opsView === next)); });
    for (const name of ["hot", "campaigns", "plans"]) { $("ops-" + name).hidden = name !== next; }
    message(null);
    refreshCurrent().catch(err => message(err));
  }

  function refreshCurrent() {
    if (view === "hot") { return refreshHot(); }
    if (view === "campaigns") { return refreshCampaigns(); }
    return refreshPlans();
  }

  // ---- hot events

  async function refreshHot() {
    const rows = await mc.api("/api/v1/hot-events");
    if (!started) { return; }
    hot.clear();
    for (const row of rows) { hot.set(row.id, row); }
    hotLoaded = true;
    renderHot();
    if (detail && detail.kind === "hot" && hot.has(detail.id) && hot.get(detail.id).version !== detail.data.card.version) { openHot(detail.id); }
  }

  function onHotChanged(change) {
    if (!started || !change || !change.id) { return; }
    const known = hot.get(change.id);
    if (known && change.version > known.version) { hot.set(change.id, { ...known, status: change.status, version: change.version }); renderHot(); }
    refreshHot().catch(() => {});
  }

  function hotMoves(e) {
    const moves = [];
    const before = Date.parse(e.startsAt) > Date.now();
    if (isOperator() && e.status === "Registered") { moves.push("Acknowledge"); }
    if (isOperator() && e.status === "Active") { moves.push("Stop"); }
    if (isPartyUser(e.partyId) && (e.status === "Registered" || e.status === "Acknowledged") && before) { moves.push("Cancel"); }
    return moves;
  }

  function renderHot() {
    const root = $("ops-hot-list");
    root.dataset.loaded = String(hotLoaded);
    $("ops-hot-register").hidden = !isPartyUser();
    const rows = [...hot.values()].sort((a, b) => Date.parse(b.startsAt) - Date.parse(a.startsAt));
    root.replaceChildren(...(rows.length === 0 ? [h("p", { class: "muted ops-empty", text: hotLoaded ? t("hot.none") : t("ops.loading") })] : rows.map(e =>
      h("article", { class: "ops-card hot-card", dataset: { id: e.id, status: e.status, version: e.version, party: e.partyId, title: e.title } },
        h("div", { class: "ops-card-top" }, chip("hot.state", e.status), h("span", { class: "chip", text: "×" + e.trafficMultiple })),
        h("h3", { class: "ops-card-title", text: e.title }),
        h("div", { class: "ops-line muted", text: partyName(e.partyId) + (e.channels && e.channels.length ? " · " + e.channels.join(", ") : "") }),
        h("div", { class: "ops-line" }, h("span", { class: "nr-label", text: t("hot.window") }), " ", formatTime(e.startsAt), " – ", formatTime(e.endsAt)),
        h("div", { class: "ops-line muted" }, tf("hot.qaCount", { n: e.qaCount }), e.acknowledgedBy ? " · " + t("hot.ackBy") + " " + e.acknowledgedBy.name : ""),
        e.lastComment ? h("div", { class: "ops-line nr-comment", text: "“" + e.lastComment + "”" }) : null,
        h("div", { class: "nr-actions" },
          h("button", { type: "button", class: "nr-act", dataset: { action: "View" }, text: t("hot.viewScript"), onclick: () => openHot(e.id) }),
          hotMoves(e).map(m => h("button", { type: "button", class: "nr-act" + (m === "Acknowledge" ? " main" : " danger"), dataset: { action: m },
            text: t("hot.cmd." + m), onclick: ev => hotCommand(e, m, ev.currentTarget) })))))));
  }

  async function hotCommand(e, command, button) {
    if (command === "Acknowledge") {
      button.disabled = true;
      try { await send("POST", `/api/v1/hot-events/${encodeURIComponent(e.id)}/acknowledge`, {}); await refreshHot(); }
      catch (err) { message(err); button.disabled = false; }
      return;
    }
    reasonDialog(t("hot.cmd." + command) + " · " + e.title, async (reason, key) => {
      await send("POST", `/api/v1/hot-events/${encodeURIComponent(e.id)}/${command.toLowerCase()}`, { reason }, key);
      await refreshHot();
    });
  }

  async function openHot(id) {
    const mine = ++detailToken;
    openPanel(t("hot.detail"));
    try {
      const data = await mc.api("/api/v1/hot-events/" + encodeURIComponent(id));
      if (mine !== detailToken) { return; }
      detail = { kind: "hot", id, data };
      const card = data.card;
      panelBody(card.title, [
        h("div", { class: "ops-line" }, chip("hot.state", card.status, "ops-detail-state")),
        h("dl", { class: "inc-facts" },
          h("dt", { text: t("hot.window") }), h("dd", { text: formatTime(card.startsAt) + " – " + formatTime(card.endsAt) }),
          h("dt", { text: t("hot.multiple") }), h("dd", { text: "×" + card.trafficMultiple }),
          h("dt", { text: t("hot.registeredBy") }), h("dd", { text: card.registeredBy.name })),
        h("section", { class: "nr-section" }, h("h3", { text: t("hot.policy") }), h("p", { class: "inc-text", text: data.policy })),
        h("section", { class: "nr-section" }, h("h3", { text: t("hot.script") }),
          h("ol", { class: "ops-qa", id: "ops-qa" }, data.qa.map(p => h("li", {}, h("strong", { text: t("hot.q") + " " + p.question }), h("div", { text: t("hot.a") + " " + p.answer }))))),
        h("section", { class: "nr-section" }, h("h3", { text: t("ops.timeline") }),
          h("ol", { class: "nr-timeline" }, data.history.slice().reverse().map(x => h("li", {},
            h("time", { class: "muted", text: formatTime(x.at) }), " ", h("strong", { text: x.actor.name }), " ",
            t("hot.cmd." + x.command) + " → " + t("hot.state." + x.to), x.comment ? h("div", { class: "nr-comment", text: "“" + x.comment + "”" }) : null)))),
        lineageBlock("hot-event", card.id),
      ]);
      $("ops-detail").dataset.id = id;
      $("ops-detail").dataset.status = card.status;
    } catch (err) { if (mine === detailToken) { panelBody(t("hot.detail"), [h("p", { class: "error", text: problemText(err) })]); } }
  }

  async function loadChannels() {
    if (channels) { return channels; }
    try { channels = await mc.api("/api/channels"); } catch { channels = []; }
    return channels;
  }

  async function openHotRegister() {
    const user = me();
    const own = (await loadChannels()).filter(c => c.partyId === user.partyId);
    const qaRows = h("div", { class: "ops-rows", id: "hot-qa-rows" });
    const addQa = () => qaRows.append(h("div", { class: "ops-row hot-qa-row" },
      field(t("hot.question"), h("input", { "data-field": "question", maxlength: "500", required: true })),
      field(t("hot.answer"), h("textarea", { "data-field": "answer", rows: "2", maxlength: "4000", required: true })),
      h("button", { type: "button", class: "link-button ops-remove", text: t("ops.remove"), onclick: ev => { if (qaRows.children.length > 1) { ev.currentTarget.closest(".ops-row").remove(); } } })));
    addQa();
    const start = new Date(Date.now() + 3600_000);
    const form = h("form", { class: "form nr-form", id: "hot-form" },
      field(t("hot.title"), h("input", { name: "title", id: "hot-title", required: true, maxlength: "200" })),
      field(t("hot.policy"), h("textarea", { name: "policy", id: "hot-policy", rows: "3", required: true, maxlength: "4000" })),
      h("div", { class: "ops-pair" },
        field(t("hot.startsAt"), h("input", { name: "startsAt", id: "hot-starts", type: "datetime-local", step: "1", required: true, value: localInput(start) })),
        field(t("hot.endsAt"), h("input", { name: "endsAt", id: "hot-ends", type: "datetime-local", step: "1", required: true, value: localInput(start.getTime() + 3 * 3600_000) }))),
      field(t("hot.multiple"), h("input", { name: "multiple", id: "hot-multiple", type: "number", min: "1", max: "1000", step: "any", required: true, value: "3" })),
      own.length ? h("fieldset", { class: "nr-checks" }, h("legend", { text: t("hot.channels") }),
        own.map(c => h("label", { class: "nr-check" }, h("input", { type: "checkbox", name: "channel", value: c.code }), c.name + " (" + c.code + ")"))) : null,
      h("fieldset", { class: "nr-checks" }, h("legend", { text: t("hot.script") }), qaRows,
        h("button", { type: "button", class: "lang", id: "hot-qa-add", text: t("hot.addQa"), onclick: addQa })));
    formDialog(t("hot.register"), form, "hot-submit", t("hot.register"), async key => {
      const body = {
        title: form.elements.title.value.trim(), policy: form.elements.policy.value.trim(),
        startsAt: iso(form.elements.startsAt.value), endsAt: iso(form.elements.endsAt.value),
        trafficMultiple: Number(form.elements.multiple.value),
        channels: [...form.querySelectorAll("input[name=channel]:checked")].map(i => i.value),
        qa: [...qaRows.querySelectorAll(".ops-row")].map(r => ({ question: r.querySelector("[data-field=question]").value.trim(), answer: r.querySelector("[data-field=answer]").value.trim() })),
      };
      await send("POST", "/api/v1/hot-events", body, key);
      await refreshHot();
    });
  }

  // ---- campaigns

  async function refreshCampaigns() {
    const params = new URLSearchParams();
    if ($("camp-from").value) { params.set("from", $("camp-from").value); }
    if ($("camp-to").value) { params.set("to", $("camp-to").value); }
    const rows = await mc.api("/api/v1/campaigns?" + params.toString());
    if (!started) { return; }
    campaigns = rows;
    campaignsLoaded = true;
    renderCampaigns();
  }

  function onCampaignChanged(change) {
    if (!started || !change || !change.id) { return; }
    const known = campaigns.findIndex(c => c.id === change.id);
    if (known >= 0) {
      if (change.version > (campaigns[known].version || 0)) { campaigns[known] = change; renderCampaigns(); }
      return;
    }
    if (view === "campaigns" && !$("ops").hidden) { refreshCampaigns().catch(() => {}); }
  }

  function renderCampaigns() {
    const root = $("ops-camp-list");
    root.dataset.loaded = String(campaignsLoaded);
    $("camp-register").hidden = !isPartyUser();
    root.replaceChildren(...(campaigns.length === 0 ? [h("p", { class: "muted ops-empty", text: campaignsLoaded ? t("camp.none") : t("ops.loading") })] : campaigns.map(c =>
      h("article", { class: "ops-card camp-card", dataset: { id: c.id, support: c.support, state: c.state, version: c.version, party: c.partyId, title: c.title } },
        h("div", { class: "ops-card-top" }, c.state === "Withdrawn" ? chip("camp.state", c.state) : chip("camp.support", c.support),
          h("span", { class: "chip", text: t("camp.kind." + c.kind) })),
        h("h3", { class: "ops-card-title", text: c.title }),
        h("div", { class: "ops-line muted", text: partyName(c.partyId) + " · " + c.registeredBy }),
        h("div", { class: "ops-line" }, h("span", { class: "nr-label", text: t("camp.dates") }), " ", c.startsOn, " – ", c.endsOn),
        c.description ? h("p", { class: "ops-line inc-text", text: c.description }) : null,
        c.supportNote || c.supportedBy ? h("div", { class: "ops-line nr-comment", text: (c.supportedBy ? c.supportedBy + "：" : "") + (c.supportNote || "") }) : null,
        c.withdrawReason ? h("div", { class: "ops-line nr-comment", text: "“" + c.withdrawReason + "”" }) : null,
        lineageBlock("campaign", c.id),
        c.state !== "Withdrawn" && (isOperator() || isPartyUser(c.partyId)) ? h("div", { class: "nr-actions" },
          isOperator() ? h("button", { type: "button", class: "nr-act main", dataset: { action: "Support" }, text: t("camp.support"), onclick: () => supportDialog(c, true) }) : null,
          isOperator() ? h("button", { type: "button", class: "nr-act danger", dataset: { action: "Decline" }, text: t("camp.decline"), onclick: () => supportDialog(c, false) }) : null,
          isPartyUser(c.partyId) ? h("button", { type: "button", class: "nr-act", dataset: { action: "Edit" }, text: t("camp.edit"), onclick: () => openCampaignForm(c) }) : null,
          isPartyUser(c.partyId) ? h("button", { type: "button", class: "nr-act danger", dataset: { action: "Withdraw" }, text: t("camp.withdraw"),
            onclick: () => reasonDialog(t("camp.withdraw") + " · " + c.title, async (reason, key) => {
              await send("POST", `/api/v1/campaigns/${encodeURIComponent(c.id)}/withdraw`, { reason }, key);
              await refreshCampaigns();
            }) }) : null) : null))));
  }

  function supportDialog(c, supported) {
    const form = h("form", { class: "form nr-form", id: "camp-support-form" },
      h("p", { class: "muted", text: c.title + " · " + c.startsOn + " – " + c.endsOn }),
      field(t("camp.note"), h("textarea", { name: "note", id: "camp-note", rows: "3", maxlength: "2000", value: c.supportNote || "" })));
    formDialog(supported ? t("camp.support") : t("camp.decline"), form, "camp-support-submit", supported ? t("camp.support") : t("camp.decline"), async key => {
      await send("PUT", `/api/v1/campaigns/${encodeURIComponent(c.id)}/support`, { supported, note: form.elements.note.value.trim() || null }, key);
      await refreshCampaigns();
    });
  }

  function openCampaignRegister() { openCampaignForm(null); }

  // Registers a campaign, or edits one of the caller's party (the operator then decides on it again).
  function openCampaignForm(c) {
    const form = h("form", { class: "form nr-form", id: "camp-form" },
      field(t("camp.title"), h("input", { name: "title", id: "camp-title", required: true, maxlength: "200", value: c ? c.title : "" })),
      field(t("camp.kindLabel"), h("select", { name: "kind", id: "camp-kind" }, ["Holiday", "Topical"].map(k => h("option", { value: k, selected: !!c && c.kind === k, text: t("camp.kind." + k) })))),
      h("div", { class: "ops-pair" },
        field(t("camp.startsOn"), h("input", { name: "startsOn", id: "camp-starts", type: "date", required: true, value: c ? c.startsOn : day(7) })),
        field(t("camp.endsOn"), h("input", { name: "endsOn", id: "camp-ends", type: "date", required: true, value: c ? c.endsOn : day(14) }))),
      field(t("camp.description"), h("textarea", { name: "description", id: "camp-description", rows: "3", maxlength: "4000", value: c ? c.description : "" })));
    const title = c ? t("camp.editTitle") : t("camp.register");
    formDialog(title, form, "camp-submit", c ? t("camp.edit") : t("camp.register"), async key => {
      const body = {
        title: form.elements.title.value.trim(), kind: form.elements.kind.value, startsOn: form.elements.startsOn.value,
        endsOn: form.elements.endsOn.value, description: form.elements.description.value.trim(),
      };
      if (c) { await send("PUT", `/api/v1/campaigns/${encodeURIComponent(c.id)}`, body, key); }
      else { await send("POST", "/api/v1/campaigns", body, key); }
      await refreshCampaigns();
    });
  }

  // ---- plans

  const LEVEL = [["", ""], ["1", "1"], ["2", "2"], ["3", "3"], ["4", "4"], ["5", "5"]];
  const SECTIONS = [
    { key: "organisation", fields: [["role"], ["person"], ["duties", "textarea"], ["contact"]] },
    { key: "resources", fields: [["name"], ["kind"], ["quantity"], ["location"], ["custodian"]] },
    { key: "risks", fields: [["name"], ["description", "textarea"], ["likelihood", "level"], ["impact", "level"], ["mitigation", "textarea"]] },
    { key: "prevention", fields: [["measure"], ["owner"], ["frequency"]] },
    { key: "responseSteps", fields: [["action", "textarea"], ["owner"], ["timeLimitMinutes", "number"]] },
    { key: "fallback", fields: [["arrangement", "textarea"], ["trigger"], ["owner"]] },
  ];

  function onPlanChanged(change) {
    if (!started || !change || !change.id) { return; }
    const known = plans.findIndex(p => p.id === change.id);
    if (known >= 0 && change.revision > plans[known].revision) {
      // The drill status is the read side's: kept from the list until the next read.
      plans[known] = { ...plans[known], ...change };
      renderPlans();
    } else if (known < 0 && view === "plans" && !$("ops").hidden) {
      refreshPlans().catch(() => {});
    }
    if (detail && detail.kind === "plan" && !detail.editing && detail.id === change.id && change.revision > detail.data.plan.revision) { openPlan(change.id); }
  }

  function onDrillChanged(change) {
    if (!started || !change || !change.planId) { return; }
    if (detail && detail.kind === "plan" && !detail.editing && detail.id === change.planId) { openPlan(change.planId); }
    // A drill held or due changes its plan's drill status in the list.
    if (view === "plans" && !$("ops").hidden) { refreshPlans().catch(() => {}); }
  }

  async function refreshPlans() {
    const rows = await mc.api("/api/v1/plans");
    if (!started) { return; }
    plans = rows;
    plansLoaded = true;
    renderPlans();
    if (detail && detail.kind === "plan" && !detail.editing) {
      const row = plans.find(p => p.id === detail.id);
      if (row && row.revision !== detail.data.plan.revision) { openPlan(detail.id); }
    }
  }

  function renderPlans() {
    const root = $("ops-plan-list");
    root.dataset.loaded = String(plansLoaded);
    $("plan-create").hidden = !canWritePlans();
    root.replaceChildren(...(plans.length === 0 ? [h("p", { class: "muted ops-empty", text: plansLoaded ? t("plan.none") : t("ops.loading") })] : plans.map(p =>
      h("article", { class: "ops-card plan-card", tabindex: "0", dataset: { id: p.id, state: p.latestState, effective: p.effectiveVersion ?? "", party: p.partyId, title: p.title, revision: p.revision,
        drillOverdue: String(!!p.drillOverdue) },
        onclick: () => navigate("/ops/plans/" + encodeURIComponent(p.id)), onkeydown: ev => { if (ev.key === "Enter") { navigate("/ops/plans/" + encodeURIComponent(p.id)); } } },
      h("div", { class: "ops-card-top" }, chip("plan.state", p.latestState), h("span", { class: "chip", text: "v" + p.latestVersion }),
        p.effectiveVersion ? h("span", { class: "chip plan-effective", text: tf("plan.effectiveV", { v: p.effectiveVersion }) }) : h("span", { class: "chip plan-not-effective", text: t("plan.notEffective") }),
        p.drillOverdue ? h("span", { class: "chip plan-drill-overdue", text: t("plan.drillOverdue") }) : null),
      h("h3", { class: "ops-card-title", text: p.title }),
      h("div", { class: "ops-line muted", text: partyName(p.partyId) + " · " + p.scenario }),
      h("div", { class: "ops-line muted" }, t("plan.updated"), " ", formatTime(p.updatedAt))))));
  }

  async function openPlan(id) {
    const mine = ++detailToken;
    if (!detail || detail.id !== id) { openPanel(t("plan.detail")); }
    try {
      const [data, drills] = await Promise.all([mc.api("/api/v1/plans/" + encodeURIComponent(id)), mc.api("/api/v1/drills?planId=" + encodeURIComponent(id)).catch(() => [])]);
      if (mine !== detailToken) { return; }
      detail = { kind: "plan", id, data, drills, editing: false };
      renderPlanDetail();
    } catch (err) { if (mine === detailToken) { panelBody(t("plan.detail"), [h("p", { class: "error", text: problemText(err) })]); } }
  }

  function planMoves(data) {
    const allowed = data.allowedMoves || [];
    return allowed.filter(m => ((m === "SaveDraft" || m === "Submit") && canWritePlans(data.plan.partyId)) || ((m === "Approve" || m === "Return") && isManagement()));
  }

  function renderPlanDetail() {
    const { data, drills } = detail;
    const p = data.plan;
    const moves = planMoves(data);
    const error = h("p", { class: "error", id: "plan-error", role: "alert", hidden: true });
    const panel = $("ops-detail");
    panel.dataset.id = p.id;
    panel.dataset.state = p.latestState;
    panel.dataset.effective = p.effectiveVersion ?? "";
    const act = (command, cls) => h("button", { type: "button", class: "nr-act " + (cls || ""), dataset: { action: command }, text: t("plan.cmd." + command),
      onclick: ev => planCommand(command, ev.currentTarget, error) });
    panelBody(p.title, [
      h("div", { class: "ops-line" }, chip("plan.state", p.latestState, "ops-detail-state"), " ",
        p.effectiveVersion ? h("span", { class: "chip plan-effective", id: "plan-effective", text: tf("plan.effectiveV", { v: p.effectiveVersion }) })
          : h("span", { class: "chip plan-not-effective", id: "plan-effective", text: t("plan.notEffective") })),
      h("dl", { class: "inc-facts" },
        h("dt", { text: t("plan.scenario") }), h("dd", { text: p.scenario }),
        h("dt", { text: t("ops.party") }), h("dd", { text: partyName(p.partyId) }),
        h("dt", { text: t("plan.latest") }), h("dd", { text: "v" + p.latestVersion + " · " + t("plan.revision") + " " + p.revision }),
        h("dt", { text: t("drill.title") }), h("dd", { id: "plan-drill-status", dataset: { overdue: String(!!(data.drillStatus && data.drillStatus.overdue)) } }, drillStatusText(data.drillStatus))),
      moves.length ? h("div", { class: "nr-actions", id: "plan-actions" },
        moves.includes("SaveDraft") ? act("SaveDraft", "main") : null, moves.includes("Submit") ? act("Submit", "main") : null,
        moves.includes("Approve") ? act("Approve", "main") : null, moves.includes("Return") ? act("Return", "danger") : null) : null,
      error,
      contentView(data.latestContent, "plan-content"),
      h("section", { class: "nr-section" }, h("h3", { text: t("plan.versions") }),
        h("ol", { class: "nr-timeline", id: "plan-versions" }, data.versions.slice().reverse().map(v => h("li", { dataset: { version: v.version, state: v.state } },
          h("strong", { text: "v" + v.version + " " }), chip("plan.state", v.state), " ", v.title,
          h("div", { class: "muted" }, [
            t("plan.drafted") + " " + v.createdBy + " " + formatTime(v.createdAt),
            v.submittedAt ? " · " + t("plan.submitted") + " " + (v.submittedBy || "") + " " + formatTime(v.submittedAt) : "",
            v.approvedAt ? " · " + t("plan.approved") + " " + (v.approvedBy || "") + " " + formatTime(v.approvedAt) : "",
            v.returnedAt ? " · " + t("plan.returned") + " " + (v.returnedBy || "") + " " + formatTime(v.returnedAt) : "",
            v.supersededAt ? " · " + t("plan.superseded") + " " + formatTime(v.supersededAt) : "",
          ].join("")),
          v.returnReason ? h("div", { class: "nr-comment", text: "“" + v.returnReason + "”" }) : null,
          h("button", { type: "button", class: "link-button", text: t("plan.viewVersion"), onclick: () => showVersion(p.id, v.version) }))))),
      drillsSection(p, drills),
      lineageBlock("plan", p.id),
    ]);
  }

  function drillStatusText(s) {
    if (!s || !s.everyDays) { return [t("plan.drillNone")]; }
    return [tf("plan.drillEvery", { n: s.everyDays }),
      " · ", t("plan.drillLast"), " ", s.lastHeldAt ? formatTime(s.lastHeldAt) : t("plan.drillNever"),
      s.nextDueAt ? [" · ", t("plan.drillDue"), " ", formatTime(s.nextDueAt)] : null,
      s.overdue ? [" ", h("span", { class: "chip plan-drill-overdue", text: t("plan.drillOverdue") })] : null];
  }

  async function showVersion(id, version) {
    try {
      const doc = await mc.api(`/api/v1/plans/${encodeURIComponent(id)}/versions/${version}`);
      const dialog = $("ops-dialog");
      if (dialog.open) { dialog.close(); }
      dialog.replaceChildren(h("h2", { id: "ops-dialog-title", text: "v" + version + " · " + doc.info.title }), contentView(doc.content, "plan-version-content"),
        h("div", { class: "nr-buttons" }, h("button", { type: "button", class: "lang", text: t("ops.close"), onclick: () => dialog.close() })));
      dialog.showModal();
    } catch (err) { message(err); }
  }

  function contentView(content, id) {
    content = content || {};
    return h("div", { class: "plan-content", id },
      h("p", { class: "ops-line", dataset: { drillEveryDays: content.drillEveryDays ?? "" } }, h("span", { class: "nr-label", text: t("plan.f.drillEveryDays") }), " ",
        content.drillEveryDays ? String(content.drillEveryDays) : t("plan.empty")),
      SECTIONS.map(s => {
        const rows = content[s.key] || [];
        const fields = s.key === "risks" ? [...s.fields, ["score"], ["level"]] : s.key === "responseSteps" ? [["order"], ...s.fields] : s.fields;
        return h("section", { class: "nr-section", dataset: { section: s.key } }, h("h3", { text: t("plan.section." + s.key) }),
          rows.length === 0 ? h("p", { class: "muted", text: t("plan.empty") }) : h("table", { class: "silos ops-table" },
            h("thead", {}, h("tr", {}, fields.map(([f]) => h("th", { text: t("plan.f." + f) })))),
            h("tbody", {}, rows.map(r => h("tr", {}, fields.map(([f]) => h("td", { dataset: { label: t("plan.f." + f) }, text: r[f] === null || r[f] === undefined ? "" : f === "level" ? t("plan.level." + r[f]) : String(r[f]) })))))));
      }));
  }

  function rowEditor(section, values) {
    const rows = h("div", { class: "ops-rows" });
    const addRow = value => {
      value = value || {};
      rows.append(h("div", { class: "ops-row" },
        section.fields.map(([f, kind]) => {
          const v = value[f] === null || value[f] === undefined ? "" : String(value[f]);
          const control = kind === "textarea" ? h("textarea", { "data-field": f, rows: "2", maxlength: "2000", value: v })
            : kind === "level" ? h("select", { "data-field": f }, LEVEL.map(([val, text]) => h("option", { value: val, selected: val === v, text: text || "—" })))
              : kind === "number" ? h("input", { "data-field": f, type: "number", min: "0", max: "10080", value: v })
                : h("input", { "data-field": f, maxlength: "2000", value: v });
          return field(t("plan.f." + f), control);
        }),
        h("button", { type: "button", class: "link-button ops-remove", text: t("ops.remove"), onclick: ev => ev.currentTarget.closest(".ops-row").remove() })));
    };
    const list = values && values.length ? values : [{}];
    for (const v of list) { addRow(v); }
    return h("fieldset", { class: "nr-checks ops-section", dataset: { section: section.key } },
      h("legend", { text: t("plan.section." + section.key) }), rows,
      h("button", { type: "button", class: "lang ops-add", text: t("ops.addRow"), onclick: () => addRow() }));
  }

  function collectContent(form) {
    const content = {};
    for (const s of SECTIONS) {
      content[s.key] = [...form.querySelectorAll(`.ops-section[data-section=${s.key}] .ops-row`)].map(row => {
        const item = {};
        let any = false;
        for (const [f, kind] of s.fields) {
          const raw = row.querySelector(`[data-field=${f}]`).value.trim();
          if (raw) { any = true; }
          item[f] = kind === "level" || kind === "number" ? (raw === "" ? null : Number(raw)) : raw;
        }
        return any ? item : null;
      }).filter(Boolean);
    }
    const every = form.elements.drillEveryDays.value.trim();
    content.drillEveryDays = every === "" ? null : Number(every);
    return content;
  }

  // The structured plan editor: a new plan, or the draft of an existing one (an approved plan gets a new draft version).
  function openPlanEditor(existing) {
    const content = existing ? existing.latestContent : null;
    const p = existing ? existing.plan : null;
    const error = h("p", { class: "error", id: "plan-form-error", role: "alert", hidden: true });
    const save = h("button", { type: "submit", class: "primary", id: "plan-save", text: t("plan.saveDraft") });
    const cancel = h("button", { type: "button", class: "lang", id: "plan-cancel", text: t("ops.cancel") });
    const form = h("form", { class: "form nr-form", id: "plan-form" },
      field(t("plan.title"), h("input", { name: "title", id: "plan-title", required: true, maxlength: "200", value: p ? p.title : "" })),
      field(t("plan.scenario"), h("input", { name: "scenario", id: "plan-scenario", required: true, maxlength: "200", value: p ? p.scenario : "" })),
      // The operator writes for any party and names it; a party's own users write for their party.
      !p && isOperator() ? field(t("ops.party"), h("select", { name: "partyId", id: "plan-party", required: true },
        [...parties.entries()].map(([pid, name]) => h("option", { value: pid, text: name + " (" + pid + ")" })))) : null,
      field(t("plan.f.drillEveryDays"), h("input", { name: "drillEveryDays", id: "plan-drill-every", type: "number", min: "1", max: "3650",
        value: content && content.drillEveryDays ? String(content.drillEveryDays) : "" })),
      SECTIONS.map(s => rowEditor(s, content ? content[s.key] : null)),
      error, h("div", { class: "nr-buttons" }, save, cancel));
    if (existing) { detail.editing = true; }
    openPanel(p ? t("plan.edit") : t("plan.create"));
    panelBody(p ? t("plan.edit") + " · " + p.title : t("plan.create"), [form]);
    cancel.addEventListener("click", () => { if (existing) { openPlan(p.id); } else { closePanel(); } });
    onSubmit(form, { error, submit: save, describe: problemText }, async once => {
      const body = { title: form.elements.title.value.trim(), scenario: form.elements.scenario.value.trim(), content: collectContent(form) };
      if (!p && form.elements.partyId) { body.partyId = form.elements.partyId.value; }
      const result = existing
        ? await once(key => send("PUT", `/api/v1/plans/${encodeURIComponent(p.id)}/draft`, { revision: p.revision, ...body }, key))
        : await once(key => send("POST", "/api/v1/plans", body, key));
      const id = (result && result.plan && result.plan.id) || (p && p.id) || (result && result.id);
      refreshPlans().catch(() => {});
      if (id) { detail = null; await openPlan(id); }
    });
  }

  async function planCommand(command, button, error) {
    const p = detail.data.plan;
    if (command === "SaveDraft") { openPlanEditor(detail.data); return; }
    if (command === "Return") {
      reasonDialog(t("plan.cmd.Return") + " · " + p.title, async (reason, key) => {
        await send("POST", `/api/v1/plans/${encodeURIComponent(p.id)}/return`, { version: p.latestVersion, reason }, key);
        await refreshPlans(); await openPlan(p.id);
      });
      return;
    }
    button.disabled = true;
    error.hidden = true;
    try {
      const path = `/api/v1/plans/${encodeURIComponent(p.id)}/${command.toLowerCase()}`;
      await send("POST", path, command === "Approve" ? { version: p.latestVersion } : {});
      await refreshPlans();
      await openPlan(p.id);
    } catch (err) { showError(error, err); button.disabled = false; }
  }

  // ---- drills

  function drillsSection(plan, drills) {
    const mine = isPartyUser(plan.partyId);
    return h("section", { class: "nr-section", id: "plan-drills" }, h("h3", { text: t("drill.title") }),
      mine ? h("button", { type: "button", class: "lang", id: "drill-schedule", text: t("drill.schedule"), onclick: () => scheduleDrill(plan) }) : null,
      drills.length === 0 ? h("p", { class: "muted", text: t("drill.none") }) : h("ul", { class: "ops-drills" }, drills.map(d => h("li", { dataset: { id: d.id, state: d.state, overdue: String(!!d.overdue) } },
        h("div", {}, chip("drill.state", d.state), " ", d.overdue ? h("span", { class: "chip drill-overdue", text: t("drill.overdue") }) : null, " ", h("strong", { text: d.scenario })),
        h("div", { class: "muted" }, t("drill.scheduledAt"), " ", formatTime(d.scheduledAt), d.planVersion ? " · v" + d.planVersion : "",
          d.recordedBy ? " · " + t("drill.recordedBy") + " " + d.recordedBy : ""),
        d.state === "Completed" ? h("div", { class: "ops-drill-record" },
          h("div", {}, t("drill.period"), " ", formatTime(d.startedAt), " – ", formatTime(d.endedAt)),
          h("div", {}, t("drill.participants"), "：", d.participants.map(x => x.name + (x.role ? "（" + x.role + "）" : "")).join("、")),
          d.findings.length ? h("ul", { class: "ops-findings" }, d.findings.map(f => h("li", { text: f }))) : null,
          d.followUps.length ? h("div", {}, t("drill.followUps"), "：", d.followUps.map(f => f.action + " · " + (f.owner || "") + (f.dueOn ? " · " + f.dueOn : "")).join("；")) : null,
          d.summary ? h("p", { class: "inc-text", text: d.summary }) : null) : null,
        d.cancelReason ? h("div", { class: "nr-comment", text: "“" + d.cancelReason + "”" }) : null,
        lineageBlock("drill", d.id),
        mine && d.state === "Scheduled" ? h("div", { class: "nr-actions" },
          h("button", { type: "button", class: "nr-act main", dataset: { action: "Record" }, text: t("drill.record"), onclick: () => recordDrill(plan, d) }),
          h("button", { type: "button", class: "nr-act danger", dataset: { action: "Cancel" }, text: t("drill.cancel"),
            onclick: () => reasonDialog(t("drill.cancel"), async (reason, key) => { await send("POST", `/api/v1/drills/${encodeURIComponent(d.id)}/cancel`, { reason }, key); await openPlan(plan.id); }) })) : null))));
  }

  function scheduleDrill(plan) {
    const form = h("form", { class: "form nr-form", id: "drill-form" },
      field(t("drill.scenario"), h("textarea", { name: "scenario", id: "drill-scenario", rows: "2", required: true, maxlength: "4000", value: plan.scenario })),
      field(t("drill.scheduledAt"), h("input", { name: "at", id: "drill-at", type: "datetime-local", step: "1", required: true, value: localInput(Date.now() + 7 * 86400000) })));
    formDialog(t("drill.schedule"), form, "drill-submit", t("drill.schedule"), async key => {
      await send("POST", "/api/v1/drills", { planId: plan.id, scenario: form.elements.scenario.value.trim(), scheduledAt: iso(form.elements.at.value) }, key);
      await openPlan(plan.id);
    });
  }

  function simpleRows(id, fields, first) {
    const rows = h("div", { class: "ops-rows", id });
    const add = () => rows.append(h("div", { class: "ops-row" }, fields.map(([f, label, type]) => field(t(label), h("input", { "data-field": f, type: type || "text", maxlength: "2000" }))),
      h("button", { type: "button", class: "link-button ops-remove", text: t("ops.remove"), onclick: ev => ev.currentTarget.closest(".ops-row").remove() })));
    if (first) { add(); }
    return { rows, add, values: () => [...rows.querySelectorAll(".ops-row")].map(r => Object.fromEntries(fields.map(([f]) => [f, r.querySelector(`[data-field=${f}]`).value.trim()])))
      .filter(o => Object.values(o).some(Boolean)) };
  }

  function recordDrill(plan, d) {
    const participants = simpleRows("drill-participants", [["name", "drill.name"], ["role", "drill.role"], ["organisation", "drill.organisation"]], true);
    const findings = simpleRows("drill-findings", [["text", "drill.finding"]], true);
    const followUps = simpleRows("drill-followups", [["action", "drill.action"], ["owner", "drill.owner"], ["dueOn", "drill.dueOn", "date"]], false);
    const end = new Date(Date.now() - 60_000);
    const form = h("form", { class: "form nr-form", id: "drill-record-form" },
      h("div", { class: "ops-pair" },
        field(t("drill.startedAt"), h("input", { name: "startedAt", id: "drill-started", type: "datetime-local", step: "1", required: true, value: localInput(end.getTime() - 3600_000) })),
        field(t("drill.endedAt"), h("input", { name: "endedAt", id: "drill-ended", type: "datetime-local", step: "1", required: true, value: localInput(end) }))),
      h("fieldset", { class: "nr-checks" }, h("legend", { text: t("drill.participants") }), participants.rows, h("button", { type: "button", class: "lang", text: t("ops.addRow"), onclick: participants.add })),
      h("fieldset", { class: "nr-checks" }, h("legend", { text: t("drill.findings") }), findings.rows, h("button", { type: "button", class: "lang", text: t("ops.addRow"), onclick: findings.add })),
      h("fieldset", { class: "nr-checks" }, h("legend", { text: t("drill.followUps") }), followUps.rows, h("button", { type: "button", class: "lang", text: t("ops.addRow"), onclick: followUps.add })),
      field(t("drill.summary"), h("textarea", { name: "summary", id: "drill-summary", rows: "3", maxlength: "4000" })));
    formDialog(t("drill.record"), form, "drill-record-submit", t("drill.record"), async key => {
      await send("POST", `/api/v1/drills/${encodeURIComponent(d.id)}/record`, {
        startedAt: iso(form.elements.startedAt.value), endedAt: iso(form.elements.endedAt.value),
        participants: participants.values(), findings: findings.values().map(f => f.text),
        followUps: followUps.values().map(f => ({ action: f.action, owner: f.owner, dueOn: f.dueOn || null })),
        summary: form.elements.summary.value.trim(),
      }, key);
      await openPlan(plan.id);
    });
  }

  // ---------------------------------------------------------------- the panel and the dialogs

  function placePanel() {
    const bar = document.querySelector(".topbar");
    $("ops-detail").style.top = isPhone() || !bar ? "" : bar.offsetHeight + "px";
  }

  function openPanel(title) {
    const panel = $("ops-detail");
    panel.replaceChildren(panelHead(title), h("p", { class: "muted nr-detail-loading", text: t("ops.loading") }));
    panel.hidden = false;
    placePanel();
    document.body.classList.add("nr-detail-open");
  }

  function panelHead(title) {
    return h("header", { class: "nr-detail-head" },
      h("button", { type: "button", class: "lang", id: "ops-detail-close", text: isPhone() ? "‹ " + t("ops.back") : t("ops.close"), onclick: leavePanel }),
      h("h2", { id: "ops-detail-title", text: title }));
  }

  function panelBody(title, children) {
    $("ops-detail").replaceChildren(panelHead(title), h("div", { class: "nr-detail-body" }, children));
  }

  // A plan's panel has an address (/ops/plans/{id}): closing it goes back to the list's; other panels just close.
  function leavePanel() {
    if (/^\/ops\/plans\/./.test(location.pathname)) { navigate("/ops/plans"); } else { closePanel(); }
  }

  function closePanel() {
    detailToken++;
    detail = null;
    const panel = $("ops-detail");
    panel.hidden = true;
    panel.replaceChildren();
    for (const key of ["id", "state", "status", "effective"]) { delete panel.dataset[key]; }
    document.body.classList.remove("nr-detail-open");
  }

  function formDialog(title, form, submitId, submitText, run) {
    const dialog = $("ops-dialog");
    if (dialog.open) { dialog.close(); }
    const error = h("p", { class: "error", id: "ops-dialog-error", role: "alert", hidden: true });
    const submit = h("button", { type: "submit", class: "primary", id: submitId, text: submitText });
    const cancel = h("button", { type: "button", class: "lang", id: "ops-dialog-cancel", text: t("ops.cancel"), onclick: () => dialog.close() });
    form.append(error, h("div", { class: "nr-buttons" }, submit, cancel));
    dialog.replaceChildren(h("h2", { id: "ops-dialog-title", text: title }), form);
    dialog.showModal();
    onSubmit(form, { error, submit, describe: problemText }, async once => { await once(run); dialog.close(); });
  }

  function reasonDialog(title, run) {
    const form = h("form", { class: "form nr-form", id: "ops-reason-form" },
      field(t("ops.reason"), h("textarea", { name: "reason", id: "ops-reason", rows: "3", required: true, maxlength: "2000" })));
    formDialog(title, form, "ops-reason-submit", t("ops.confirm"), key => run(form.elements.reason.value.trim(), key));
  }

  // ---------------------------------------------------------------- lifecycle

  async function start() {
    $("ops-hot-register").hidden = !isPartyUser();
    $("camp-register").hidden = !isPartyUser();
    $("plan-create").hidden = !canWritePlans();
    if (!started) {
      started = true;
      try { for (const p of await mc.api("/api/parties")) { parties.set(p.id, p.name); } } catch { /* ids then */ }
    }
    showView(view);
  }

  function reset() {
    started = false;
    hot.clear(); hotLoaded = false; campaigns = []; campaignsLoaded = false; plans = []; plansLoaded = false;
    parties.clear(); channels = null;
    closePanel();
    const dialog = $("ops-dialog");
    if (dialog.open) { dialog.close(); }
    for (const id of ["ops-hot-list", "ops-camp-list", "ops-plan-list"]) { $(id).replaceChildren(); $(id).dataset.loaded = "false"; }
    Object.assign(banner, { version: -1, events: [], traffic: new Map() });
    renderBanner();
  }

  mc.live.on("hotEventMode", mode => applyMode(mode, true));
  mc.live.on("hotEventChanged", onHotChanged);
  mc.live.on("planChanged", onPlanChanged);
  mc.live.on("drillChanged", onDrillChanged);
  mc.live.on("campaignChanged", onCampaignChanged);
  mc.live.onReconnected(() => {
    loadMode().catch(() => {});
    if (started && !$("ops").hidden) { refreshCurrent().catch(() => {}); }
  });

  document.addEventListener("mc:signed-in", () => {
    reset();
    document.querySelectorAll(".tab[data-role=ops]").forEach(tab => { tab.hidden = !canSeeOps(); });
    loadMode().catch(() => {});
  });
  document.addEventListener("mc:signed-out", () => { reset(); document.querySelectorAll(".tab[data-role=ops]").forEach(tab => { tab.hidden = true; }); });
  // The address decides the part shown (/ops/hot, /ops/campaigns, /ops/plans) and the open plan (/ops/plans/{id}).
  let shown = false;
  document.addEventListener("mc:route", event => {
    const { view: page, parts } = event.detail;
    if (page !== "ops") { return; }
    const part = ["hot", "campaigns", "plans"].includes(parts[0]) ? parts[0] : "hot";
    if (!shown || part !== view) { view = part; shown = true; start(); }
    const planId = part === "plans" ? parts[1] : null;
    if (planId) { if (!detail || detail.id !== planId) { openPlan(planId); } }
    else if (detail && detail.kind === "plan" && !detail.editing) { closePanel(); }
  });
  document.addEventListener("mc:view", event => {
    if (event.detail === "ops") { return; }
    shown = false;
    if (detail || !$("ops-detail").hidden) { closePanel(); }
  });
  document.addEventListener("mc:language", () => {
    renderBanner();
    if (!started) { return; }
    renderHot(); renderCampaigns(); renderPlans();
    if (detail && detail.kind === "plan" && !detail.editing) { renderPlanDetail(); }
    else if (detail && detail.kind === "hot") { openHot(detail.id); }
  });
  document.addEventListener("keydown", event => {
    if (event.key === "Escape" && !$("ops-detail").hidden && !$("ops-dialog").open) { leavePanel(); }
  });
  window.addEventListener("resize", () => { if (!$("ops-detail").hidden) { placePanel(); } });

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("#ops .ops-view").forEach(b => b.addEventListener("click", () => navigate("/ops/" + b.dataset.opsView)));
    $("ops-hot-register").addEventListener("click", () => openHotRegister().catch(err => message(err)));
    $("camp-register").addEventListener("click", openCampaignRegister);
    $("plan-create").addEventListener("click", () => { detail = null; openPlanEditor(null); });
    $("camp-from").value = day(-30);
    $("camp-to").value = day(365);
    $("camp-filter").addEventListener("submit", event => { event.preventDefault(); refreshCampaigns().catch(err => message(err)); });
  });
})();
