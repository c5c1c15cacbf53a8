// h("tag", {attrs}, ...children): DOM built with textContent only, never
// innerHTML, so no server or user string is ever parsed as markup.
import { t } from "./i18n.js";

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// A table that scrolls sideways inside its card on a narrow screen (the
// wrapper is focusable so the keyboard can scroll it too). An empty header
// (a column of buttons) is named for screen readers.
export function table(headers, rows, numeric = [], attrs = {}) {
  return h(
    "div",
    { class: "table-wrap", tabindex: "0" },
    h(
      "table",
      attrs,
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          headers.map((x, i) =>
            h(
              "th",
              { class: numeric.includes(i) ? "num" : null, scope: "col" },
              x === "" ? h("span", { class: "sr-only" }, t("rowActions")) : x,
            ),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((r) =>
          h(
            "tr",
            {},
            r.map((c, i) => h("td", { class: numeric.includes(i) ? "num" : null }, c)),
          ),
        ),
      ),
    ),
  );
}

export function card(title, ...children) {
  return h("section", { class: "card" }, title ? h("h2", {}, title) : null, ...children);
}

// The billing time zone, as the server states it: the session (loadSession
// in sign_in.js) carries its UTC offset, the catalog's utc_offset setting,
// and every time the API returns is already written in it.
let zoneOffsetS = 0;
export function setZoneOffset(seconds) {
  if (Number.isInteger(seconds)) zoneOffsetS = seconds;
}
const inZone = (ms = Date.now()) => new Date(ms + zoneOffsetS * 1000);

export function thisMonth() {
  const d = inZone();
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

// "2026-12-07T09:30:12+08:00" → "2026-12-07 09:30": the server already
// writes times in the billing zone, so only the shape changes.
export function when(iso) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso ?? "");
  return m ? `${m[1]} ${m[2]}` : (iso ?? "—");
}
// A browser timestamp (ms) as HH:mm:ss in the billing zone.
export function clockTime(ms) {
  return inZone(ms).toISOString().slice(11, 19);
}
// The first day of the month after `month` (YYYY-MM), as YYYY-MM-DD.
export function nextMonthStart(month) {
  const [y, m] = month.split("-").map(Number);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
}

export function monthPicker(value, onChange, label) {
  const input = h("input", { type: "month", value, id: "month" });
  return h(
    "div",
    { class: "toolbar" },
    h("label", { for: "month" }, label),
    input,
    h(
      "button",
      {
        class: "primary",
        type: "button",
        id: "load",
        "aria-label": t("refresh"),
        title: t("refresh"),
        onclick: () => onChange(input.value),
      },
      "↻",
    ),
  );
}
// The billing zone as an ISO 8601 offset ("+08:00").
export function zoneSuffix() {
  const a = Math.abs(zoneOffsetS);
  return `${zoneOffsetS < 0 ? "-" : "+"}${String(Math.floor(a / 3600)).padStart(2, "0")}:${String(Math.floor(a / 60) % 60).padStart(2, "0")}`;
}

// ECharts (1 MB, vendored at setup) is fetched only by the pages that draw a
// chart, the first time one of them opens; every other page loads without it.
let echartsLoading = null;
export function loadECharts() {
  echartsLoading ??= new Promise((resolve, reject) => {
    const script = h("script", { src: "/console/vendor/echarts.min.js" });
    script.addEventListener("load", () => resolve(window.echarts));
    script.addEventListener("error", () => {
      echartsLoading = null;
      reject(new Error("ECharts could not be loaded"));
    });
    document.head.append(script);
  });
  return echartsLoading;
}
