#!/usr/bin/env node
"use strict";
// End-to-end DetectPet throughput/latency over loopback HTTP, with requests
// signed exactly as the official Node SDK signs them (TC3-HMAC-SHA256, host
// signed without port, service "127"). Prints one JSON line per concurrency.
//
// Needs tests/blackbox/node_modules (run tests/blackbox/run.sh or `npm ci`
// there once) only for --start and --client sdk.
//
//   # against a running server (its QPS limit applies: default 20/s per account,
//   # raise it with `serve --qps DetectPet=100000` for benchmarking)
//   node bench/e2e/detectpet.js --port 8080 --secret-id AKID... --secret-key ...
//   # or let it create a temp DB + account and start build/kanjian itself
//   node bench/e2e/detectpet.js --start [--seconds 10] [--concurrency 1,4]
//
// Options:
//   --port P --secret-id ID --secret-key KEY   target server (env KANJIAN_SECRET_ID/KEY work too)
//   --start                 start a server via the black-box harness (KANJIAN_BIN, KANJIAN_MODELS)
//   --seconds N             measured seconds per concurrency level (default 10)
//   --warmup N              warm-up seconds per level, not measured (default 1)
//   --concurrency 1,4       comma-separated levels (default 1,4)
//   --image PATH            image (default /usr/share/darknet/data/dog.jpg)
//   --client raw|sdk        raw = own signer over a keep-alive agent (default);
//                           sdk = the official SDK client (new connection per call)
//   --max-requests N        hard cap per level (default 1000000)
const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");

const BLACKBOX = path.resolve(__dirname, "..", "..", "tests", "blackbox");
const { rawCall } = require(path.join(BLACKBOX, "tc3"));

function parseArgs(argv) {
  const o = {
    port: null, secretId: process.env.KANJIAN_SECRET_ID, secretKey: process.env.KANJIAN_SECRET_KEY,
    start: false, seconds: 10, warmup: 1, concurrency: [1, 4],
    image: "/usr/share/darknet/data/dog.jpg", client: "raw", maxRequests: 1000000,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case "--port": o.port = Number(v()); break;
      case "--secret-id": o.secretId = v(); break;
      case "--secret-key": o.secretKey = v(); break;
      case "--start": o.start = true; break;
      case "--seconds": o.seconds = Number(v()); break;
      case "--warmup": o.warmup = Number(v()); break;
      case "--concurrency": o.concurrency = v().split(",").map(Number); break;
      case "--image": o.image = v(); break;
      case "--client": o.client = v(); break;
      case "--max-requests": o.maxRequests = Number(v()); break;
      case "-h": case "--help":
        process.stdout.write(fs.readFileSync(__filename, "utf8").split("\n").slice(2, 25).join("\n") + "\n");
        process.exit(0);
        break;
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  if (!(o.seconds > 0 && o.seconds <= 600)) throw new Error("--seconds must be in (0, 600]");
  if (!(o.warmup >= 0 && o.warmup <= 60)) throw new Error("--warmup must be in [0, 60]");
  if (!o.concurrency.every((c) => Number.isInteger(c) && c >= 1 && c <= 256)) {
    throw new Error("--concurrency levels must be integers in 1..256");
  }
  if (!["raw", "sdk"].includes(o.client)) throw new Error("--client is raw or sdk");
  if (!o.start && !(o.port && o.secretId && o.secretKey)) {
    throw new Error("give --start, or --port with --secret-id/--secret-key");
  }
  return o;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

function makeCaller(o, port, b64) {
  const body = Buffer.from(JSON.stringify({ ImageBase64: b64 }));
  if (o.client === "sdk") {
    const tc = require(path.join(BLACKBOX, "node_modules", "tencentcloud-sdk-nodejs"));
    const client = new tc.tiia.v20190529.Client({
      credential: { secretId: o.secretId, secretKey: o.secretKey }, region: "ap-guangzhou",
      profile: { httpProfile: { protocol: "http://", endpoint: `127.0.0.1:${port}`, reqTimeout: 60 } },
    });
    return async () => {
      try { await client.DetectPet({ ImageBase64: b64 }); return null; } catch (e) { return e.code || e.message; }
    };
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  return async () => {
    const r = await rawCall({
      port, action: "DetectPet", secretId: o.secretId, secretKey: o.secretKey, body, agent,
    });
    if (r.status !== 200) return `HTTP ${r.status}`;
    if (!r.json || !r.json.Response) return "bad envelope";
    return r.json.Response.Error ? r.json.Response.Error.Code : null;
  };
}

/** Runs `concurrency` workers for `seconds`; returns latencies (ms) of successes and error counts. */
async function runLevel(call, concurrency, seconds, maxRequests) {
  const lat = [];
  const errors = {};
  let issued = 0;
  const end = performance.now() + seconds * 1000;
  async function worker() {
    while (performance.now() < end && issued < maxRequests) {
      issued++;
      const t0 = performance.now();
      let err;
      try { err = await call(); } catch (e) { err = e.code || e.message; }
      const dt = performance.now() - t0;
      if (err) errors[err] = (errors[err] || 0) + 1; else lat.push(dt);
    }
  }
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { lat, errors, elapsed: (performance.now() - t0) / 1000 };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const b64 = fs.readFileSync(o.image).toString("base64");
  let sandbox = null;
  let server = null;
  let port = o.port;
  if (o.start) {
    const { Sandbox } = require(path.join(BLACKBOX, "harness"));
    sandbox = new Sandbox("bench");
    const acc = sandbox.createAccount("bench");
    o.secretId = acc.SecretId;
    o.secretKey = acc.SecretKey;
    server = await sandbox.startServer({ extraArgs: ["--qps", "DetectPet=1000000"] });
    port = server.port;
  }
  let failed = false;
  try {
    const call = makeCaller(o, port, b64);
    const first = await call();
    if (first) throw new Error(`first DetectPet call failed: ${first}`);
    for (const c of o.concurrency) {
      if (o.warmup > 0) await runLevel(call, c, o.warmup, o.maxRequests);
      const r = await runLevel(call, c, o.seconds, o.maxRequests);
      const sorted = r.lat.slice().sort((a, b) => a - b);
      const round = (x) => (x === null ? null : Math.round(x * 100) / 100);
      process.stdout.write(JSON.stringify({
        bench: "detectpet_e2e", client: o.client, image: path.basename(o.image),
        image_bytes: fs.statSync(o.image).size, concurrency: c, seconds: round(r.elapsed),
        ok: r.lat.length, errors: r.errors,
        images_per_s: round(r.lat.length / r.elapsed),
        p50_ms: round(percentile(sorted, 50)), p99_ms: round(percentile(sorted, 99)),
        mean_ms: round(sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : null),
      }) + "\n");
      if (Object.keys(r.errors).length) failed = true;
    }
  } finally {
    if (server) {
      const exit = await server.stop();
      if (exit.code !== 0) { console.error(`server exit ${JSON.stringify(exit)}`); failed = true; }
    }
    if (sandbox) await sandbox.cleanup();
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(2); });
