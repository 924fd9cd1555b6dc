// The public information page: the center and each access party with its profile, the staff who consented to be listed,
// the latest concluded evaluation, the published surveys and the complaint page, from /api/public/info. Requests send no
// cookies; the answer is cached for a few seconds and revalidated with its ETag by the browser.
(function () {
  const $ = id => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const only = params.get("org");
  const lang = params.get("lang") === "en" ? "en" : "zh-CN";
  const texts = {
    "zh-CN": {
      title: "公开信息", center: "文化传媒中心", supervision: "监督与投诉", complaint: "投诉、咨询、建议（在线提交并查询进度）", surveys: "问卷调查",
      noSurveys: "暂无进行中的问卷", updated: "数据更新于", intro: "机构简介", services: "服务项目", hours: "开放时间", address: "地址",
      phone: "咨询电话", email: "电子邮箱", supervisionPhone: "监督电话", complaintChannels: "投诉受理渠道", disputeRules: "争议处理规则", staff: "工作人员", noStaff: "暂无公开的工作人员信息",
      evaluation: "年度评价", noEvaluation: "暂无已完成的年度评价", noProfile: "暂未发布机构信息", year: "{year} 年度", total: "总分 {total}",
      Manager: "管理人员", Staff: "工作人员", ServicePost: "服务岗位", Excellent: "优秀", Good: "良好", Pass: "合格", Fail: "不合格",
      person: "{name}（{post}）", tooMany: "请求过于频繁，请稍后再试。", error: "错误 {status}",
    },
    en: {
      title: "Public information", center: "Cultural media center", supervision: "Supervision and complaints",
      complaint: "Complaints, enquiries and suggestions (file online and follow up)", surveys: "Surveys", noSurveys: "No open surveys",
      updated: "Data as of", intro: "About", services: "Services", hours: "Opening hours", address: "Address", phone: "Enquiries",
      email: "E-mail", supervisionPhone: "Supervision line", complaintChannels: "Complaint channels", disputeRules: "Dispute-resolution rules", staff: "Staff", noStaff: "No staff listed", evaluation: "Yearly evaluation",
      noEvaluation: "No concluded yearly evaluation yet", noProfile: "No profile published yet", year: "{year}", total: "Total {total}",
      Manager: "Manager", Staff: "Staff", ServicePost: "Service post", Excellent: "Excellent", Good: "Good", Pass: "Pass", Fail: "Fail",
      person: "{name} ({post})", tooMany: "Too many requests; try again shortly.", error: "Error {status}",
    },
  };
  const t = (key, args) => (texts[lang][key] || key).replace(/\{(\w+)\}/g, (_, k) => String((args || {})[k]));

  document.documentElement.lang = lang;
  document.title = t("title") + " — " + t("center");
  document.querySelectorAll("[data-i18n]").forEach(el => { el.textContent = t(el.dataset.i18n); });
  document.querySelectorAll(".langs a").forEach(a => a.addEventListener("click", event => {
    event.preventDefault();
    const next = new URLSearchParams(location.search);
    next.set("lang", a.dataset.lang);
    location.search = next.toString();
  }));

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === null || v === undefined || v === false) { continue; }
      if (k === "text") { node.textContent = v; } else { node.setAttribute(k, v === true ? "" : v); }
    }
    node.append(...children.flat(Infinity).filter(c => c !== null && c !== undefined));
    return node;
  }

  function row(label, value, href) {
    if (!value) { return []; }
    return [el("dt", { text: t(label) }), el("dd", {}, href ? el("a", { href, text: value }) : value)];
  }

  function organisation(o) {
    const p = o.profile;
    const e = o.evaluation;
    const name = o.side === "Operator" ? t("center") : (o.name || o.partyId);
    return el("section", { class: "pi-org", "data-org": o.key },
      el("h2", { text: name }),
      p ? [
        p.introduction ? el("p", { class: "intro", text: p.introduction }) : null,
        p.services.length ? [el("h3", { text: t("services") }), el("ul", { class: "pi-services" }, p.services.map(s => el("li", { text: s })))] : null,
        el("dl", {}, row("hours", p.openingHours), row("address", p.address), row("phone", p.phone, p.phone && "tel:" + p.phone),
          row("email", p.email, p.email && "mailto:" + p.email), row("supervisionPhone", p.supervisionPhone, p.supervisionPhone && "tel:" + p.supervisionPhone)),
        ["complaintChannels", "disputeRules"].map(k => p[k] ? [el("h3", { text: t(k) }), el("p", { class: "intro pi-" + k, text: p[k] })] : null),
      ] : el("p", { class: "muted", text: t("noProfile") }),
      el("h3", { text: t("staff") }),
      o.staff.length
        ? el("ul", { class: "pi-staff" }, o.staff.map(s => el("li", { text: t("person", { name: s.name, post: t(s.post) }) })))
        : el("p", { class: "muted", text: t("noStaff") }),
      [
        el("h3", { text: t("evaluation") }),
        e ? el("div", { class: "pi-evaluation" },
          el("p", {}, el("span", { text: t("year", { year: e.year }) + " · " }), el("span", { class: "pi-grade", text: t(e.result || "") }),
            e.total === null || e.total === undefined ? null : el("span", { text: " · " + t("total", { total: e.total }) })),
          e.summary ? el("p", { class: "intro", text: e.summary }) : null)
          : el("p", { class: "muted", text: t("noEvaluation") }),
      ]);
  }

  async function load() {
    const response = await fetch("/api/public/info", { headers: { "Accept": "application/json" }, credentials: "omit" });
    if (!response.ok) {
      const error = $("pi-error");
      error.textContent = response.status === 429 ? t("tooMany") : t("error", { status: response.status });
      error.hidden = false;
      return;
    }
    show(await response.json());
  }

  function show(info) {
    const orgs = info.organisations.filter(o => !only || o.key === only);
    $("pi-orgs").replaceChildren(...orgs.map(organisation));
    $("pi-surveys").replaceChildren(...(info.surveys.length
      ? info.surveys.map(s => el("li", {}, el("a", { href: s.page + (lang === "en" ? "&lang=en" : ""), text: s.title })))
      : [el("li", { class: "muted", text: t("noSurveys") })]));
    $("pi-updated").textContent = new Date().toLocaleString(lang, { hourCycle: "h23" });
    $("pi-error").hidden = true;
  }

  // The page stays current while open (a kiosk, a shared link left on screen): the server pushes the information whenever it
  // changes (and once on each (re)connection; EventSource reconnects by itself). Without EventSource, or while the stream is
  // refused, it asks again every minute (cheap: cached, 304 when unchanged).
  function listen() {
    if (!window.EventSource) { return false; }
    const stream = new EventSource("/api/public/info/events");
    stream.addEventListener("open", () => { document.body.dataset.live = "true"; });
    stream.addEventListener("error", () => { document.body.dataset.live = "false"; });
    stream.addEventListener("info", event => show(JSON.parse(event.data)));
    return true;
  }

  load();
  listen();
  setInterval(() => { if (!document.hidden && document.body.dataset.live !== "true") { load(); } }, 60_000);
})();
