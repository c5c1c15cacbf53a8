// Settlement runs: history (bills per month) and "run now" — the same
// engine call as `kanjian bill run`, idempotent: a second run bills nobody.
import { get, post } from "../api.js";
import { h, card, table } from "../../dom.js";
import { t } from "../i18n.js";
import { message, errorText } from "./common.js";

export async function render(app, note = "", code = "", created = null) {
  const data = await get("bill-runs");
  const month = h("input", { type: "month", id: "run-month", value: data.LastMonth });
  const form = h("form", { class: "inline", id: "run-form" }, h("label", { for: "run-month" }, t("month")), month,
    h("button", { class: "primary", type: "submit", id: "run-now" }, t("runNow")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const r = await post("bill-runs/run", { Month: month.value });
      await render(app, `${r.Month}: ${t("created")} ${r.BillsCreated}`, "", r.BillsCreated);
    } catch (e) { await render(app, errorText(e), e.code); }
  });
  const note_el = message("run-message", note, code);
  if (created !== null) note_el.dataset.created = String(created);
  app.replaceChildren(note_el, card(t("settlement"), form),
    card(t("history"), data.Months.length === 0 ? h("p", { class: "muted" }, t("none")) :
      table([t("month"), t("bills"), t("billsTotal"), t("firstAt"), t("lastAt")],
        data.Months.map((m) => [m.Month, h("span", { "data-bills": m.Month }, m.Bills), m.Total, m.FirstAt, m.LastAt]), [1, 2])));
}
