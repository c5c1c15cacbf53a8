"use strict";
// QPS limits shared across nodes through Redis (`serve --redis`): two
// `kanjian serve` processes on one database and one real redis-server. The
// limit holds for the pair, not per node; with Redis killed each node falls
// back to max(1, qps / --cluster-nodes) and says so in /metrics; with Redis
// back the limit is shared again. Calls carry no image, so each one that
// passes the limit answers MissingParameter (cheap, and never billed).
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { Sandbox, sleep } = require("./harness");
const { httpGet } = require("./tc3");

const QPS = 5;
let sb, nodes, acc, redis, socket;

async function startRedis() {
  redis = spawn("redis-server", ["--port", "0", "--unixsocket", socket, "--save", "",
    "--appendonly", "no", "--dir", sb.dir, "--logfile", "redis.log"], { stdio: "ignore" });
  for (let i = 0; i < 200 && !fs.existsSync(socket); i++) await sleep(25);
  assert.ok(fs.existsSync(socket), "redis-server (Debian redis-server) did not start");
}

async function stopRedis() {
  const gone = new Promise((res) => redis.on("exit", res));
  redis.kill("SIGKILL");
  await gone;
  fs.rmSync(socket, { force: true });
}

// A burst of n calls spread over both nodes at once: how many passed the limit.
async function burst(n) {
  const clients = nodes.map((s) => s.client(acc.SecretId, acc.SecretKey));
  const t0 = Date.now();
  const results = await Promise.allSettled(
    Array.from({ length: n }, (_, i) => clients[i % 2].DetectPet({})));
  const seconds = (Date.now() - t0) / 1000;
  const codes = results.map((r) => (r.status === "fulfilled" ? "OK" : r.reason.code));
  const passed = codes.filter((c) => c === "MissingParameter").length;
  const limited = codes.filter((c) => c === "RequestLimitExceeded").length;
  assert.equal(passed + limited, n, `only MissingParameter or RequestLimitExceeded: ${codes}`);
  return { passed, limited, seconds };
}

async function fallbackCalls(node) {
  const r = await httpGet(node.port, "/metrics", 5000);
  const m = r.text.match(/^kanjian_qps_fallback_calls_total (\d+)$/m);
  assert.ok(m, "a node started with --redis exports kanjian_qps_fallback_calls_total");
  return Number(m[1]);
}

before(async () => {
  sb = new Sandbox("redis");
  socket = path.join(sb.dir, "redis.sock");
  acc = sb.createAccount("redis-limited");
  await startRedis();
  const args = ["--redis", `unix://${socket}`, "--cluster-nodes", "2", "--qps", `DetectPet=${QPS}`];
  nodes = [await sb.startServer({ extraArgs: args }), await sb.startServer({ extraArgs: args })];
});

after(async () => {
  try {
    for (const n of nodes || []) await n.stopOk();
  } finally {
    if (redis && redis.exitCode === null) await stopRedis();
    if (sb) await sb.cleanup();
  }
});

test("two nodes share one limit through Redis", async (t) => {
  const r = await burst(40);
  t.diagnostic(JSON.stringify(r));
  // One bucket of QPS for the pair, refilled QPS a second while the burst
  // lasts; per-node buckets would let 2 × QPS through at once.
  assert.ok(r.passed >= 1, "some calls pass");
  assert.ok(r.passed <= QPS + Math.ceil(r.seconds * QPS), `shared limit: ${JSON.stringify(r)}`);
  for (const n of nodes) assert.equal(await fallbackCalls(n), 0);
});

test("Redis down: each node limits to qps / nodes, and counts it", async (t) => {
  await stopRedis();
  await sleep(1200); // let the local buckets fill
  const r = await burst(40);
  t.diagnostic(JSON.stringify(r));
  const perNode = Math.max(1, Math.floor(QPS / 2));
  assert.ok(r.passed >= 2, "each node still lets calls through");
  assert.ok(r.passed <= 2 * (perNode + Math.ceil(r.seconds * perNode)), JSON.stringify(r));
  for (const n of nodes) assert.ok(await fallbackCalls(n) > 0, "the fallback is visible in /metrics");
});

test("Redis back: the limit is shared again", async (t) => {
  await startRedis();
  await sleep(1200); // past each node's retry pause
  const before = await Promise.all(nodes.map(fallbackCalls));
  const r = await burst(40);
  t.diagnostic(JSON.stringify(r));
  assert.ok(r.passed <= QPS + Math.ceil(r.seconds * QPS), JSON.stringify(r));
  assert.deepEqual(await Promise.all(nodes.map(fallbackCalls)), before, "no call limited locally");
});
