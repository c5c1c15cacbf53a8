// Accounts: search and a status filter (the arrears worklist), status,
// balances by source and what is owed; recharge with a source, activate,
// disable for content review / enable, each after a confirmation. Every action is the
// CLI's call and lands in the operator log.
import { get, post } from "../api.js";
import { h, card, table } from "../../dom.js";
import { t, fmt } from "../i18n.js";
import { num, yuan } from "../../i18n.js";
import { confirmAction } from "../../dialog.js";
import { message, errorText, hashParams } from "./common.js";

const kStatuses = ["active", "arrears", "disabled", "inactive"];
const fen = (s) => BigInt(String(s).replace(".", ""));
const toYuan = (f) => {
  const neg = f < 0n,
    a = neg ? -f : f;
  return `${neg ? "-" : ""}${a / 100n}.${String(a % 100n).padStart(2, "0")}`;
};

// `filter` is {q, status}; a search for a status word (欠费, arrears…) filters by that status.
// A link from another page (#/accounts?q=ID) opens the page searched for that account.
export async function render(
  app,
  filter = { q: hashParams().get("q") ?? "", status: "" },
  note = "",
  code = "",
  detail = "",
) {
  let { q: query, status: wanted } = filter;
  const word = kStatuses.find((s) => [t(s), s].includes(query.trim()));
  if (word) {
    wanted = word;
    query = "";
  }
  const data = await get(`accounts?${new URLSearchParams({ q: query, status: wanted })}`);
  const accounts = wanted ? data.Accounts.filter((a) => a.Status === wanted) : data.Accounts;
  const again = (text, c = "", d = "") => render(app, { q: query, status: wanted }, text, c, d);
  const q = h("input", {
    id: "account-q",
    value: query,
    placeholder: t("searchHint"),
    "aria-label": t("accountAria"),
  });
  const statusSel = h(
    "select",
    { id: "account-status", "aria-label": t("statusFilter") },
    h("option", { value: "" }, t("allStatuses")),
    kStatuses.map((s) => h("option", { value: s, selected: s === wanted }, t(s))),
  );
  const search = h(
    "form",
    { class: "inline", id: "account-search-form", role: "search" },
    q,
    statusSel,
    h("button", { class: "primary", type: "submit", id: "account-search" }, t("search")),
  );
  search.addEventListener("submit", (ev) => {
    ev.preventDefault();
    render(app, { q: q.value, status: statusSel.value });
  });
  statusSel.addEventListener("change", () => render(app, { q: q.value, status: statusSel.value }));

  const amount = h("input", {
    id: "recharge-amount",
    placeholder: t("amount"),
    "aria-label": t("amount"),
    inputmode: "decimal",
    size: 10,
  });
  const source = h(
    "select",
    { id: "recharge-source", "aria-label": t("source") },
    ...["cash", "income", "gift"].map((s) => h("option", { value: s }, t(s))),
  );
  const target = h("input", {
    id: "recharge-account",
    placeholder: t("account"),
    "aria-label": t("account"),
    size: 22,
    list: "account-options",
    autocomplete: "off",
  });
  const options = h(
    "datalist",
    { id: "account-options" },
    data.Accounts.map((a) => h("option", { value: a.AccountId }, a.Name)),
  );
  const recharge = h(
    "form",
    { class: "inline", id: "recharge-form" },
    target,
    options,
    amount,
    source,
    h("button", { class: "primary", type: "submit", id: "recharge-submit" }, t("recharge")),
  );
  recharge.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const a = data.Accounts.find((x) => x.AccountId === target.value || x.Name === target.value);
    const rows = [
      [t("account"), a ? `${a.AccountId} (${a.Name})` : target.value],
      [t("amount"), yuan(amount.value)],
      [t("source"), t(source.value)],
    ];
    if (a) {
      rows.push([t("balanceNow"), yuan(a.Balance.Total)]);
      try {
        rows.push([
          t("balanceAfter"),
          yuan(toYuan(fen(a.Balance.Total) + fen(Number(amount.value).toFixed(2)))),
        ]);
      } catch {
        /* not a number: the server says so */
      }
    }
    if (
      !(await confirmAction({
        t,
        title: t("confirmRecharge"),
        rows,
        consequence: t("rechargeConsequence"),
        ok: t("recharge"),
      }))
    )
      return;
    try {
      const r = await post("accounts/recharge", {
        Account: target.value,
        Amount: amount.value,
        Source: source.value,
        IdempotencyKey: crypto.randomUUID(),
      });
      await again(`${t("rechargeDone")} ${r.Balance.Total} (${target.value})`);
    } catch (e) {
      await again(errorText(e), e.code, e.message);
    }
  });
  const act = async (path, body, done, ask) => {
    if (!(await confirmAction({ t, ...ask, rows: [[t("account"), body.Account]] }))) return;
    try {
      await post(path, body);
      await again(`${done}: ${body.Account}`);
    } catch (e) {
      await again(errorText(e), e.code, e.message);
    }
  };
  const actions = (a) =>
    h(
      "span",
      {},
      h(
        "button",
        {
          class: "link",
          type: "button",
          "data-recharge": a.AccountId,
          onclick: () => {
            target.value = a.AccountId;
            amount.focus();
          },
        },
        t("recharge"),
      ),
      a.Status === "inactive"
        ? h(
            "button",
            {
              class: "link",
              type: "button",
              "data-activate": a.AccountId,
              onclick: () =>
                act("accounts/activate", { Account: a.AccountId }, t("activatedDone"), {
                  title: t("confirmActivate"),
                  consequence: fmt("activateConsequence", { account: a.AccountId }),
                }),
            },
            t("activate"),
          )
        : null,
      a.Status === "disabled"
        ? h(
            "button",
            {
              class: "link",
              type: "button",
              "data-enable": a.AccountId,
              onclick: () =>
                act("accounts/enable", { Account: a.AccountId }, t("enabledDone"), {
                  title: t("confirmEnable"),
                  consequence: fmt("enableConsequence", { account: a.AccountId }),
                }),
            },
            t("enable"),
          )
        : h(
            "button",
            {
              class: "link",
              type: "button",
              "data-disable": a.AccountId,
              onclick: () =>
                act(
                  "accounts/disable",
                  { Account: a.AccountId, Reason: "content-review" },
                  t("disabledDone"),
                  {
                    title: t("confirmDisable"),
                    consequence: fmt("disableConsequence", { account: a.AccountId }),
                  },
                ),
            },
            t("disableReview"),
          ),
    );
  const status = (a) =>
    h(
      "span",
      { class: `st-${a.Status}`, "data-status": a.Status, "data-account": a.AccountId },
      t(a.Status) +
        (a.DisabledReason
          ? ` (${a.DisabledReason === "content-review" ? t("disableReview") : a.DisabledReason})`
          : ""),
    );
  const owed = (a) =>
    a.Balance.Total.startsWith("-")
      ? h("span", { class: "st-arrears", "data-owed": a.AccountId }, num(a.Balance.Total.slice(1)))
      : "";
  // The worklist's last bill (the server adds it when a status is asked for).
  const lastBill = (a) =>
    a.LastBill
      ? h(
          "span",
          { "data-last-bill": a.AccountId },
          `${a.LastBill.Month} · ${num(a.LastBill.Total)} · ${t(`bill_${a.LastBill.Status}`)}`,
        )
      : "—";
  app.replaceChildren(
    message("accounts-message", note, code, detail),
    card(
      t("accounts"),
      search,
      recharge,
      accounts.length === 0
        ? h("p", { class: "muted" }, t("none"))
        : table(
            [
              "AccountId",
              t("name"),
              t("status"),
              t("owed"),
              ...(wanted ? [t("lastBill")] : []),
              t("cash"),
              t("income"),
              t("gift"),
              t("total"),
              t("voucherLeft"),
              "",
            ],
            accounts.map((a) => [
              a.AccountId,
              a.Name,
              status(a),
              owed(a),
              ...(wanted ? [lastBill(a)] : []),
              num(a.Balance.Cash),
              num(a.Balance.Income),
              num(a.Balance.Gift),
              h("span", { "data-total": a.AccountId }, a.Balance.Total),
              num(a.Vouchers),
              actions(a),
            ]),
            wanted ? [3, 5, 6, 7, 8, 9] : [3, 4, 5, 6, 7, 8],
          ),
    ),
  );
}
