// Settlement runs: history (bills per month) and "run now" — the same
// engine call as `kanjian bill run`, idempotent: a second run bills nobody.
// A month of the history opens its run (#/settlement?month=YYYY-MM): the
// bills it created, each opening its lines (&bill=AccountId), and the
// accounts it took below zero, each linking to the account.
import { get, post } from "../api.js";
import { h, card, table, when } from "../../dom.js";
import { num } from "../../i18n.js";
import { confirmAction } from "../../dialog.js";
import { t, fmt } from "../i18n.js";
import { message, errorText, hashParams } from "./common.js";

const runHref = (month, bill = "") =>
  `#/settlement?${new URLSearchParams(bill ? { month, bill } : { month })}`;
const accountHref = (id) => `#/accounts?${new URLSearchParams({ q: id })}`;

// The run of `month`, and the lines of one of its bills when `bill` names an account.
async function runCards(month, bill) {
  const [run, lines] = await Promise.all([
    get(`bill-runs/month?${new URLSearchParams({ Month: month })}`),
    bill ? get(`bill?${new URLSearchParams({ Account: bill, Month: month })}`) : null,
  ]);
  const bills =
    run.Bills.length === 0
      ? h("p", { class: "muted" }, t("none"))
      : table(
          [t("account"), t("name"), t("billTotal"), t("createdAt")],
          run.Bills.map((b) => [
            h(
              "a",
              { href: runHref(month, b.AccountId), "data-bill-link": b.AccountId },
              b.AccountId,
            ),
            b.Name,
            num(b.Total),
            when(b.CreatedAt),
          ]),
          [2],
          { id: "run-bills" },
        );
  const owing =
    run.WentNegative.length === 0
      ? h("p", { class: "muted", id: "run-debtors" }, t("none"))
      : table(
          [t("account"), t("name"), t("runBalanceBefore"), t("runBalanceAfter"), t("statusNow")],
          run.WentNegative.map((d) => [
            h("a", { href: accountHref(d.AccountId), "data-debtor": d.AccountId }, d.AccountId),
            d.Name,
            num(d.Before),
            num(d.After),
            h(
              "span",
              { class: `st-${d.StatusNow}`, "data-status-now": d.StatusNow },
              t(d.StatusNow),
            ),
          ]),
          [2, 3],
          { id: "run-debtors" },
        );
  const cards = [
    card(
      fmt("runOf", { month }),
      h(
        "p",
        { id: "run-summary", "data-bill-count": run.BillCount },
        fmt("runSummary", { bills: num(run.BillCount), total: num(run.Total) }),
      ),
      bills,
      h("h3", {}, t("wentNegative")),
      owing,
    ),
  ];
  if (lines) {
    cards.push(
      card(
        fmt("billOf", { account: lines.AccountId, month }),
        h(
          "p",
          { id: "bill-total", "data-bill-of": lines.AccountId },
          `${t("billTotal")}: ${num(lines.Total)} · ${t(`bill_${lines.Status}`)}`,
        ),
        lines.Lines.length === 0
          ? h("p", { class: "muted" }, t("none"))
          : table(
              [t("action"), t("quantity"), t("tier"), t("unitPrice"), t("amount")],
              lines.Lines.map((l) => [
                l.Action,
                num(l.Quantity),
                String(l.Tier),
                l.UnitPrice,
                num(l.Amount),
              ]),
              [1, 2, 3, 4],
              { id: "bill-lines" },
            ),
        h(
          "p",
          {},
          h(
            "a",
            { href: accountHref(lines.AccountId), "data-bill-account": lines.AccountId },
            t("openAccount"),
          ),
        ),
      ),
    );
  }
  return cards;
}

export async function render(app, note = "", code = "", created = null, detail = "") {
  const params = hashParams();
  const shown = params.get("month");
  const [data, run] = await Promise.all([
    get("bill-runs"),
    shown ? runCards(shown, params.get("bill")) : [],
  ]);
  const month = h("input", { type: "month", id: "run-month", value: data.LastMonth });
  const form = h(
    "form",
    { class: "inline", id: "run-form" },
    h("label", { for: "run-month" }, t("month")),
    month,
    h("button", { class: "primary", type: "submit", id: "run-now" }, t("runNow")),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (
      !(await confirmAction({
        t,
        title: t("confirmRun"),
        ok: t("runNow"),
        rows: [[t("month"), month.value]],
        consequence: fmt("runConsequence", { month: month.value }),
      }))
    )
      return;
    try {
      const r = await post("bill-runs/run", { Month: month.value });
      await render(app, `${r.Month}: ${t("created")} ${r.BillsCreated}`, "", r.BillsCreated);
    } catch (e) {
      await render(app, errorText(e), e.code, null, e.message);
    }
  });
  const note_el = message("run-message", note, code, detail);
  if (created !== null) note_el.dataset.created = String(created);
  app.replaceChildren(
    note_el,
    card(t("settlement"), form),
    card(
      t("history"),
      data.Months.length === 0
        ? h("p", { class: "muted" }, t("none"))
        : table(
            [t("month"), t("bills"), t("billsTotal"), t("firstAt"), t("lastAt")],
            data.Months.map((m) => [
              h("a", { href: runHref(m.Month), "data-run": m.Month }, m.Month),
              h("span", { "data-bills": m.Month }, num(m.Bills)),
              num(m.Total),
              when(m.FirstAt),
              when(m.LastAt),
            ]),
            [1, 2],
          ),
    ),
    ...run,
  );
}
