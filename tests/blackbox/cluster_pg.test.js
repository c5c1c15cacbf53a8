"use strict";
// The crash test across nodes: scripts/cluster.sh with its own
// PostgreSQL, two `kanjian serve` nodes behind HAProxy. Signed DetectPet
// load from several SDK clients (two accounts) runs through the balancer
// while, round after round, nodes are killed with SIGKILL at random moments
// (sometimes both) and started again; PostgreSQL is restarted once mid-run.
// Afterwards: every success answer is billed exactly once, no error answer
// is billed, and a call billed without a success answer (committed, its
// answer lost in a kill) is counted apart — there can be no more of those
// than calls that got no answer at all. `kanjian audit` is clean.
//   KANJIAN_CRASH_ROUNDS=N  rounds (default 3: about a minute on 2 cores)
//   KANJIAN_CRASH_SEED=S    replay a run (every run prints its seed)
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { Sandbox, sdkClient, freeClusterPort, sleep, dogB64, childEnv, seededRandom } = require("./harness");
const { cluster, clusterAsync } = require("./cluster_script");

const ROUNDS = Number(process.env.KANJIAN_CRASH_ROUNDS || 3);
const SEED = Number(process.env.KANJIAN_CRASH_SEED || Math.floor(Math.random() * 2 ** 31));
const NODES = 2;
const CALLERS_PER_ACCOUNT = 2;
let sb, dir, port;
const accounts = [];

before(async () => {
  console.log(`cluster_pg: seed ${SEED} (KANJIAN_CRASH_SEED=${SEED} replays), ${ROUNDS} rounds`);
  sb = new Sandbox("clusterpg");
  // As root the cluster's PostgreSQL runs as `postgres`, which must reach DIR.
  fs.chmodSync(sb.dir, 0o711);
  dir = path.join(sb.dir, "cluster");
  // The stats listener takes PORT+1, PostgreSQL PORT+2, the nodes PORT+101….
  port = await freeClusterPort(NODES);
  cluster(["start", dir, "--nodes", String(NODES), "--port", String(port)]);
  // `cluster.sh env` is how an operator points the CLI at the cluster.
  const env = Object.fromEntries([...cluster(["env", dir]).matchAll(/^export (\w+)=(.*)$/gm)]
    .map((m) => [m[1], m[2]]));
  assert.match(env.KANJIAN_DB, /^postgresql:\/\//, "the cluster runs on its own PostgreSQL");
  assert.equal(env.KANJIAN_MASTER_KEY, childEnv().KANJIAN_MASTER_KEY, "the nodes' master key");
  sb.db = env.KANJIAN_DB;
  for (const name of ["crash-a", "crash-b"]) accounts.push(sb.createAccount(name));
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

test("nodes killed at random and PostgreSQL restarted: successes billed once, errors never",
  async (t) => {
    const random = seededRandom(SEED);
    const started = Date.now();
    const ok = new Map();          // AccountId → RequestIds answered with success
    const failed = new Map();      // AccountId → RequestIds answered with an error
    const failedCodes = {};        // error code → count
    const noAnswer = [];           // no API answer: the node died with the call (hang up, 502)
    let unavailable = 0;           // HAProxy's 503: no node up, the call reached none
    let stop = false, calls = 0, kills = 0;
    const image = dogB64();

    async function caller(acc) {
      const client = sdkClient(port, acc.SecretId, acc.SecretKey, { reqTimeout: 60 });
      while (!stop) {
        calls++;
        try {
          const r = await client.DetectPet({ ImageBase64: image });
          ok.get(acc.AccountId).push(r.RequestId);
        } catch (e) {
          if (e.requestId) {
            failed.get(acc.AccountId).push(e.requestId);
            failedCodes[e.code] = (failedCodes[e.code] || 0) + 1;
          } else if (/Service Unavailable/.test(e.message)) {
            unavailable++;
            await sleep(100);  // every node is down: do not spin
          } else {
            noAnswer.push(String(e.message).slice(0, 80));
          }
        }
      }
    }
    for (const acc of accounts) { ok.set(acc.AccountId, []); failed.set(acc.AccountId, []); }
    const load = Promise.all(accounts.flatMap((acc) =>
      Array.from({ length: CALLERS_PER_ACCOUNT }, () => caller(acc))));

    const okCount = () => [...ok.values()].reduce((n, ids) => n + ids.length, 0);
    const pgRound = Math.floor(ROUNDS / 2);
    try {
      for (let round = 0; round < ROUNDS; round++) {
        // Let some calls through, then kill at a random moment.
        const okBefore = okCount();
        const deadline = Date.now() + 60000;
        while (okCount() < okBefore + 2 && Date.now() < deadline) await sleep(20);
        assert.ok(okCount() >= okBefore + 2, `round ${round}: the cluster answers again`);
        await sleep(Math.floor(random() * 1500));
        const victims = random() < 0.25 ? [1, 2] : [1 + Math.floor(random() * NODES)];
        for (const i of victims) process.kill(nodePid(i), "SIGKILL");
        kills += victims.length;
        await sleep(Math.floor(random() * 1000));
        for (const i of victims) await clusterAsync(["restart-node", dir, String(i)]);
        if (round === pgRound) {
          await sleep(Math.floor(random() * 1000));
          await clusterAsync(["restart-pg", dir]);
          t.diagnostic(`round ${round}: PostgreSQL restarted`);
        }
        t.diagnostic(`round ${round}: killed node ${victims.join("+")}, ${okCount()} successes so far`);
      }
      // Calls after the last restart go through too.
      const okBefore = okCount();
      while (okCount() < okBefore + 4) await sleep(20);
    } finally {
      stop = true;
      await load;
    }

    let billedTotal = 0, lost = 0;
    const okTotal = okCount();
    let failedTotal = 0;
    for (const acc of accounts) {
      const billed = sb.usage(acc.AccountId).map((r) => r.RequestId);
      billedTotal += billed.length;
      const count = new Map();
      for (const id of billed) count.set(id, (count.get(id) || 0) + 1);
      assert.deepEqual([...count].filter(([, n]) => n !== 1), [], "no RequestId billed twice");
      for (const id of ok.get(acc.AccountId)) assert.equal(count.get(id), 1, `success ${id} billed once`);
      for (const id of failed.get(acc.AccountId)) assert.equal(count.get(id), undefined, `error ${id} not billed`);
      failedTotal += failed.get(acc.AccountId).length;
      const answered = new Set(ok.get(acc.AccountId));
      lost += billed.filter((id) => !answered.has(id)).length;
    }
    const figures = { seed: SEED, rounds: ROUNDS, kills, calls, ok: okTotal, errors: failedTotal,
      errorCodes: failedCodes, noAnswer: noAnswer.length, unavailable, billed: billedTotal,
      billedAnswerLost: lost, seconds: Math.round((Date.now() - started) / 1000),
      noAnswerSample: [...new Set(noAnswer)].slice(0, 3) };
    t.diagnostic(JSON.stringify(figures));
    console.log(`cluster_pg: ${JSON.stringify(figures)}`);
    assert.ok(lost <= noAnswer.length,
      `a billed call without a success answer can only be one whose answer was lost (${lost} > ${noAnswer.length})`);
    assert.equal(billedTotal, okTotal + lost);
    const audit = sb.cli(["audit"]);
    assert.equal(audit.code, 0, `audit after the crashes: ${audit.stdout}${audit.stderr}`);
  });

test("every node is back in rotation", async () => {
  // HAProxy marks a node UP after its health checks pass again.
  const allUp = (text) => Array.from({ length: NODES }, (_, i) => `node${i + 1} UP`).every((w) => text.includes(w));
  let stats = "";
  for (let i = 0; i < 60 && !allUp(stats); i++) {
    if (i) await sleep(250);
    stats = cluster(["status", dir]);
  }
  for (let i = 1; i <= NODES; i++) assert.match(stats, new RegExp(`node${i} UP`));
});
