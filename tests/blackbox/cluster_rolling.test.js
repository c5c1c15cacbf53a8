"use strict";
// A rolling upgrade (docs/operators/upgrades.md): scripts/cluster.sh with
// its own PostgreSQL and two nodes of an earlier release (built once into
// ~/.cache/kanjian/releases by scripts/lib/release_build.sh), signed
// DetectPet load from SDK clients through HAProxy while `cluster.sh
// upgrade` replaces the nodes one by one with today's binary (drained at
// the balancer, SIGTERM, started again). Old and new nodes serve the same
// database at once; afterwards no call failed, every success is billed
// exactly once and nothing else is, `kanjian audit` is clean and every node
// runs today's commit.
//   KANJIAN_ROLLING_FROM=COMMIT  the release rolled from (its PostgreSQL
//                                schema must be today's: see upgrades.md)
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { Sandbox, BIN, REPO, sdkClient, freeClusterPort, sleep, dogB64 } = require("./harness");
const { httpGet } = require("./tc3");
const { cluster, clusterAsync } = require("./cluster_script");

// The last commit before the newest schema change that reports its commit
// in /healthz; PostgreSQL schema 6, as today.
const FROM = process.env.KANJIAN_ROLLING_FROM || "47d1964f4da6292f54c1e1c79e08b1c2323a848b";
const NODES = 2;
let sb, dir, port, oldBin, oldCommit, newCommit;
const accounts = [];

function commitOf(bin) {
  const r = spawnSync(bin, ["--json", "--version"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).Commit;
}

// What each node's /healthz names: its commit, or "down".
async function nodeCommits() {
  return Promise.all(Array.from({ length: NODES }, async (_, i) => {
    try {
      const r = await httpGet(port + 101 + i, "/healthz", 2000);
      return r.status === 200 ? JSON.parse(r.text).Commit : "down";
    } catch { return "down"; }
  }));
}

// A clone without the old commit (shallow) cannot build it: the test skips.
const HAVE_FROM = spawnSync("git", ["-C", REPO, "cat-file", "-e", `${FROM}^{commit}`]).status === 0;

before(async () => {
  if (!HAVE_FROM) return;
  const built = spawnSync("bash", ["-c", `source scripts/lib/release_build.sh && release_binary ${FROM}`],
    { cwd: REPO, encoding: "utf8", timeout: 1800000 });
  assert.equal(built.status, 0, `building ${FROM}: ${built.stderr}`);
  oldBin = built.stdout.trim();
  oldCommit = commitOf(oldBin);
  newCommit = commitOf(BIN);
  assert.notEqual(oldCommit, newCommit, "the old release is another commit");
  sb = new Sandbox("rolling");
  fs.chmodSync(sb.dir, 0o711); // as root the cluster's PostgreSQL runs as postgres
  dir = path.join(sb.dir, "cluster");
  port = await freeClusterPort(NODES);
  cluster(["start", dir, "--nodes", String(NODES), "--port", String(port)], { KANJIAN_BIN: oldBin });
  sb.db = cluster(["env", dir]).match(/^export KANJIAN_DB=(.*)$/m)[1];
  for (const name of ["roll-a", "roll-b"]) accounts.push(sb.createAccount(name));
});

after(async () => {
  try {
    if (dir) cluster(["stop", dir]);
  } finally {
    if (sb) await sb.cleanup();
  }
});

test("rolling upgrade under load: old and new nodes on one database, no call fails, each success billed once",
  async (t) => {
    if (!HAVE_FROM) { t.skip(`${FROM} is not in this clone's history (shallow?)`); return; }
    assert.deepEqual(await nodeCommits(), Array(NODES).fill(oldCommit), "every node starts old");
    const ok = new Map(accounts.map((a) => [a.AccountId, []]));
    const problems = [];  // every answer that is not a success, and every call with no answer
    let stop = false, mixed = false, okDuringRoll = 0, rolling = false;
    const image = dogB64();
    async function caller(acc) {
      const client = sdkClient(port, acc.SecretId, acc.SecretKey, { reqTimeout: 60 });
      while (!stop) {
        try {
          ok.get(acc.AccountId).push((await client.DetectPet({ ImageBase64: image })).RequestId);
          if (rolling) okDuringRoll++;
        } catch (e) {
          problems.push(`${e.requestId || "no answer"} ${e.code || ""} ${String(e.message).slice(0, 80)}`);
        }
      }
    }
    const okCount = () => [...ok.values()].reduce((n, ids) => n + ids.length, 0);
    const load = Promise.all(accounts.flatMap((acc) => [caller(acc), caller(acc)]));
    const started = Date.now();
    let rolled;
    try {
      while (okCount() < 4 && problems.length === 0) await sleep(20);
      rolling = true;
      const roll = clusterAsync(["upgrade", dir, BIN]);
      let done = false;
      roll.finally(() => { done = true; });
      while (!done) {
        const commits = await nodeCommits();
        if (commits.includes(oldCommit) && commits.includes(newCommit)) mixed = true;
        await sleep(100);
      }
      rolled = await roll;
      rolling = false;
      const after = okCount();
      while (okCount() < after + 4 && problems.length === 0) await sleep(20);
    } finally {
      stop = true;
      await load;
    }
    const figures = { from: oldCommit, to: newCommit, ok: okCount(), okDuringRoll, problems: problems.length,
      seconds: Math.round((Date.now() - started) / 1000), roll: rolled.trim().split("\n") };
    t.diagnostic(JSON.stringify(figures));
    assert.deepEqual(problems, [], "no call failed");
    assert.ok(mixed, "an old and a new node served at the same time");
    assert.ok(okDuringRoll > 0, "calls succeeded while the nodes rolled");
    assert.deepEqual(await nodeCommits(), Array(NODES).fill(newCommit), "every node runs today's binary");

    for (const acc of accounts) {
      const billed = sb.usage(acc.AccountId).map((r) => r.RequestId).sort();
      assert.deepEqual(billed, [...ok.get(acc.AccountId)].sort(), `${acc.name}: each success billed once, nothing else`);
    }
    const audit = sb.cli(["audit"]);
    assert.equal(audit.code, 0, audit.stdout + audit.stderr);
    assert.equal(audit.json.Ok, true, audit.stdout);
  });
