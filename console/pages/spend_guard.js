// Spend guard (beyond the public cloud): an optional monthly post-paid
// budget. The engine refuses post-paid calls past it
// (ResourceUnavailable.SpendGuard); free-pack and resource-pack calls pass.
import { get, post } from "../api.js";
import { h, card } from "../dom.js";
import { t, fmt, yuan, errorText } from "../i18n.js";
import { confirmAction } from "../dialog.js";

// Spent as a share of the budget, in whole percent (exact decimal strings in fen).
export function spentPercent(spent, budget) {
  const b = BigInt(budget.replace(".", "")),
    s = BigInt(spent.replace(".", ""));
  return b > 0n ? Number((s * 100n) / b) : 100;
}

export async function render(app, ctx, message = null) {
  const g = await get("spend-guard");
  const input = h("input", {
    id: "budget-input",
    inputmode: "decimal",
    placeholder: "500.00",
    value: g.Budget ?? "",
  });
  const again = (m) => render(app, ctx, m);
  const save = async (budget) => {
    const ok = await confirmAction({
      title: t("confirmTitleBudget"),
      rows: [
        [t("budget"), budget === null ? t("noBudget") : yuan(budget)],
        [t("spentPostpaid"), yuan(g.Spent)],
      ],
      consequence:
        budget === null ? t("budgetOffConsequence") : fmt("budgetConsequence", { budget }),
    });
    if (!ok) return;
    try {
      await post("spend-guard", { Budget: budget });
      await again({ text: t("saved") });
    } catch (e) {
      await again({ error: true, text: errorText(e), code: e.code, detail: e.message });
    }
  };
  const percent = g.Budget === null ? 0 : spentPercent(g.Spent, g.Budget);
  const bar = h(
    "div",
    { class: `bar${percent >= 100 ? " full" : percent >= 80 ? " high" : ""}` },
    h("div", {}),
  );
  bar.firstChild.style.width = `${Math.min(100, percent)}%`;
  app.replaceChildren(
    message
      ? h(
          "div",
          {
            id: "budget-message",
            role: "status",
            class: message.error ? "error" : "notice",
            "data-code": message.code ?? null,
            title: message.detail ?? null,
          },
          message.text,
        )
      : "",
    card(
      `${t("spendGuard")} · ${g.Month}`,
      h("p", { class: "muted" }, t("spendGuardHelp")),
      h(
        "p",
        {},
        `${t("budget")}: `,
        h("b", { id: "budget", "data-value": g.Budget ?? "" }, g.Budget ?? t("noBudget")),
        " · ",
        `${t("spentPostpaid")}: `,
        h("b", { id: "budget-spent" }, g.Spent),
      ),
      g.Budget === null
        ? ""
        : h(
            "p",
            {},
            bar,
            " ",
            h("span", { id: "budget-alert", "data-step": g.AlertPercent }, `${percent}%`),
            g.AlertPercent > 0
              ? h("span", { class: "muted" }, ` · ${t("alertStep")} ${g.AlertPercent}%`)
              : null,
          ),
      h(
        "div",
        { class: "toolbar" },
        h("label", { for: "budget-input" }, t("budgetYuan")),
        input,
        h(
          "button",
          {
            class: "primary",
            type: "button",
            id: "budget-save",
            onclick: () => save(input.value.trim()),
          },
          t("save"),
        ),
        h(
          "button",
          { class: "link", type: "button", id: "budget-off", onclick: () => save(null) },
          t("budgetOff"),
        ),
      ),
    ),
  );
}
