"use strict";
// scripts/cluster.sh: two `kanjian serve` nodes behind HAProxy (leastconn,
// /healthz checks) on one database and one Redis. SDK load goes through the
// balancer while one node is killed with SIGKILL and started again.
// Afterwards every success is billed exactly once, no error that carries a
// RequestId is billed, and a call committed whose answer died with its node
// is counted apart (it can only be one of the calls that got no answer).
// Then a rolling model reload (`cluster.sh reload`) to another models config
// under load: no call fails, and every node's /healthz names the new set.
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { Sandbox, sdkClient, freeClusterPort, sleep, dogB64 } = require("./harness");
const { cluster, clusterAsync } = require("./cluster_script");
const { httpGet } = require("./tc3");

let sb, acc, port, dir, modelsConfig;

// The bundled detector with another score threshold: a different model set
// (another hash) that still finds the dog.
const OTHER_SET = { tasks: { object_detector: {
  file: "yolov5s_dyn.onnx", decode: "yolov5", labels: "coco80", letterbox: "stride",
  score_threshold: 0.3,
  input: { width: 640, height: 640, channels: "RGB", layout: "NCHW",
           scale: 0.00392156862745098, resize: "letterbox", pad: 114 } } } };

async function healthz(i) {
  const r = await httpGet(port + 100 + i, "/healthz", 5000);
  assert.equal(r.status, 200);
  return JSON.parse(r.text);
}

before(async () => {
  sb = new Sandbox("cluster");
  acc = sb.createAccount("cluster-tenant");
  dir = path.join(sb.dir, "cluster");
  port = await freeClusterPort(2);
  modelsConfig = path.join(sb.dir, "models.json");
  fs.writeFileSync(modelsConfig, "{}\n");  // the bundled set
  cluster(["start", dir, "--nodes", "2", "--port", String(port), "--db", sb.db,
           "--", "--models-config", modelsConfig]);
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
  // HAProxy marks a node UP after its health checks pass again (a few
  // seconds after the restart).
  let stats = "";
  for (let i = 0; i < 60 && !/node1 UP[\s\S]*node2 UP/.test(stats); i++) {
    if (i) await sleep(250);
    stats = cluster(["status", dir]);
  }
  assert.match(stats, /node1 UP/);
  assert.match(stats, /node2 UP/);
});

test("a rolling reload under load: no call fails, every node ends on the new set", async (t) => {
  const before = [await healthz(1), await healthz(2)];
  assert.equal(before[0].status, "ok");
  assert.equal(before[0].ModelSet.Source, modelsConfig);
  assert.match(before[0].ModelSet.Hash, /^[0-9a-f]{64}$/);
  assert.equal(before[1].ModelSet.Hash, before[0].ModelSet.Hash, "both nodes run the same set");
  fs.writeFileSync(modelsConfig, JSON.stringify(OTHER_SET));

  const client = sdkClient(port, acc.SecretId, acc.SecretKey, { reqTimeout: 60 });
  const ok = [], failures = [];
  let stop = false;
  const load = Promise.all([0, 1, 2, 3].map(async () => {
    while (!stop) {
      try {
        const r = await client.DetectPet({ ImageBase64: dogB64() });
        ok.push(r.RequestId);
        if (!r.Pets.some((p) => p.Name === "dog")) failures.push(`no dog: ${JSON.stringify(r.Pets)}`);
      } catch (e) {
        failures.push(`${e.code || ""} ${e.requestId || ""} ${e.message}`);
      }
    }
  }));
  let rolled;
  try {
    while (ok.length < 4) await sleep(20);
    const okBefore = ok.length;
    rolled = await clusterAsync(["reload", dir]);
    const during = ok.length - okBefore;
    while (ok.length < okBefore + during + 4) await sleep(20);  // served after the roll
    t.diagnostic(`roll: ${rolled.trim().replace(/\n/g, "; ")}; ${during} calls answered during it`);
  } finally {
    stop = true;
    await load;
  }
  assert.deepEqual(failures, [], "no call failed during the rolling reload");
  const after = [await healthz(1), await healthz(2)];
  assert.notEqual(after[0].ModelSet.Hash, before[0].ModelSet.Hash, "a new set");
  assert.equal(after[1].ModelSet.Hash, after[0].ModelSet.Hash, "both nodes run the new set");
  assert.equal(rolled, `node1 ${after[0].ModelSet.Hash}\nnode2 ${after[0].ModelSet.Hash}\n`);
  const billed = new Map(sb.usage(acc.AccountId).map((r) => [r.RequestId, true]));
  for (const id of ok) assert.ok(billed.has(id), `success ${id} billed`);

  // A set node 1 refuses (its detector file is missing): the roll stops at
  // node 1, which goes back in service on the set it had; node 2 is untouched.
  const broken = structuredClone(OTHER_SET);
  broken.tasks.object_detector.file = path.join(sb.dir, "missing.onnx");
  fs.writeFileSync(modelsConfig, JSON.stringify(broken));
  await assert.rejects(clusterAsync(["reload", dir]), /node 1 refused the reload.*missing\.onnx/s);
  for (const i of [1, 2]) assert.equal((await healthz(i)).ModelSet.Hash, after[0].ModelSet.Hash);

  const stats = cluster(["status", dir]);
  assert.match(stats, /node1 UP/);
  assert.match(stats, /node2 UP/);
});
