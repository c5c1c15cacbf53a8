// Drill-down (beyond the public cloud): a bill line's action → its days →
// a day's hours → the RequestIds behind an hour, paged. #/drill?month=&action=[&day=[&hour=]]
import { get } from "../api.js";
import { h, card, table, when } from "../dom.js";
import { t, num } from "../i18n.js";

const link = (params, label, id) =>
  h("a", { href: `#/drill?${new URLSearchParams(params)}`, id }, label);

export async function render(app) {
  const q = new URLSearchParams(location.hash.split("?")[1] ?? "");
  const month = q.get("month") ?? "",
    action = q.get("action") ?? "",
    day = q.get("day"),
    hour = q.get("hour");
  const crumbs = h(
    "p",
    { class: "crumbs", id: "crumbs" },
    h("a", { href: "#/bills" }, t("bills")),
    " › ",
    link({ month, action }, `${action} ${month}`, "crumb-month"),
    day ? [" › ", link({ month, action, day }, day, "crumb-day")] : null,
    hour !== null ? [" › ", `${String(hour).padStart(2, "0")}:00`] : null,
  );
  if (day && hour !== null) {
    const rows = h("tbody", {});
    const more = h(
      "button",
      { class: "link", type: "button", id: "calls-more", hidden: true },
      t("more"),
    );
    let cursor = "";
    const load = async () => {
      const p = await get(
        `drill/calls?${new URLSearchParams({ action, day, hour, limit: "50", cursor })}`,
      );
      for (const c of p.Calls)
        rows.append(
          h(
            "tr",
            { "data-request-id": c.RequestId },
            h("td", { class: "mono" }, c.RequestId),
            h("td", {}, when(c.At)),
            h("td", {}, t(c.Source)),
            h("td", { class: "num" }, c.Quantity),
            h("td", {}, c.PackId),
          ),
        );
      cursor = p.Next;
      more.hidden = !cursor;
    };
    more.addEventListener("click", load);
    await load();
    app.replaceChildren(
      crumbs,
      card(
        `${t("requestIds")} · ${day} ${String(hour).padStart(2, "0")}:00`,
        h(
          "div",
          { class: "table-wrap", tabindex: "0" },
          h(
            "table",
            { id: "calls" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ["RequestId", t("time"), t("source"), t("quantity"), t("pack")].map((x) =>
                  h("th", { scope: "col" }, x),
                ),
              ),
            ),
            rows,
          ),
        ),
        more,
      ),
    );
    return;
  }
  if (day) {
    const d = await get(`drill/hours?${new URLSearchParams({ action, day })}`);
    app.replaceChildren(
      crumbs,
      card(
        `${action} · ${day}`,
        table(
          [t("hour"), t("free"), t("pack"), t("postpaid")],
          d.Hours.filter((x) => x.Free + x.Pack + x.Postpaid > 0).map((x) => [
            link(
              { month, action, day, hour: x.Hour },
              `${String(x.Hour).padStart(2, "0")}:00`,
              `hour-${x.Hour}`,
            ),
            num(x.Free),
            num(x.Pack),
            num(x.Postpaid),
          ]),
          [1, 2, 3],
        ),
      ),
    );
    return;
  }
  const m = await get(`drill/days?${new URLSearchParams({ month, action })}`);
  app.replaceChildren(
    crumbs,
    card(
      `${action} · ${m.Month}`,
      table(
        [t("day"), t("free"), t("pack"), t("postpaid")],
        m.Days.map((x) => [
          link({ month, action, day: x.Day }, x.Day, `day-${x.Day}`),
          num(x.Free),
          num(x.Pack),
          num(x.Postpaid),
        ]),
        [1, 2, 3],
      ),
    ),
  );
}
