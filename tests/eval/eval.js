#!/usr/bin/env node
"use strict";
// Evaluation runner: starts the real server (tests/blackbox/harness.js), sends
// every manifest item through the official SDK and prints one JSON line per
// (action, metric): accuracy, and for label metrics per-label precision/recall;
// then per action p50/p95 latency. Manifest format: tests/eval/README.md.
//
//   node tests/eval/eval.js [manifest.json ...]    (default: every tests/eval/*.json)
//   KANJIAN_BIN, KANJIAN_MODELS as for the black-box suite; EVAL_VERBOSE=1 prints each item.
const fs = require("node:fs");
const path = require("node:path");
const { Sandbox } = require("../blackbox/harness");

function getPath(obj, p) {
  if (p === "$error") return obj.$error;
  let cur = obj;
  for (const part of p.split(".")) {
    if (cur === null || cur === undefined) return undefined;
    cur = cur[/^\d+$/.test(part) ? Number(part) : part];
  }
  return cur;
}

// [{X,Y}...] or {X,Y,Width,Height} or {XMin,YMin,XMax,YMax} -> [x0,y0,x1,y1].
function toBox(v) {
  if (!v) return null;
  if (Array.isArray(v)) {
    if (v.length === 0) return null;
    const xs = v.map((p) => p.X), ys = v.map((p) => p.Y);
    return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  }
  if ("Width" in v) return [v.X, v.Y, v.X + v.Width, v.Y + v.Height];
  if ("XMin" in v) return [v.XMin, v.YMin, v.XMax, v.YMax];
  return null;
}

function iou(a, b) {
  const ix = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = ix * iy, area = (r) => (r[2] - r[0]) * (r[3] - r[1]);
  return inter / (area(a) + area(b) - inter);
}

/** Returns {pass, got} for one check against a response (or {$error}). */
function runCheck(check, res) {
  const v = getPath(res, check.path);
  if ("equals" in check) {
    const got = v === undefined || v === null ? (check.path === "$error" ? "OK" : "<none>") : v;
    return { pass: got === check.equals, got, label: true };
  }
  if ("iou_at_least" in check) {
    const box = toBox(v);
    const score = box ? iou(box, check.box) : 0;
    return { pass: score >= check.iou_at_least, got: box ? `iou=${score.toFixed(2)}` : "<none>" };
  }
  if ("at_least" in check) return { pass: typeof v === "number" && v >= check.at_least, got: v };
  if ("contains" in check) return { pass: JSON.stringify(v ?? null).includes(check.contains), got: v };
  throw new Error(`unknown check ${JSON.stringify(check)}`);
}

function pct(sorted, q) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main() {
  const args = process.argv.slice(2);
  const manifests = args.length ? args : fs.readdirSync(__dirname)
    .filter((f) => f.endsWith(".json") && !f.startsWith("package")).map((f) => path.join(__dirname, f));
  const sb = new Sandbox("eval");
  const acc = sb.createAccount("eval");
  // Generous QPS: the evaluation measures recognition, not throttling.
  const qpsArgs = [];
  const actions = new Set();
  const items = [];
  for (const m of manifests) {
    const doc = JSON.parse(fs.readFileSync(m, "utf8"));
    if (!Array.isArray(doc.items)) {  // another format (e.g. read by a C++ test): not ours
      if (args.length) throw new Error(`${m} has no "items" array`);
      process.stderr.write(`eval: skipping ${path.basename(m)} (no "items")\n`);
      continue;
    }
    for (const it of doc.items) {
      items.push({ ...it, manifest: path.basename(m), dir: path.dirname(m) });
      actions.add(it.action);
    }
  }
  for (const a of actions) qpsArgs.push("--qps", `${a}=1000`);
  const srv = await sb.startServer({ extraArgs: qpsArgs });
  const client = srv.client(acc.SecretId, acc.SecretKey);
  const stats = new Map();  // action|metric -> {n, pass, pairs: [[expected, got]]}
  const latency = new Map();
  try {
    for (const it of items) {
      const file = path.isAbsolute(it.image) ? it.image : path.join(it.dir, it.image);
      if (!fs.existsSync(file)) throw new Error(`${it.manifest}:${it.id}: image ${file} is missing`);
      const req = { ...(it.params || {}), ImageBase64: fs.readFileSync(file).toString("base64") };
      const t0 = process.hrtime.bigint();
      let res;
      try {
        res = await client[it.action](req);
      } catch (e) {
        if (e.code === undefined) throw e;
        res = { $error: e.code };
      }
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (!latency.has(it.action)) latency.set(it.action, []);
      latency.get(it.action).push(ms);
      for (const check of it.checks) {
        const key = `${it.action}|${check.metric}`;
        if (!stats.has(key)) stats.set(key, { n: 0, pass: 0, pairs: [], label: false });
        const s = stats.get(key);
        const r = runCheck(check, res);
        s.n++; if (r.pass) s.pass++;
        if (r.label) { s.label = true; s.pairs.push([check.equals, r.got]); }
        if (process.env.EVAL_VERBOSE || (!r.pass && process.env.EVAL_VERBOSE !== "0")) {
          if (!r.pass || process.env.EVAL_VERBOSE) {
            process.stderr.write(`${r.pass ? "ok  " : "MISS"} ${it.id} ${check.metric}: want ${JSON.stringify(check.equals ?? check.box ?? check.at_least ?? check.contains)} got ${JSON.stringify(r.got)}\n`);
          }
        }
      }
    }
  } finally {
    await srv.stopOk().catch(() => {});
    await sb.cleanup();
  }
  for (const [key, s] of stats) {
    const [action, metric] = key.split("|");
    const line = { action, metric, n: s.n, accuracy: +(s.pass / s.n).toFixed(3) };
    if (s.label) {
      // Per expected label: precision (of answers naming it) and recall.
      const labels = [...new Set(s.pairs.map((p) => p[0]))];
      if (labels.length <= 12) {
        line.per_label = {};
        for (const l of labels) {
          const tp = s.pairs.filter((p) => p[0] === l && p[1] === l).length;
          const predicted = s.pairs.filter((p) => p[1] === l).length;
          const actual = s.pairs.filter((p) => p[0] === l).length;
          line.per_label[l] = { precision: predicted ? +(tp / predicted).toFixed(3) : null,
                                recall: +(tp / actual).toFixed(3), n: actual };
        }
      }
    }
    console.log(JSON.stringify(line));
  }
  for (const [action, ms] of latency) {
    const sorted = [...ms].sort((a, b) => a - b);
    console.log(JSON.stringify({ action, metric: "latency_ms", n: sorted.length,
      p50: +pct(sorted, 0.5).toFixed(1), p95: +pct(sorted, 0.95).toFixed(1) }));
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
