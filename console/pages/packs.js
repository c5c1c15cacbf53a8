import { get, post } from "../api.js";
import { h, card, table } from "../dom.js";
import { t } from "../i18n.js";

export async function render(app, ctx, message = "") {
  const [data, overview] = await Promise.all([get("packs"), get("overview")]);
  // Pay with the balance or one of the account's vouchers (vouchers pay packs only).
  const payWith = h("select", { id: "pay-with" }, h("option", { value: "" }, t("payBalance")),
    overview.Vouchers.filter((v) => Number(v.Remaining) > 0).map((v) =>
      h("option", { value: v.VoucherId }, `${t("voucher")} ${v.VoucherId} (${t("remaining")} ${v.Remaining})`)));
  const note = h("div", { id: "packs-message", class: message.startsWith("!") ? "error" : "notice" }, message.replace(/^!/, ""));
  const again = (msg) => render(app, ctx, msg).then(() => ctx.refreshBanner());
  const buy = async (sku) => {
    try {
      const r = await post("packs/buy", { Action: sku.Action, Calls: sku.Calls, VoucherId: payWith.value, IdempotencyKey: crypto.randomUUID() });
      await again(`${t("bought")}: ${r.PackId} (${r.Price}; ${t("voucher")} ${r.Paid.Voucher})`);
    } catch (e) { await again(`!${e.code}: ${e.message}`); }
  };
  const refund = async (pack) => {
    try {
      await post("packs/refund", { PackId: pack.PackId });
      await again(`${t("refundDone")}: ${pack.PackId}`);
    } catch (e) { await again(`!${e.code}: ${e.message}`); }
  };
  const refundCell = (p) => {
    if (p.Refunded) return t("refunded");
    if (p.Refund.Allowed)
      return h("span", {}, h("button", { class: "primary", type: "button", "data-refund": p.PackId, onclick: () => refund(p) }, t("refund")),
        " ", h("span", { class: "muted" }, `${t("refundUntil")} ${p.Refund.WindowEnds}`));
    return h("span", { class: "rule", "data-rule": p.Refund.Rule, "data-pack": p.PackId },
      `${p.Refund.Rule} — ${p.Refund.Message} (${t("windowEnds")} ${p.Refund.WindowEnds})`);
  };
  app.replaceChildren(note,
    card(`${t("sku")} (${data.Catalog})`, h("div", { class: "toolbar" }, h("label", { for: "pay-with" }, t("payWith")), payWith), table([t("action"), t("calls"), t("price"), t("validity"), ""],
      data.Skus.map((s) => [s.Action, s.Calls, s.Price, s.ValidityMonths,
        h("button", { class: "primary", type: "button", "data-buy": `${s.Action}:${s.Calls}`, onclick: () => buy(s) }, t("buy"))]), [1, 2, 3])),
    card(t("myPacks"), data.Packs.length === 0 ? h("p", { class: "muted" }, t("none")) :
      table(["ID", t("action"), t("kind"), t("calls"), t("remaining"), t("price"), t("createdAt"), t("expiresAt"), t("refund")],
        data.Packs.map((p) => [p.PackId, p.Action, p.Kind === "gift" ? t("giftPack") : t("purchased"), p.Calls, p.Remaining,
          p.Price, p.CreatedAt, p.ExpiresAt, refundCell(p)]), [3, 4, 5])));
}
