#!/usr/bin/env node
"use strict";
// Evaluation runner and regression gate: starts the real server
// (tests/blackbox/harness.js), sends every manifest item through the official
// SDK and prints one JSON line per (action, metric): accuracy, and for label
// metrics per-label precision/recall; then per action p50/p95 latency. Then it
// checks every (action, metric) against tests/eval/thresholds.json and exits 1
// naming each metric below its minimum (or whose item count changed).
// Manifest and threshold formats: tests/eval/README.md.
//
//   node tests/eval/eval.js [manifest.json ...]    (default: every tests/eval/*.json)
//   KANJIAN_BIN, KANJIAN_MODELS as for the black-box suite; EVAL_VERBOSE=1 prints each item;
//   EVAL_THRESHOLDS=FILE checks against another thresholds file; EVAL_THRESHOLDS=none measures only;
//   EVAL_MODELS_CONFIG=FILE serves another models config (e.g. models_precision_int8.json).
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { Sandbox } = require("../blackbox/harness");

const THRESHOLDS = process.env.EVAL_THRESHOLDS || path.join(__dirname, "thresholds.json");
const MODELS_CONFIG = process.env.EVAL_MODELS_CONFIG || path.join(__dirname, "models_all_builtins.json");
// thresholds.json and the models configs (models_*.json) are not manifests.
const isManifest = (f) => f.endsWith(".json") && f !== "thresholds.json" && !f.startsWith("models_");

// A dot path; a number indexes an array, `Field=value` picks the first array
// element whose Field is value (e.g. Bodies.0.Attributes.Name=反光衣识别.Label).
function getPath(obj, p) {
  if (p === "$error") return obj.$error;
  let cur = obj;
  for (const part of p.split(".")) {
    if (cur === null || cur === undefined) return undefined;
    const sel = /^([^=]+)=(.*)$/.exec(part);
    if (sel) cur = Array.isArray(cur) ? cur.find((e) => e && String(e[sel[1]]) === sel[2]) : undefined;
    else cur = cur[/^\d+$/.test(part) ? Number(part) : part];
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

// Runs a manifest's "generate" command (argv; "$OUT" stands for a fresh folder
// in the sandbox, the command runs in the manifest's folder); returns that folder.
function generate(m, doc, sb) {
  const out = path.join(sb.dir, `gen-${path.basename(m, ".json")}`);
  fs.mkdirSync(out, { recursive: true });
  const argv = doc.generate.map((a) => a.replaceAll("$OUT", out));
  const t0 = Date.now();
  const r = spawnSync(argv[0], argv.slice(1), { cwd: path.dirname(m), encoding: "utf8",
                                                stdio: ["ignore", "pipe", "pipe"] });
  if (r.error || r.status !== 0) {
    throw new Error(`${path.basename(m)}: generate ${argv.join(" ")} failed ` +
      `(${r.error ? r.error.message : `exit ${r.status}`}):\n${r.stdout}${r.stderr}`);
  }
  process.stderr.write(`eval: ${path.basename(m)}: generated in ${Date.now() - t0} ms: ${r.stdout.trim()}\n`);
  return out;
}

// "folders" entries: every image of DIR/<label>/ becomes an item whose one
// check is {metric, path, equals: <label>}.
function folderItems(m, entry, root) {
  const dir = path.join(root, entry.dir);
  if (!fs.existsSync(dir)) throw new Error(`${path.basename(m)}: folder ${dir} is missing`);
  const items = [];
  for (const label of fs.readdirSync(dir).sort()) {
    if (!fs.statSync(path.join(dir, label)).isDirectory()) continue;
    for (const f of fs.readdirSync(path.join(dir, label)).sort()) {
      if (!/\.(png|jpe?g|bmp)$/i.test(f)) continue;
      items.push({ id: `${entry.id}/${label}/${f}`, action: entry.action, image: path.join(dir, label, f),
                   params: entry.params, checks: [{ metric: entry.metric, path: entry.path, equals: label }] });
    }
  }
  if (!items.length) throw new Error(`${path.basename(m)}: no labelled images under ${dir}`);
  return items;
}

function loadItems(manifests, explicit, sb) {
  const items = [];
  for (const m of manifests) {
    const doc = JSON.parse(fs.readFileSync(m, "utf8"));
    if (!Array.isArray(doc.items) && !Array.isArray(doc.folders)) {
      if (explicit) throw new Error(`${m} has no "items" or "folders" array`);
      process.stderr.write(`eval: skipping ${path.basename(m)} (no "items" or "folders")\n`);
      continue;
    }
    // "set": "dev" (the default; what the methods were tuned on) or another
    // name, e.g. "heldout": its metrics are kept apart as "metric@heldout".
    const set = doc.set || "dev";
    const add = (it) => items.push({ ...it, set, manifest: path.basename(m), dir: path.dirname(m) });
    for (const it of doc.items || []) add(it);
    if (doc.folders) {
      const root = doc.generate ? generate(m, doc, sb) : path.dirname(m);
      for (const entry of doc.folders) folderItems(m, entry, root).forEach(add);
    }
  }
  return items;
}

// Compares the measured stats with the thresholds file. Every measured metric
// needs an entry; its n must match (a changed set must be re-baselined on
// purpose) and its correct count must reach "min". With every manifest run,
// an eval.js entry that was not measured at all is a failure too.
function checkThresholds(stats, complete) {
  const doc = JSON.parse(fs.readFileSync(THRESHOLDS, "utf8"));
  const want = doc.metrics || {};
  const failures = [];
  for (const [key, s] of stats) {
    const name = key.replace("|", " ");
    const t = want[name];
    if (!t) { failures.push(`${name}: ${s.pass}/${s.n}, but no minimum in ${path.basename(THRESHOLDS)}`); continue; }
    if (t.measured_by) { failures.push(`${name}: measured here but ${path.basename(THRESHOLDS)} says measured_by ${t.measured_by}`); continue; }
    if (typeof t.n !== "number" || typeof t.min !== "number") failures.push(`${name}: its entry in ${path.basename(THRESHOLDS)} needs numbers n and min`);
    else if (t.n !== s.n) failures.push(`${name}: ${s.n} checks, ${path.basename(THRESHOLDS)} expects n ${t.n} (the set changed: re-measure and update it)`);
    else if (s.pass < t.min) failures.push(`${name}: ${s.pass}/${s.n} correct, below the minimum ${t.min}/${t.n}`);
  }
  if (complete) {
    for (const [name, t] of Object.entries(want)) {
      if (!t.measured_by && !stats.has(name.replace(" ", "|"))) failures.push(`${name}: has a minimum but was not measured`);
    }
  }
  return { failures, checked: stats.size };
}

async function main() {
  const args = process.argv.slice(2);
  const manifests = args.length ? args : fs.readdirSync(__dirname)
    .filter((f) => isManifest(f) && !f.startsWith("package"))
    .sort().map((f) => path.join(__dirname, f));
  const t_start = Date.now();
  const sb = new Sandbox("eval");
  let items, acc;
  try {
    items = loadItems(manifests, args.length > 0, sb);
    acc = sb.createAccount("eval");
  } catch (e) {
    await sb.cleanup();
    throw e;
  }
  // Generous QPS: the evaluation measures recognition, not throttling.
  const qpsArgs = [];
  const actions = new Set(items.map((it) => it.action));
  for (const a of actions) qpsArgs.push("--qps", `${a}=1000`);
  const stats = new Map();  // action|metric -> {n, pass, pairs: [[expected, got]]}
  const latency = new Map();  // action (and @set) -> ms
  let srv = null;
  try {
    // Every built-in attribute, the opt-in ones too, so that their accuracy stays measured.
    srv = await sb.startServer({
      extraArgs: [...qpsArgs, "--models-config", MODELS_CONFIG] });
    const client = srv.client(acc.SecretId, acc.SecretKey);
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
      const lkey = it.action + (it.set === "dev" ? "" : "@" + it.set);
      if (!latency.has(lkey)) latency.set(lkey, []);
      latency.get(lkey).push(ms);
      for (const check of it.checks) {
        const key = `${it.action}|${check.metric}${it.set === "dev" ? "" : "@" + it.set}`;
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
    if (srv) await srv.stopOk().catch(() => {});
    await sb.cleanup();
  }
  for (const [key, s] of stats) {
    const [action, metric] = key.split("|");
    const line = { set: metric.includes("@") ? metric.split("@")[1] : "dev", action, metric,
                   n: s.n, accuracy: +(s.pass / s.n).toFixed(3) };
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
  if (THRESHOLDS === "none") {  // measuring only (scripts/vision_sweeps.py): no gate
    process.stderr.write(`eval: no thresholds checked (${items.length} items)\n`);
    return;
  }
  const { failures, checked } = checkThresholds(stats, args.length === 0);
  const took = `${items.length} items in ${((Date.now() - t_start) / 1000).toFixed(1)} s`;
  if (failures.length) {
    for (const f of failures) process.stderr.write(`eval: FAIL ${f}\n`);
    process.stderr.write(`eval: ${failures.length} metric(s) failed ${THRESHOLDS} (${took})\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`eval: all ${checked} metrics at or above their minimums in ${THRESHOLDS} (${took})\n`);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
