import { get, post } from "../api.js";
import { h, card, table, when } from "../dom.js";
import { t, fmt, num, yuan, errorText } from "../i18n.js";
import { confirmAction } from "../dialog.js";

// A line above the cards: the outcome of the last action (an error names its code in data-code).
function note(m) {
  if (!m) return h("div", { id: "packs-message", role: "status" });
  return h(
    "div",
    {
      id: "packs-message",
      role: "status",
      class: m.error ? "error" : "notice",
      "data-code": m.code ?? null,
      title: m.detail ?? null,
    },
    m.text,
  );
}

// "730.00" for 10000 calls → "0.073": the price of one call, for the confirmation.
function perCall(price, calls) {
  const fen = BigInt(price.replace(".", "")),
    scaled = (fen * 100000n) / BigInt(calls); // 1e-7 yuan
  return (Number(scaled) / 1e7).toString();
}

export async function render(app, ctx, message = null) {
  const [data, overview] = await Promise.all([get("packs"), get("overview")]);
  ctx.overview = overview;
  // Pay with the balance or one of the account's vouchers (vouchers pay packs only).
  const payWith = h(
    "select",
    { id: "pay-with" },
    h("option", { value: "" }, `${t("payBalance")} (${yuan(overview.Balance.Total)})`),
    overview.Vouchers.filter((v) => Number(v.Remaining) > 0).map((v) =>
      h(
        "option",
        { value: v.VoucherId },
        `${t("voucher")} ${v.VoucherId} (${t("remaining")} ${yuan(v.Remaining)})`,
      ),
    ),
  );
  const again = (m) => render(app, ctx, m).then(() => ctx.refreshBanner());
  const failed = (e) => again({ error: true, text: errorText(e), code: e.code, detail: e.message });
  const buy = async (sku) => {
    const source = payWith.selectedOptions[0]?.textContent ?? t("payBalance");
    const ok = await confirmAction({
      title: t("confirmTitleBuy"),
      ok: t("confirmBuyOk"),
      rows: [
        [t("action"), sku.Action],
        [t("calls"), `${num(sku.Calls)} ${t("callsUnit")}`],
        [t("priceLabel"), yuan(sku.Price)],
        [t("unitPriceCall"), `${perCall(sku.Price, sku.Calls)} ${t("perCall")}`],
        [t("validityLabel"), `${sku.ValidityMonths} ${t("months")}`],
        [t("payFrom"), source],
        [
          t("refundTerms"),
          sku.Refundable
            ? fmt("refundTermsYes", { days: data.RefundWindowDays ?? 7 })
            : t("refundTermsNo"),
        ],
      ],
    });
    if (!ok) return;
    try {
      const r = await post("packs/buy", {
        Action: sku.Action,
        Calls: sku.Calls,
        VoucherId: payWith.value,
        IdempotencyKey: crypto.randomUUID(),
      });
      await again({
        text: `${t("bought")}: ${r.PackId} (${yuan(r.Price)}; ${t("voucher")} ${yuan(r.Paid.Voucher)})`,
      });
    } catch (e) {
      await failed(e);
    }
  };
  const refund = async (pack) => {
    const ok = await confirmAction({
      title: t("confirmTitleRefund"),
      rows: [
        ["ID", pack.PackId],
        [t("action"), pack.Action],
        [t("refundAmount"), yuan(pack.Price)],
        [t("refundTo"), t("refundToSource")],
      ],
      consequence: t("refundConsequence"),
    });
    if (!ok) return;
    try {
      await post("packs/refund", { PackId: pack.PackId });
      await again({ text: `${t("refundDone")}: ${pack.PackId}` });
    } catch (e) {
      await failed(e);
    }
  };
  const refundCell = (p) => {
    if (p.Refunded) return t("refunded");
    if (p.Refund.Allowed)
      return h(
        "span",
        {},
        h(
          "button",
          { class: "primary", type: "button", "data-refund": p.PackId, onclick: () => refund(p) },
          t("refund"),
        ),
        " ",
        h("span", { class: "muted" }, `${t("refundUntil")} ${when(p.Refund.WindowEnds)}`),
      );
    return h(
      "span",
      { class: "rule", "data-rule": p.Refund.Rule, "data-pack": p.PackId, title: p.Refund.Message },
      `${errorText({ code: p.Refund.Rule, message: p.Refund.Message })} (${t("windowEnds")} ${when(p.Refund.WindowEnds)})`,
    );
  };
  app.replaceChildren(
    note(message),
    card(
      `${t("sku")} (${data.Catalog})`,
      h("div", { class: "toolbar" }, h("label", { for: "pay-with" }, t("payWith")), payWith),
      table(
        [t("action"), t("calls"), t("price"), t("validity"), ""],
        data.Skus.map((s) => [
          s.Action,
          num(s.Calls),
          num(s.Price),
          s.ValidityMonths,
          h(
            "button",
            {
              class: "primary",
              type: "button",
              "data-buy": `${s.Action}:${s.Calls}`,
              onclick: () => buy(s),
            },
            t("buy"),
          ),
        ]),
        [1, 2, 3],
      ),
    ),
    card(
      t("myPacks"),
      data.Packs.length === 0
        ? h("p", { class: "muted" }, t("none"))
        : table(
            [
              "ID",
              t("action"),
              t("kind"),
              t("calls"),
              t("remaining"),
              t("price"),
              t("createdAt"),
              t("expiresAt"),
              t("refund"),
            ],
            data.Packs.map((p) => [
              p.PackId,
              p.Action,
              p.Kind === "gift" ? t("giftPack") : t("purchased"),
              num(p.Calls),
              num(p.Remaining),
              num(p.Price),
              when(p.CreatedAt),
              when(p.ExpiresAt),
              refundCell(p),
            ]),
            [3, 4, 5],
          ),
    ),
  );
}
