// Calls per day, stacked free / pack / post-paid (ECharts, vendored at setup).
import { get } from "../api.js";
import { h, card, table, monthPicker, thisMonth, loadECharts } from "../dom.js";
import { t, num } from "../i18n.js";

export async function render(app, _ctx, month = thisMonth()) {
  const data = await get(`usage?month=${month}`);
  const days = Array.from(
    { length: data.Days },
    (_, i) => `${data.Month}-${String(i + 1).padStart(2, "0")}`,
  );
  const sum = {
    free: new Array(days.length).fill(0),
    pack: new Array(days.length).fill(0),
    postpaid: new Array(days.length).fill(0),
  };
  for (const r of data.Rows) {
    const i = days.indexOf(r.Day);
    if (i < 0) continue;
    sum.free[i] += r.Free;
    sum.pack[i] += r.Pack;
    sum.postpaid[i] += r.Postpaid;
  }
  const chart = h("div", { id: "chart", role: "img", "aria-label": `${t("usage")} ${data.Month}` });
  const csv = h(
    "a",
    {
      href: `/console/api/usage.csv?month=${data.Month}`,
      id: "usage-csv",
      download: `usage-${data.Month}.csv`,
    },
    t("downloadCsv"),
  );
  app.replaceChildren(
    card(
      null,
      monthPicker(month, (m) => render(app, _ctx, m), t("month")),
      chart,
      h("p", {}, csv),
    ),
    card(
      null,
      table(
        [t("day"), t("action"), t("free"), t("pack"), t("postpaid")],
        data.Rows.map((r) => [r.Day, r.Action, num(r.Free), num(r.Pack), num(r.Postpaid)]),
        [2, 3, 4],
      ),
    ),
  );
  const echarts = await loadECharts();
  const started = performance.now();
  const c = echarts.init(chart, null, { renderer: "canvas" });
  const series = (key, name) => ({ name, type: "bar", stack: "calls", data: sum[key] });
  c.setOption({
    animation: false,
    tooltip: { trigger: "axis", renderMode: "richText" }, // canvas tooltip: no inline HTML styles under the CSP
    legend: { data: [t("free"), t("pack"), t("postpaid")] },
    xAxis: { type: "category", data: days.map((d) => d.slice(8)) },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      series("free", t("free")),
      series("pack", t("pack")),
      series("postpaid", t("postpaid")),
    ],
  });
  chart.dataset.renderMs = (performance.now() - started).toFixed(1);
  chart.dataset.total = String(sum.free.concat(sum.pack, sum.postpaid).reduce((a, b) => a + b, 0));
}
