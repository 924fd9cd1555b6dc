// The growth record (成长档案) of a person as a list, oldest first: posts held, trainings with their assessment, certificates
// and appraisals. Shared by the 人员 page (each person's row) and 我的档案 (js/mine.js); the API orders the entries.
import { t, tf, h as el } from "./lib.js";

const number = v => v === null || v === undefined ? "—" : String(Math.round(v * 100) / 100);

function what(e) {
  switch (e.kind) {
    case "Post": return tf("growth.post", { post: t("people.post." + e.post) });
    case "Training": return tf("growth.training", { kind: t("training.kind." + e.trainingKind), title: e.title });
    case "Certificate": return tf("growth.certificate", { type: e.title, number: e.number, issuer: e.issuer });
    case "CertificateRemoved": return tf("growth.certificateRemoved", { number: e.number });
    case "Appraisal": return tf("growth.appraisal", { period: e.period });
    default: return e.kind;
  }
}

function detail(e) {
  switch (e.kind) {
    case "Post": return e.until ? tf("growth.until", { day: e.until }) : t("growth.current");
    case "Training": return tf("growth.score", { score: e.score, passMark: e.passMark }) + " · " + t(e.passed ? "growth.passed" : "growth.failed");
    case "Certificate": return e.validTo ? tf("growth.validTo", { day: e.validTo }) : t("growth.noEnd");
    case "Appraisal": return tf("appraisal.totalIs", { total: number(e.total), grade: e.grade ?? "—" }) + " · " + t("appraisal.state." + e.state);
    default: return "";
  }
}

/** The entries as a list (a table that the narrow layout stacks). */
export function growthList(entries) {
  if (!entries || entries.length === 0) { return el("p", { class: "muted", text: t("growth.empty") }); }
  return el("table", { class: "silos growth" },
    el("thead", null, el("tr", null, [t("growth.day"), t("growth.what"), t("growth.detail")].map(x => el("th", { text: x })))),
    el("tbody", null, entries.map(e => el("tr", { class: "growth-entry", "data-kind": e.kind, "data-passed": e.passed ?? null },
      el("td", { text: e.day, "data-label": t("growth.day") }),
      el("td", { text: what(e), "data-label": t("growth.what") }),
      el("td", { text: detail(e), "data-label": t("growth.detail") })))));
}
