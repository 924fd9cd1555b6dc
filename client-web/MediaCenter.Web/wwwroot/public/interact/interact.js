// The public page of an interactive story: shows the poll and its results, sends one vote per device, and for a Q&A
// takes questions (held for moderation) and lists the approved ones. Requests send no cookies; the device token the
// server signed is kept in this browser's storage and sent with each answer, so this device counts once.
(function () {
  const $ = id => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const id = params.get("id") || "";
  const lang = params.get("lang") === "en" ? "en" : "zh-CN";
  const texts = {
    "zh-CN": {
      vote: "投票", results: "当前结果", closed: "互动已结束", ask: "我要提问", yourQuestion: "您的问题", send: "提交问题",
      asked: "已提交，审核通过后显示。", answered: "已公开的提问", noQuestions: "暂无公开的提问", total: "共 {n} 票",
      voted: "您已投票：{option}", choose: "请选择一个选项", tooMany: "请求过于频繁，请稍后再试。", missing: "互动不存在或未发布。",
      error: "错误 {status}", title: "互动",
    },
    en: {
      vote: "Vote", results: "Results so far", closed: "This interaction is closed", ask: "Ask a question", yourQuestion: "Your question",
      send: "Send question", asked: "Sent; it shows once a moderator approves it.", answered: "Approved questions", noQuestions: "No approved questions yet",
      total: "{n} votes", voted: "You voted: {option}", choose: "Choose an option", tooMany: "Too many requests; try again shortly.",
      missing: "No such interaction, or it is not published.", error: "Error {status}", title: "Interaction",
    },
  };
  const t = (key, args) => (texts[lang][key] || key).replace(/\{(\w+)\}/g, (_, k) => String((args || {})[k]));
  const votedKey = "mc.ia.voted." + id;
  let results = null;

  document.documentElement.lang = lang;
  document.querySelectorAll("[data-i18n]").forEach(el => { el.textContent = t(el.dataset.i18n); });
  document.querySelectorAll(".langs a").forEach(a => a.addEventListener("click", event => {
    event.preventDefault();
    const next = new URLSearchParams(location.search);
    next.set("lang", a.dataset.lang);
    location.search = next.toString();
  }));

  function show(el, text) { el.textContent = text || ""; el.hidden = !text; }

  // Server messages come in the page's language: the language rides on the address, as no cookie is sent.
  async function call(method, path, body, headers) {
    const all = Object.assign({ "Accept": "application/json" }, headers || {});
    if (body !== undefined) { all["Content-Type"] = "application/json"; }
    const response = await fetch(path + (path.includes("?") ? "&" : "?") + "lang=" + encodeURIComponent(lang),
      { method, headers: all, body: body === undefined ? undefined : JSON.stringify(body), credentials: "omit", cache: "no-cache" });
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const error = new Error(response.status === 429 ? t("tooMany") : (data && (data.detail || data.title)) || t("error", { status: response.status }));
      error.status = response.status;
      error.problem = data;
      throw error;
    }
    return data;
  }

  async function device() {
    let token = localStorage.getItem("mc.ia.device");
    if (!token) {
      token = (await call("POST", "/api/public/interactions/device", {})).token;
      localStorage.setItem("mc.ia.device", token);
    }
    return token;
  }

  function randomKey() {
    return crypto.randomUUID ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, "0")).join("");
  }

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === null || v === undefined || v === false) { continue; }
      if (k === "text") { node.textContent = v; } else { node.setAttribute(k, v === true ? "" : v); }
    }
    node.append(...children.flat().filter(c => c !== null && c !== undefined));
    return node;
  }

  function votedOption() {
    const held = localStorage.getItem(votedKey);
    return held === null ? null : Number(held);
  }

  function render() {
    const r = results;
    document.title = r.title || t("title");
    $("ia-title").textContent = r.title || t("title");
    $("ia-question").textContent = r.question;
    const mine = votedOption();
    if (!$("ia-options").childElementCount) {
      $("ia-options").replaceChildren(...r.options.map((o, i) =>
        el("label", { class: "check" }, el("input", { type: "radio", name: "option", value: String(i) }), el("span", { text: o }))));
    }
    const total = r.counts.reduce((a, b) => a + b, 0);
    $("ia-results").replaceChildren(...r.options.map((o, i) => {
      const share = total ? Math.round(r.counts[i] * 100 / total) : 0;
      const bar = el("div", { class: "bar" }, el("span", {}));
      bar.firstChild.style.width = share + "%";
      return el("li", { class: i === mine ? "mine" : null, "data-option": String(i), "data-count": String(r.counts[i]) },
        el("span", { class: "count", text: `${r.counts[i]} · ${share}%` }), el("span", { text: o }), bar);
    }));
    $("ia-total").textContent = t("total", { n: r.votes });
    $("ia-vote-form").hidden = mine !== null || !r.open;
    show($("ia-voted"), mine !== null ? t("voted", { option: r.options[mine] }) : "");
    $("ia-closed").hidden = r.open;
    $("ia-poll").hidden = false;
    $("ia-qna").hidden = r.type !== "QnA";
    $("ia-ask-form").hidden = !r.open;
  }

  async function loadQuestions() {
    if (!results || results.type !== "QnA") { return; }
    showQuestions(await call("GET", "/api/public/interactions/" + encodeURIComponent(id) + "/questions"));
  }

  async function load() {
    try {
      results = await call("GET", "/api/public/interactions/" + encodeURIComponent(id));
    } catch (err) {
      if (!results) { show($("ia-missing"), err.status === 404 || err.status === 409 ? (err.message || t("missing")) : err.message); }
      return;
    }
    $("ia-missing").hidden = true;
    render();
    await loadQuestions().catch(() => {});
  }

  $("ia-vote-form").addEventListener("submit", async event => {
    event.preventDefault();
    const error = $("ia-vote-error");
    error.hidden = true;
    const chosen = $("ia-vote-form").querySelector("input[name=option]:checked");
    if (!chosen) { show(error, t("choose")); return; }
    $("ia-vote").disabled = true;
    try {
      const token = await device();
      results = await call("POST", "/api/public/interactions/" + encodeURIComponent(id) + "/votes", { option: Number(chosen.value) }, { "X-Device-Token": token });
      localStorage.setItem(votedKey, String(results.votedOption));
      render();
    } catch (err) {
      // Voted before from this device: the server says which option stands.
      if (err.problem && err.problem.code === "AlreadyVoted" && err.problem.votedOption !== null && err.problem.votedOption !== undefined) {
        localStorage.setItem(votedKey, String(err.problem.votedOption));
        await load();
      }
      show(error, err.message);
    } finally {
      $("ia-vote").disabled = false;
    }
  });

  let askKey = randomKey();
  $("ia-ask-form").addEventListener("submit", async event => {
    event.preventDefault();
    const error = $("ia-ask-error");
    error.hidden = true;
    $("ia-asked").hidden = true;
    $("ia-ask").disabled = true;
    try {
      const token = await device();
      await call("POST", "/api/public/interactions/" + encodeURIComponent(id) + "/questions", { text: $("ia-ask-text").value },
        { "X-Device-Token": token, "Idempotency-Key": askKey });
      askKey = randomKey();
      $("ia-ask-text").value = "";
      $("ia-asked").hidden = false;
    } catch (err) {
      show(error, err.message);
    } finally {
      $("ia-ask").disabled = false;
    }
  });

  function showQuestions(questions) {
    $("ia-questions").replaceChildren(...(questions.length ? questions.map(q => el("li", { "data-id": q.id, text: q.text }))
      : [el("li", { class: "muted", text: t("noQuestions") })]));
  }

  // Live results pushed by the server (Server-Sent Events): one cached payload per story per few seconds, whatever the votes.
  // EventSource reconnects by itself; on each (re)connection the server sends the current results first.
  function listen() {
    if (!window.EventSource) { return; }
    const stream = new EventSource("/api/public/interactions/" + encodeURIComponent(id) + "/events?lang=" + encodeURIComponent(lang));
    stream.addEventListener("open", () => { document.body.dataset.live = "true"; });
    stream.addEventListener("error", () => { document.body.dataset.live = "false"; });
    stream.addEventListener("results", event => {
      const pushed = JSON.parse(event.data);
      // A vote answered on this page may be newer than a payload still on its way.
      if (results && pushed.results.version < results.version) { return; }
      results = pushed.results;
      $("ia-missing").hidden = true;
      render();
      if (results.type === "QnA") { showQuestions(pushed.questions || []); }
    });
  }

  load().then(listen);
})();
