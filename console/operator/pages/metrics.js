// Live metrics from the server's own /metrics registry: requests/s,
// errors/s, mean inference latency and queue depth over each 3-second
// interval (two snapshots' difference), and the result codes so far.
import { get } from "../api.js";
import { h, card, table, clockTime, loadECharts } from "../../dom.js";
import { num } from "../../i18n.js";
import { t } from "../i18n.js";

const kPeriodMs = 3000,
  kPoints = 60;

export async function render(app) {
  const chartEl = h("div", { id: "metrics-chart", role: "img", "aria-label": t("metrics") });
  const codes = h("div", { id: "metrics-codes" });
  app.replaceChildren(
    card(`${t("metrics")} · ${t("refreshEvery")}`, chartEl),
    card(t("code"), codes),
  );
  const echarts = await loadECharts();
  const chart = echarts.init(chartEl, null, { renderer: "canvas" });
  const series = { rps: [], eps: [], infer: [], queue: [] };
  const times = [];
  let previous = null,
    timer = null,
    stopped = false;

  const draw = () =>
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { data: [t("rps"), t("errorsPs"), t("inferMs"), t("queue")] },
      xAxis: { type: "category", data: times },
      yAxis: [
        { type: "value", name: "/s" },
        { type: "value", name: "ms" },
      ],
      series: [
        { name: t("rps"), type: "line", data: series.rps },
        { name: t("errorsPs"), type: "line", data: series.eps },
        { name: t("inferMs"), type: "line", yAxisIndex: 1, data: series.infer },
        { name: t("queue"), type: "line", data: series.queue },
      ],
    });
  const sample = async () => {
    const m = await get("metrics");
    const now = performance.now();
    if (previous) {
      const dt = (now - previous.at) / 1000;
      const errors = (x) => x.Requests - (x.ByCode.OK ?? 0);
      const dCount = m.InferenceCount - previous.m.InferenceCount;
      const push = (k, v) => {
        series[k].push(Number(v.toFixed(2)));
        if (series[k].length > kPoints) series[k].shift();
      };
      push("rps", (m.Requests - previous.m.Requests) / dt);
      push("eps", (errors(m) - errors(previous.m)) / dt);
      push("infer", dCount > 0 ? (m.InferenceMsSum - previous.m.InferenceMsSum) / dCount : 0);
      push("queue", m.QueueDepth);
      times.push(clockTime(Date.now())); // the billing zone, like every other time shown
      if (times.length > kPoints) times.shift();
      draw();
      chartEl.dataset.samples = String(times.length);
      chartEl.dataset.requests = String(m.Requests);
      chartEl.dataset.maxRps = String(Math.max(...series.rps));
    }
    previous = { m, at: now };
    codes.replaceChildren(
      table(
        [t("code"), t("count")],
        Object.entries(m.ByCode).map(([c, n]) => [
          h("span", { class: c === "OK" ? "notice" : "error" }, c),
          num(n),
        ]),
        [1],
      ),
    );
  };
  const loop = async () => {
    try {
      await sample();
    } catch {
      /* the next tick tries again */
    }
    if (!stopped) timer = setTimeout(loop, kPeriodMs);
  };
  draw();
  await loop();
  return () => {
    stopped = true;
    clearTimeout(timer);
    chart.dispose();
  };
}
