import { get } from "../api.js";
import { h, card, table, monthPicker, thisMonth, nextMonthStart } from "../dom.js";
import { t, fmt, num } from "../i18n.js";

export async function render(app, _ctx, month = thisMonth()) {
  const data = await get(`free-packs?month=${month}`);
  const rows = data.Packs.map((p) => {
    const share = p.Quota > 0 ? Math.min(1, p.Used / p.Quota) : 0;
    const bar = h(
      "div",
      { class: `bar ${share >= 1 ? "full" : share >= 0.8 ? "high" : ""}`, "data-group": p.Group },
      h("div", { "data-share": share.toFixed(4) }),
    );
    bar.firstChild.style.width = `${(share * 100).toFixed(1)}%`; // CSSOM, allowed by the CSP
    return [
      p.Group,
      p.Actions.join(", "),
      h(
        "span",
        {},
        bar,
        " ",
        h("span", { class: "used", "data-group": p.Group }, `${num(p.Used)} / ${num(p.Quota)}`),
      ),
      h("span", { class: "left", "data-group": p.Group }, num(Math.max(0, p.Quota - p.Used))),
    ];
  });
  app.replaceChildren(
    card(
      t("freePacks"),
      monthPicker(month, (m) => render(app, _ctx, m), t("month")),
      h(
        "p",
        { class: "muted", id: "free-reset" },
        fmt("resetsOn", { date: nextMonthStart(data.Month) }),
      ),
      rows.length
        ? table(
            [t("group"), t("actions"), `${t("used")} / ${t("quota")}`, t("remaining")],
            rows,
            [3],
          )
        : h("p", { class: "muted" }, t("none")),
    ),
  );
}
