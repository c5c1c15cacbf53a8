// Settlement runs: history (bills per month) and "run now" — the same
// engine call as `kanjian bill run`, idempotent: a second run bills nobody.
import { get, post } from "../api.js";
import { h, card, table, when } from "../../dom.js";
import { num } from "../../i18n.js";
import { confirmAction } from "../../dialog.js";
import { t, fmt } from "../i18n.js";
import { message, errorText } from "./common.js";

export async function render(app, note = "", code = "", created = null, detail = "") {
  const data = await get("bill-runs");
  const month = h("input", { type: "month", id: "run-month", value: data.LastMonth });
  const form = h("form", { class: "inline", id: "run-form" }, h("label", { for: "run-month" }, t("month")), month,
    h("button", { class: "primary", type: "submit", id: "run-now" }, t("runNow")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!await confirmAction({ t, title: t("confirmRun"), ok: t("runNow"), rows: [[t("month"), month.value]],
      consequence: fmt("runConsequence", { month: month.value }) })) return;
    try {
      const r = await post("bill-runs/run", { Month: month.value });
      await render(app, `${r.Month}: ${t("created")} ${r.BillsCreated}`, "", r.BillsCreated);
    } catch (e) { await render(app, errorText(e), e.code, null, e.message); }
  });
  const note_el = message("run-message", note, code, detail);
  if (created !== null) note_el.dataset.created = String(created);
  app.replaceChildren(note_el, card(t("settlement"), form),
    card(t("history"), data.Months.length === 0 ? h("p", { class: "muted" }, t("none")) :
      table([t("month"), t("bills"), t("billsTotal"), t("firstAt"), t("lastAt")],
        data.Months.map((m) => [m.Month, h("span", { "data-bills": m.Month }, num(m.Bills)), num(m.Total), when(m.FirstAt), when(m.LastAt)]), [1, 2])));
}
