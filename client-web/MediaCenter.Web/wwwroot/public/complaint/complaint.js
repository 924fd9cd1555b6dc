// The public complaint page: files a ticket without an account (consent, a proof-of-work challenge instead of a captcha)
// and follows it with the code and the phone or e-mail given. Requests send no cookies, so a signed-in browser is treated
// like anyone else's. Idempotency keys are random and kept for a retry of the same action.
(function () {
  const base = "/api/public/tickets";
  const $ = id => document.getElementById(id);
  const states = { Received: "已接收，等待受理", Accepted: "已受理", Rejected: "不予受理", Assigned: "办理中", Handled: "已办理，等待答复",
    Replied: "已答复，请评价", ReturnVisited: "已评价", Closed: "已办结" };
  const running = { Received: ["acknowledgeBy", "受理"], Accepted: ["replyBy", "答复"], Assigned: ["replyBy", "答复"], Handled: ["replyBy", "答复"] };
  let followed = null;

  const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, "0")).join(""));

  async function call(method, path, body, key) {
    const headers = { "Accept": "application/json" };
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    if (key) { headers["Idempotency-Key"] = key; }
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "omit" });
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const message = response.status === 429 ? "请求过于频繁，请稍后再试。" : (data && (data.detail || data.title)) || ("错误 " + response.status);
      throw new Error(message.split(" / ")[0]);
    }
    return data;
  }

  function show(el, text) { el.textContent = text || ""; el.hidden = !text; }
  const time = value => value ? new Date(value).toLocaleString("zh-CN", { hourCycle: "h23" }) : "—";

  // Finds a nonce whose SHA-256 over "challenge:nonce" starts with the asked number of zero bits.
  async function solve(challenge, bits) {
    if (bits === 0) { return "0"; }
    const encoder = new TextEncoder();
    for (let n = 0; ; n++) {
      const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + n)));
      let ok = true;
      for (let i = 0; i < bits && ok; i++) { ok = (hash[i >> 3] & (0x80 >> (i & 7))) === 0; }
      if (ok) { return String(n); }
    }
  }

  async function loadForm() {
    try {
      const form = await call("GET", base + "/form");
      $("consent-purpose").textContent = form.consent.consentPurpose.split(" / ")[0];
      $("consent-days").textContent = form.consent.retentionDays;
      limits = { files: form.maxAttachments, bytes: form.maxAttachmentBytes };
      $("max-files").textContent = limits.files;
      $("max-mb").textContent = Math.max(1, Math.floor(limits.bytes / 1048576));
      $("files").hidden = limits.files === 0;
    } catch { /* the page's own text stands */ }
  }

  let limits = { files: 3, bytes: 5 * 1048576 };

  // The files as the API takes them (name and base64 bytes). Checked here only to spare a long upload: the server judges the type
  // from the bytes and refuses with the file's name.
  async function attachments(input) {
    const files = Array.from(input.files || []);
    if (files.length > limits.files) { throw new Error(`最多可附 ${limits.files} 个文件。`); }
    const big = files.find(f => f.size > limits.bytes);
    if (big) { throw new Error(`附件 ${big.name} 超过 ${Math.max(1, Math.floor(limits.bytes / 1048576))} MB。`); }
    return Promise.all(files.map(file => new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve({ fileName: file.name, data: String(reader.result).split(",", 2)[1] || "" });
      reader.onerror = () => reject(new Error(`无法读取附件 ${file.name}。`));
      reader.readAsDataURL(file);
    })));
  }

  let fileKey = null;
  $("file-form").addEventListener("submit", async event => {
    event.preventDefault();
    const f = event.target.elements;
    show($("file-error"), "");
    if (!f.phone.value.trim() && !f.email.value.trim()) { show($("file-error"), "请填写手机号或电子邮箱。"); return; }
    $("file-submit").disabled = true;
    try {
      const files = await attachments(f.files);
      fileKey ??= newKey();
      $("file-status").textContent = "正在验证…";
      const { challenge, bits } = await call("GET", base + "/challenge");
      const nonce = await solve(challenge, bits);
      $("file-status").textContent = "正在提交…";
      const ticket = await call("POST", base, {
        kind: f.kind.value, subject: f.subject.value, content: f.content.value, name: f.name.value || null,
        phone: f.phone.value || null, email: f.email.value || null, consent: f.consent.checked, source: "Web", challenge, nonce,
        attachments: files.length ? files : null,
      }, fileKey);
      fileKey = null;
      $("filed-code").textContent = ticket.code;
      $("file-form").hidden = true;
      $("filed").hidden = false;
      $("follow-form").elements.code.value = ticket.code;
      $("follow-form").elements.contact.value = f.phone.value || f.email.value;
    } catch (err) {
      show($("file-error"), err.message);
    } finally {
      $("file-submit").disabled = false;
      $("file-status").textContent = "";
    }
  });

  function render(t) {
    followed.ticket = t;
    $("ticket").hidden = false;
    $("t-state").textContent = states[t.state] + (t.rejectReason ? "：" + t.rejectReason : "") + (t.satisfaction ? `（评价 ${t.satisfaction}/5）` : "");
    $("t-state").dataset.state = t.state;
    $("t-subject").textContent = t.subject;
    const limit = running[t.state];
    $("t-clock").textContent = limit ? `${time(t.clock[limit[0]])} 前${limit[1]}` : t.clock.repliedAt ? `${time(t.clock.repliedAt)} 已答复` : "—";
    $("t-reply").textContent = t.reply || "—";
    $("t-files").textContent = (t.attachments || []).length ? t.attachments.join("、") : "—";
    $("rate-form").hidden = t.state !== "Replied";
    $("reopen-form").hidden = !(t.state === "ReturnVisited" && t.satisfaction <= 2);
  }

  $("follow-form").addEventListener("submit", async event => {
    event.preventDefault();
    const f = event.target.elements;
    show($("follow-error"), "");
    $("ticket").hidden = true;
    try {
      followed = { code: f.code.value.trim(), contact: f.contact.value.trim() };
      render(await call("POST", `${base}/${encodeURIComponent(followed.code)}/view`, { contact: followed.contact }));
    } catch (err) { show($("follow-error"), err.message); }
  });

  function followUp(form, path, body) {
    let key = null;
    form.addEventListener("submit", async event => {
      event.preventDefault();
      show($("ticket-error"), "");
      try {
        key ??= newKey();
        render(await call("POST", `${base}/${encodeURIComponent(followed.code)}/${path}`, { contact: followed.contact, ...body(form.elements) }, key));
        key = null;
      } catch (err) { show($("ticket-error"), err.message); }
    });
  }
  followUp($("rate-form"), "rating", f => ({ satisfaction: Number(f.satisfaction.value), comment: f.comment.value || null }));
  followUp($("reopen-form"), "reopen", f => ({ reason: f.reason.value || null }));

  $("erase").addEventListener("click", async () => {
    if (!followed || !confirm("删除您的姓名、电话、邮箱和附件？删除后将无法再查询此工单。")) { return; }
    try {
      await call("POST", `${base}/${encodeURIComponent(followed.code)}/erasure`, { contact: followed.contact }, newKey());
      $("ticket").hidden = true;
      show($("follow-error"), "您的个人信息已删除。");
    } catch (err) { show($("ticket-error"), err.message); }
  });

  // The center's published complaint channels and dispute-resolution rules (§11.1.1, §11.2.1), from its public profile.
  async function loadRules() {
    try {
      const response = await fetch("/api/public/info", { credentials: "omit" });
      if (!response.ok) { return; }
      const center = (await response.json()).organisations.find(o => o.side === "Operator")?.profile;
      if (!center || !(center.complaintChannels || center.disputeRules || center.supervisionPhone)) { return; }
      $("rules-channels").textContent = center.complaintChannels || "—";
      $("rules-disputes").textContent = center.disputeRules || "—";
      if (center.supervisionPhone) {
        $("rules-supervision-phone").textContent = center.supervisionPhone;
        $("rules-supervision-phone").href = "tel:" + center.supervisionPhone;
        $("rules-supervision").hidden = false;
      }
      $("rules").hidden = false;
    } catch { /* the rules are an addition; the form works without them */ }
  }

  loadForm();
  loadRules();
})();
