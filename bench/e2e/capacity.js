#!/usr/bin/env node
"use strict";
// Capacity of one node: the real server under a mix of the eight actions at
// increasing offered rates (open loop: arrivals at random, exponentially
// spaced instants, whatever the server's answers do), once per models config.
// A rate is held when every call answers without error and p99 latency is at
// most --p99-ms; the ladder stops at the first rate not held. Prints one JSON
// line per (precision, rate) and a last line {"held": …} with the highest
// held rate of each precision. bench/capacity.sh runs it and draws the plot.
//
//   node bench/e2e/capacity.js [--seconds 20] [--start 1] [--step 1.25]
//        [--p99-ms 1000] [--precisions int8,fp32] [--seed 1] [-- serve flags…]
//
// The mix (weights out of 100, below in MIX) and its photos: each action's
// items of the labelled evaluation (tests/eval/*.json, the same photos and
// parameters the evaluation sends, its negatives left out), cycled in order;
// DetectPet sends darknet's dog photo.
const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..");
const BLACKBOX = path.join(ROOT, "tests", "blackbox");
const EVAL = path.join(ROOT, "tests", "eval");
const { rawCall } = require(path.join(BLACKBOX, "tc3"));
const { Sandbox } = require(path.join(BLACKBOX, "harness"));

// What a mixed deployment might see: detection-heavy, with the OCR actions
// (cars with plates, envelopes) a third of the calls.
const MIX = {
  DetectPet: 20, RecognizeCarPro: 15, RecognizeCar: 10, DetectProduct: 15,
  DetectProductBeta: 5, DetectEnvelope: 15, DetectSecurity: 10, DetectChefDress: 10,
};
// Actions with no item of their own in the evaluation borrow another's photos.
const PHOTOS_OF = { DetectProductBeta: "DetectProduct", DetectPet: null };
const CONFIGS = {
  int8: path.join(EVAL, "models_precision_int8.json"),
  fp32: path.join(EVAL, "models_precision_fp32.json"),
};

function parseArgs(argv) {
  const o = { seconds: 20, start: 1, step: 1.25, p99: 1000, precisions: ["int8", "fp32"], seed: 1,
    serveArgs: [], maxRate: 500 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") { o.serveArgs = argv.slice(i + 1); break; }
    const v = () => argv[++i];
    switch (a) {
      case "--seconds": o.seconds = Number(v()); break;
      case "--start": o.start = Number(v()); break;
      case "--step": o.step = Number(v()); break;
      case "--p99-ms": o.p99 = Number(v()); break;
      case "--precisions": o.precisions = v().split(","); break;
      case "--seed": o.seed = Number(v()); break;
      case "--max-rate": o.maxRate = Number(v()); break;
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  if (!(o.seconds > 0 && o.start > 0 && o.step > 1)) throw new Error("need --seconds > 0, --start > 0, --step > 1");
  for (const p of o.precisions) if (!CONFIGS[p]) throw new Error(`unknown precision ${p}`);
  return o;
}

/** Request bodies per action, from the evaluation's manifests. */
function loadBodies() {
  const byAction = {};
  for (const f of fs.readdirSync(EVAL).filter((n) => /^[a-z_]+\.json$/.test(n)).sort()) {
    const m = JSON.parse(fs.readFileSync(path.join(EVAL, f), "utf8"));
    for (const it of m.items || []) {
      if (!it.action || !it.image) continue;
      // Negatives (a photo with nothing to find) answer an error by design.
      if ((it.checks || []).some((c) => /^FailedOperation\./.test(String(c.equals)))) continue;
      const file = path.isAbsolute(it.image) ? it.image : path.join(EVAL, it.image);
      if (!fs.existsSync(file)) continue;
      (byAction[it.action] ||= []).push({ ...(it.params || {}), ImageBase64: fs.readFileSync(file).toString("base64") });
    }
  }
  byAction.DetectPet = [{ ImageBase64: fs.readFileSync("/usr/share/darknet/data/dog.jpg").toString("base64") }];
  const bodies = {};
  for (const action of Object.keys(MIX)) {
    const list = byAction[PHOTOS_OF[action] || action];
    if (!list || !list.length) throw new Error(`no photo for ${action}: install the test photos (scripts/fetch_testdata.sh)`);
    bodies[action] = list.map((b) => Buffer.from(JSON.stringify(b)));
  }
  return bodies;
}

/** A small seeded generator (mulberry32), so that two runs offer the same sequence. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick(random) {
  let r = random() * 100;
  for (const [action, w] of Object.entries(MIX)) { if ((r -= w) < 0) return action; }
  return "DetectPet";
}

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null;
}

/** Offers `rate` calls/s for `seconds`; resolves when every call has answered. */
async function offer({ port, acc, bodies, rate, seconds, random, agent }) {
  const lat = [], errors = {}, next = {}, byAction = {};
  const calls = [];
  const t0 = performance.now();
  let at = 0;
  while (at < seconds * 1000) {
    at += (-Math.log(1 - random()) / rate) * 1000;
    const wait = t0 + at - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const action = pick(random);
    const list = bodies[action];
    const body = list[(next[action] = ((next[action] ?? -1) + 1) % list.length)];
    const start = performance.now();
    calls.push(rawCall({ port, action, secretId: acc.SecretId, secretKey: acc.SecretKey, body, agent,
      timeoutMs: 30000 }).then((r) => {
      const err = r.status !== 200 ? `HTTP ${r.status}` : r.json?.Response?.Error?.Code;
      if (err) { errors[`${action}:${err}`] = (errors[`${action}:${err}`] || 0) + 1; return; }
      const ms = performance.now() - start;
      lat.push(ms);
      (byAction[action] ||= []).push(ms);
    }, (e) => { errors[e.code || e.message] = (errors[e.code || e.message] || 0) + 1; }));
  }
  await Promise.all(calls);
  const p99 = {};
  for (const [a, l] of Object.entries(byAction)) p99[a] = Math.round(percentile(l.sort((x, y) => x - y), 99));
  return { lat: lat.sort((a, b) => a - b), errors, p99ByAction: p99, offered: calls.length,
    elapsed: (performance.now() - t0) / 1000 };
}

async function ladder(o, precision, bodies) {
  const sb = new Sandbox(`capacity-${precision}`);
  const acc = sb.createAccount("capacity");
  const qps = Object.keys(MIX).flatMap((a) => ["--qps", `${a}=100000`]);
  const srv = await sb.startServer({ extraArgs: [...qps, "--models-config", CONFIGS[precision], ...o.serveArgs] });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  let held = 0;
  try {
    const random = rng(o.seed);
    // Warm-up: each action once, so first-call costs stay out of the figures.
    for (const action of Object.keys(MIX)) {
      const r = await rawCall({ port: srv.port, action, secretId: acc.SecretId, secretKey: acc.SecretKey,
        body: bodies[action][0], agent });
      const err = r.status !== 200 ? `HTTP ${r.status}` : r.json?.Response?.Error?.Code;
      if (err) throw new Error(`${precision}: warm-up ${action} failed: ${err}`);
    }
    for (let rate = o.start; rate <= o.maxRate; rate = Math.round(rate * o.step * 100) / 100) {
      const r = await offer({ port: srv.port, acc, bodies, rate, seconds: o.seconds, random, agent });
      const p99 = percentile(r.lat, 99);
      const ok = Object.keys(r.errors).length === 0 && p99 !== null && p99 <= o.p99;
      const round = (x) => (x === null ? null : Math.round(x));
      console.log(JSON.stringify({ bench: "capacity", precision, offered_per_s: rate, calls: r.offered,
        ok: r.lat.length, errors: r.errors, answered_per_s: Math.round((r.lat.length / r.elapsed) * 100) / 100,
        p50_ms: round(percentile(r.lat, 50)), p90_ms: round(percentile(r.lat, 90)), p99_ms: round(p99), held: ok,
        p99_ms_by_action: r.p99ByAction }));
      if (!ok) break;
      held = rate;
    }
  } finally {
    agent.destroy();
    await srv.stop();
    await sb.cleanup();
  }
  return held;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const bodies = loadBodies();
  const held = {};
  for (const p of o.precisions) held[p] = await ladder(o, p, bodies);
  console.log(JSON.stringify({ held, mix: MIX, p99_ms: o.p99, seconds_per_rate: o.seconds }));
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(2); });
