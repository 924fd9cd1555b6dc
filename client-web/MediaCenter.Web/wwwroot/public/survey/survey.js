// The public survey page: shows a published survey's questions and sends one anonymous answer. Requests send no cookies;
// the Idempotency-Key is random and kept for a retry of the same submission, so a resent form counts once.
(function () {
  const $ = id => document.getElementById(id);
  const id = new URLSearchParams(location.search).get("id") || "";
  const key = crypto.randomUUID ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, "0")).join("");
  let survey = null;

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === null || v === undefined || v === false) { continue; }
      if (k === "text") { node.textContent = v; } else { node.setAttribute(k, v === true ? "" : v); }
    }
    node.append(...children.flat().filter(c => c !== null && c !== undefined));
    return node;
  }

  async function call(method, path, body) {
    const headers = { "Accept": "application/json" };
    if (body !== undefined) { headers["Content-Type"] = "application/json"; headers["Idempotency-Key"] = key; }
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "omit" });
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const error = new Error(response.status === 429 ? "请求过于频繁，请稍后再试。" : (data && (data.detail || data.title)) || ("错误 " + response.status));
      error.status = response.status;
      throw error;
    }
    return data;
  }

  function question(q) {
    const name = "q" + q.number;
    const title = el("legend", { text: `${q.number}. ${q.text}${q.required ? "（必答）" : ""}` });
    let body;
    if (q.kind === "Single" || q.kind === "Multiple") {
      const type = q.kind === "Single" ? "radio" : "checkbox";
      body = q.options.map((o, i) => el("label", { class: "check" }, el("input", { type, name, value: String(i + 1) }), el("span", { text: o })));
    } else if (q.kind === "Rating") {
      body = [1, 2, 3, 4, 5].map(n => el("label", { class: "check" }, el("input", { type: "radio", name, value: String(n) }), el("span", { text: String(n) })));
    } else {
      body = [el("textarea", { name, rows: 3, maxlength: 1000 })];
    }
    return el("fieldset", { "data-question": q.number, "data-kind": q.kind }, title, body);
  }

  function answers() {
    const form = $("survey-form");
    return survey.questions.map(q => {
      const name = "q" + q.number;
      if (q.kind === "Text") { return { number: q.number, text: form.elements[name].value || null }; }
      const chosen = [...form.querySelectorAll(`input[name=${name}]:checked`)].map(x => Number(x.value));
      return q.kind === "Rating" ? { number: q.number, rating: chosen[0] ?? null } : { number: q.number, choices: chosen };
    });
  }

  async function load() {
    try {
      survey = await call("GET", "/api/public/surveys/" + encodeURIComponent(id));
    } catch (err) {
      $("survey-missing").textContent = err.status === 404 ? "问卷不存在或已结束。" : err.message;
      $("survey-missing").hidden = false;
      return;
    }
    document.title = survey.title;
    $("survey-title").textContent = survey.title;
    $("survey-intro").textContent = survey.intro || "";
    $("questions").replaceChildren(...survey.questions.map(question));
    if (survey.consentText) { $("consent-text").textContent = survey.consentText; $("consent-box").hidden = false; }
    $("survey-form").hidden = false;
  }

  $("survey-form").addEventListener("submit", async event => {
    event.preventDefault();
    const error = $("survey-error");
    error.hidden = true;
    $("survey-submit").disabled = true;
    try {
      await call("POST", `/api/public/surveys/${encodeURIComponent(id)}/answers`, { items: answers(), consent: $("survey-form").elements.consent.checked });
      $("survey-form").hidden = true;
      $("survey-done").hidden = false;
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
    } finally {
      $("survey-submit").disabled = false;
    }
  });

  load();
})();
