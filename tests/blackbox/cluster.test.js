"use strict";
// scripts/cluster.sh: two `kanjian serve` nodes behind HAProxy (leastconn,
// /healthz checks) on one database and one Redis. SDK load goes through the
// balancer while one node is killed with SIGKILL and started again.
// Afterwards every success is billed exactly once, no error that carries a
// RequestId is billed, and a call committed whose answer died with its node
// is counted apart (it can only be one of the calls that got no answer).
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { Sandbox, REPO, sdkClient, freePort, sleep, dogB64, childEnv } = require("./harness");
const { httpGet } = require("./tc3");

const SCRIPT = path.join(REPO, "scripts", "cluster.sh");
let sb, acc, port, dir;

function cluster(args) {
  const r = spawnSync(SCRIPT, args, { env: childEnv(), encoding: "utf8", timeout: 180000 });
  assert.equal(r.status, 0, `cluster.sh ${args.join(" ")}: ${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

before(async () => {
  sb = new Sandbox("cluster");
  acc = sb.createAccount("cluster-tenant");
  dir = path.join(sb.dir, "cluster");
  // freePort() hands out one port; the stats listener takes the next and the
  // nodes PORT+101…: take a port whose neighbours are free too.
  port = await freePort();
  cluster(["start", dir, "--nodes", "2", "--port", String(port), "--db", sb.db]);
});

after(async () => {
  try {
    if (dir) cluster(["stop", dir]);
  } finally {
    if (sb) await sb.cleanup();
  }
});

function nodePid(i) {
  return Number(fs.readFileSync(path.join(dir, `node-${i}.pid`), "utf8"));
}

async function servedBy(i) {
  const r = await httpGet(port + 100 + i, "/metrics", 5000);
  const m = [...r.text.matchAll(/^kanjian_requests_total\{action="DetectPet",code="OK"\} (\d+)$/gm)];
  return m.length ? Number(m[0][1]) : 0;
}

test("a node killed under load: successes billed once, nothing failed billed", async (t) => {
  const client = sdkClient(port, acc.SecretId, acc.SecretKey, { reqTimeout: 30 });
  const ok = [], failedWithId = [], noAnswer = [];
  let sent = 0;
  const TOTAL = 48, CONCURRENCY = 4;
  async function worker() {
    while (sent < TOTAL) {
      sent++;
      try {
        const r = await client.DetectPet({ ImageBase64: dogB64() });
        ok.push(r.RequestId);
      } catch (e) {
        (e.requestId ? failedWithId : noAnswer).push(e.requestId || e.message);
      }
    }
  }
  const load = Promise.all(Array.from({ length: CONCURRENCY }, worker));
  while (ok.length < 12) await sleep(50);
  const before1 = await servedBy(1);
  process.kill(nodePid(1), "SIGKILL");
  t.diagnostic(`node 1 killed after ${ok.length} successes (it had served ${before1})`);
  while (ok.length < 30) await sleep(50);
  cluster(["restart-node", dir, "1"]);
  await load;
  const served2 = await servedBy(2);

  const records = sb.usage(acc.AccountId);
  const billed = records.map((r) => r.RequestId);
  const count = new Map();
  for (const id of billed) count.set(id, (count.get(id) || 0) + 1);
  const lostAnswers = billed.filter((id) => !ok.includes(id));
  t.diagnostic(JSON.stringify({ sent: TOTAL, ok: ok.length, failedWithId: failedWithId.length,
    noAnswer: noAnswer.length, billed: billed.length, lostAnswers: lostAnswers.length, served2,
    noAnswerSample: [...new Set(noAnswer)].slice(0, 3) }));

  assert.deepEqual([...count.values()].filter((n) => n !== 1), [], "no RequestId billed twice");
  for (const id of ok) assert.equal(count.get(id), 1, `success ${id} billed exactly once`);
  for (const id of failedWithId) assert.equal(count.get(id), undefined, `error ${id} not billed`);
  assert.ok(lostAnswers.length <= noAnswer.length,
    "a billed call without a success answer can only be one whose answer was lost");
  assert.ok(ok.length >= TOTAL - CONCURRENCY * 2, `HAProxy kept the service up (${ok.length}/${TOTAL} succeeded)`);
  assert.ok(before1 > 0 && served2 > 0, "both nodes served calls");
  const audit = sb.cli(["audit"]);
  assert.equal(audit.code, 0, `audit after the kill: ${audit.stdout}${audit.stderr}`);
});

test("the restarted node is back in rotation", async () => {
  const stats = cluster(["status", dir]);
  assert.match(stats, /node1 UP/);
  assert.match(stats, /node2 UP/);
});
