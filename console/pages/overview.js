// The billing home: where the account stands, what this month has cost so
// far (calls and pack purchases), by action, what is left free, the
// forecast against the spend guard, and the notices that need acting on.
import { get } from "../api.js";
import { h, card, table, when, nextMonthStart } from "../dom.js";
import { t, fmt, num, yuan } from "../i18n.js";
import { noticeText, noticeLink, noticeWhen } from "./notices.js";
import { spentPercent } from "./spend_guard.js";

// Exact sums of decimal yuan strings, through fen.
const fen = (s) => BigInt(String(s).replace(".", ""));
const toYuan = (f) => {
  const neg = f < 0n,
    a = neg ? -f : f;
  return `${neg ? "-" : ""}${a / 100n}.${String(a % 100n).padStart(2, "0")}`;
};

export async function render(app, ctx) {
  // Every request at once: "bill" and "free-packs" without a month are this
  // month's, as "overview" is. Across the turn of a month they may disagree,
  // and then the two are asked again for the overview's month.
  let [o, bill, packs, free, guard, notices] = await Promise.all([
    get("overview"),
    get("bill"),
    get("packs"),
    get("free-packs"),
    get("spend-guard"),
    get("notices"),
  ]);
  if (bill.Month !== o.Month || free.Month !== o.Month)
    [bill, free] = await Promise.all([
      get(`bill?month=${o.Month}`),
      get(`free-packs?month=${o.Month}`),
    ]);
  ctx.overview = o;
  const bought = packs.Packs.filter(
    (p) => p.Kind === "purchased" && !p.Refunded && p.CreatedAt.startsWith(o.Month),
  );
  const packSpend = bought.reduce((a, p) => a + fen(p.Price), 0n);
  const spend = toYuan(fen(o.CostSoFar) + packSpend);
  const fig = (id, label, value, attrs = {}, sub = null) =>
    h(
      "div",
      { class: "figure", ...attrs },
      h("div", { class: "label" }, label),
      h("div", { class: "value", id, "data-value": attrs["data-value"] ?? null }, value),
      sub ? h("div", { class: "sub" }, sub) : null,
    );
  const cap = guard.Budget;
  const forecastSub =
    cap === null
      ? t("forecastNoCap")
      : fmt("forecastVsCap", { cap: num(cap), pct: spentPercent(o.Forecast, cap) });
  const lines = [...bill.Lines].sort((a, b) =>
    fen(b.Amount) > fen(a.Amount) ? 1 : fen(b.Amount) < fen(a.Amount) ? -1 : 0,
  );
  app.replaceChildren(
    card(t("status"), h("div", { class: "figures" }, fig("status", t("status"), t(o.Status)))),
    card(
      t("balance"),
      h(
        "div",
        { class: "figures" },
        fig("balance-total", t("total"), yuan(o.Balance.Total), { "data-value": o.Balance.Total }),
        fig("balance-cash", t("cash"), yuan(o.Balance.Cash), { "data-value": o.Balance.Cash }),
        fig("balance-income", t("income"), yuan(o.Balance.Income), {
          "data-value": o.Balance.Income,
        }),
        fig("balance-gift", t("gift"), yuan(o.Balance.Gift), { "data-value": o.Balance.Gift }),
      ),
    ),
    card(
      `${t("thisMonth")} ${o.Month}`,
      h(
        "div",
        { class: "figures" },
        fig(
          "month-spend",
          t("spendThisMonth"),
          num(spend),
          { "data-value": spend },
          `${t("spendUsage")} ${num(o.CostSoFar)} + ${t("spendPacks")} ${num(toYuan(packSpend))}`,
        ),
        fig("cost-so-far", t("costSoFar"), num(o.CostSoFar), { "data-value": o.CostSoFar }),
        fig(
          "forecast",
          t("forecast"),
          num(o.Forecast),
          { "data-value": o.Forecast, title: t("forecastTip") },
          h(
            "span",
            { id: "forecast-cap" },
            forecastSub,
            " ",
            h("abbr", { title: t("forecastTip"), id: "forecast-method" }, "ⓘ"),
          ),
        ),
      ),
      h("p", { class: "muted", id: "forecast-tip" }, t("forecastTip")),
    ),
    card(
      t("costByAction"),
      lines.length === 0
        ? h("p", { class: "muted" }, t("none"))
        : table(
            [t("action"), t("quantity"), t("billAmount")],
            lines.map((l) => [
              h(
                "a",
                {
                  href: `#/drill?${new URLSearchParams({ month: o.Month, action: l.Action })}`,
                  "data-cost-action": l.Action,
                },
                l.Action,
              ),
              num(l.Quantity),
              h("span", { "data-amount": l.Action }, num(l.Amount)),
            ]),
            [1, 2],
            { id: "cost-by-action" },
          ),
    ),
    card(
      t("freeRemaining"),
      h(
        "p",
        { class: "muted", id: "free-reset" },
        fmt("resetsOn", { date: nextMonthStart(free.Month) }),
      ),
      table(
        [t("group"), t("remaining"), t("quota")],
        free.Packs.map((p) => [
          p.Group,
          h("span", { "data-free-left": p.Group }, num(Math.max(0, p.Quota - p.Used))),
          num(p.Quota),
        ]),
        [1, 2],
      ),
    ),
    card(
      t("vouchers"),
      o.Vouchers.length === 0
        ? h("p", { class: "muted" }, t("none"))
        : table(
            [t("voucherId"), t("amount"), t("remaining"), t("expiresAt")],
            o.Vouchers.map((v) => [
              v.VoucherId,
              num(v.Amount),
              num(v.Remaining),
              when(v.ExpiresAt),
            ]),
            [1, 2],
          ),
    ),
    card(
      t("latestNotices"),
      notices.Notices.length === 0
        ? h("p", { class: "muted" }, t("noNotices"))
        : h(
            "ul",
            { class: "notices", id: "overview-notices" },
            notices.Notices.slice(0, 3).map((n) =>
              h(
                "li",
                { class: `notice-item ${n.Level}`, "data-kind": n.Kind },
                h("span", { class: "level" }, t(`level_${n.Level}`)),
                " ",
                noticeText(n),
                h("span", { class: "muted" }, ` · ${noticeWhen(n)} · `),
                h("a", { href: noticeLink(n) }, t("goAct")),
              ),
            ),
          ),
    ),
  );
  // The figures are on screen: the browser test times a warm reload to here.
  performance.mark("overview-rendered");
}
