// Spend guard (beyond the public cloud): an optional monthly post-paid
// budget. The engine refuses post-paid calls past it
// (ResourceUnavailable.SpendGuard); free-pack and resource-pack calls pass.
import { get, post } from "../api.js";
import { h, card } from "../dom.js";
import { t } from "../i18n.js";

export async function render(app, ctx, message = "") {
  const g = await get("spend-guard");
  const input = h("input", { id: "budget-input", inputmode: "decimal", placeholder: "500.00", value: g.Budget ?? "" });
  const again = (msg) => render(app, ctx, msg);
  const save = async (budget) => {
    try { await post("spend-guard", { Budget: budget }); await again(t("saved")); }
    catch (e) { await again(`!${e.code}: ${e.message}`); }
  };
  const percent = g.Budget === null ? 0 : Math.min(100, Number(g.Budget) > 0 ? (100 * Number(g.Spent)) / Number(g.Budget) : 100);
  const bar = h("div", { class: `bar${g.AlertPercent >= 100 ? " full" : g.AlertPercent >= 80 ? " high" : ""}` }, h("div", {}));
  bar.firstChild.style.width = `${percent}%`;
  app.replaceChildren(
    message ? h("div", { id: "budget-message", class: message.startsWith("!") ? "error" : "notice" }, message.replace(/^!/, "")) : "",
    card(`${t("spendGuard")} · ${g.Month}`,
      h("p", { class: "muted" }, t("spendGuardHelp")),
      h("p", {}, `${t("budget")}: `, h("b", { id: "budget" }, g.Budget ?? t("noBudget")), " · ",
        `${t("spentPostpaid")}: `, h("b", { id: "budget-spent" }, g.Spent)),
      g.Budget === null ? "" : h("p", {}, bar, " ", h("span", { id: "budget-alert" }, `${g.AlertPercent}%`)),
      h("div", { class: "toolbar" },
        h("label", { for: "budget-input" }, t("budgetYuan")), input,
        h("button", { class: "primary", type: "button", id: "budget-save", onclick: () => save(input.value.trim()) }, t("save")),
        h("button", { class: "link", type: "button", id: "budget-off", onclick: () => save(null) }, t("budgetOff")))));
}
