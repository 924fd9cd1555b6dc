// The interaction panel of a published interactive story in the newsroom (F7.1): the results, updating live from the
// board's interactionChanged events, and the questions from the public with approve/reject for the channel's editors and
// chief. The newsroom's story detail places it; the panel keeps what it shows across the detail's re-renders.
import { mc, t, tf, h, send, formatTime, problemText } from "./lib.js";

let current = null;   // { id, canModerate, view, root, error }

function bars(results) {
  const total = results.counts.reduce((a, b) => a + b, 0);
  return h("ol", { class: "ia-bars", id: "ia-bars" }, results.options.map((option, i) => {
    const share = total ? Math.round(results.counts[i] * 100 / total) : 0;
    const fill = h("span", {});
    fill.style.width = share + "%";
    return h("li", { dataset: { option: i, count: results.counts[i] } },
      h("span", { class: "ia-count", text: `${results.counts[i]} · ${share}%` }), h("span", { text: option }), h("div", { class: "ia-bar" }, fill));
  }));
}

function questionList() {
  const { view, canModerate } = current;
  const questions = [...view.questions].sort((a, b) => (a.state === "Submitted" ? 0 : 1) - (b.state === "Submitted" ? 0 : 1) || Date.parse(a.submittedAt) - Date.parse(b.submittedAt));
  if (questions.length === 0) { return h("p", { class: "muted", text: t("ia.noQuestions") }); }
  return h("ul", { class: "ia-moderation", id: "ia-moderation" }, questions.map(q => h("li", { dataset: { id: q.id, state: q.state } },
    h("span", { class: "chip", text: t("ia.q." + q.state) }), " ", h("span", { class: "ia-text", text: q.text }), " ",
    h("span", { class: "muted", text: formatTime(q.submittedAt) + (q.decidedBy ? " · " + q.decidedBy : "") }),
    canModerate && q.state === "Submitted" ? h("span", { class: "ia-decide" },
      h("button", { type: "button", class: "link-button", dataset: { decide: "approve" }, text: t("ia.approve"), onclick: () => decide(q.id, "approve") }),
      h("button", { type: "button", class: "link-button danger", dataset: { decide: "reject" }, text: t("ia.reject"), onclick: () => decide(q.id, "reject") })) : null)));
}

function render() {
  if (!current || !current.root) { return; }
  const { view, root } = current;
  const r = view.results;
  root.dataset.version = String(r.version);
  root.dataset.votes = String(r.votes);
  root.dataset.open = String(r.open);
  // Through h(): it leaves out what is null (a poll has no questions, most renders no error).
  root.replaceChildren(h("div", {},
    h("h3", { text: t("ia.results") + " · " + t(r.open ? "ia.open" : "ia.closed") }),
    h("p", { class: "muted" }, tf("ia.votes", { n: r.votes }), " · ",
      h("a", { href: "/public/interact/?id=" + encodeURIComponent(r.articleId), target: "_blank", rel: "noopener", text: t("ia.publicLink") })),
    bars(r),
    r.type === "QnA" ? [h("h3", { text: t("ia.questions") }), h("p", { class: "muted", text: tf("ia.pending", { n: r.pendingQuestions, m: r.approvedQuestions }) }), questionList()] : null,
    current.error ? h("p", { class: "error", role: "alert", text: current.error }) : null));
}

async function load() {
  const id = current.id;
  try {
    const view = await mc.api("/api/v1/articles/" + encodeURIComponent(id) + "/interaction");
    if (!current || current.id !== id) { return; }
    current.view = view;
    current.error = null;
  } catch (err) {
    if (!current || current.id !== id) { return; }
    current.error = problemText(err);
  }
  render();
}

async function decide(questionId, action) {
  const id = current.id;
  try {
    await send("POST", "/api/v1/articles/" + encodeURIComponent(id) + "/interaction/questions/" + encodeURIComponent(questionId) + "/" + action, {});
    current.error = null;
  } catch (err) {
    current.error = problemText(err);
  }
  await load();
}

// A change pushed from the story's interaction grain: the counts at once; questions are read again when they moved.
mc.live.on("interactionChanged", results => {
  if (!current || !results || results.articleId !== current.id) { return; }
  const held = current.view && current.view.results;
  if (held && held.version >= results.version) { return; }
  const questionsMoved = !held || held.pendingQuestions !== results.pendingQuestions || held.approvedQuestions !== results.approvedQuestions;
  current.view = { results, questions: current.view ? current.view.questions : [] };
  render();
  if (questionsMoved && results.type === "QnA") { load(); }
});

// The panel of a story, or null when the story has no public interaction (not interactive, never published).
export function interactionPanel(card, draft, canModerate) {
  if (!draft || draft.kind !== "Interactive" || !["Published", "Withdrawn"].includes(card.stage)) { current = null; return null; }
  if (!current || current.id !== card.id) {
    current = { id: card.id, canModerate, view: null, root: null, error: null };
    current.root = h("section", { class: "nr-section ia-panel", id: "ia-panel", dataset: { id: card.id } });
    load();
  }
  current.canModerate = canModerate;
  if (current.view) { render(); }
  return current.root;
}
