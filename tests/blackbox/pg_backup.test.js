"use strict";
// PostgreSQL backup and restore as docs/operators/backup.md tells it, on
// the throwaway server of scripts/blackbox_pg.sh (skipped on SQLite, where
// backup.test.js covers `kanjian backup`). Signed SDK calls run through a
// node while `pg_dump --format=custom` copies the database. The dump reads
// a snapshot exported by a session the test holds open, so the test knows
// exactly which calls the dump holds: those that session counts. Then:
// every success was billed once in the live database; `pg_restore` into a
// new database gives exactly the snapshot's calls, each one a success
// answer; `kanjian audit` is Ok on it; a node started on it answers a
// signed call and bills it.
const { test, after } = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const { spawn } = require("node:child_process");
const { Sandbox, sleep, dogB64 } = require("./harness");

const sandboxes = [];
after(async () => { for (const sb of sandboxes) await sb.cleanup(); });

// Runs a command to its end without blocking the event loop (the load goes on).
function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args);
    let err = "";
    child.stderr.on("data", (d) => { err += d; });
    child.on("error", reject);
    child.on("exit", (code) => code === 0 ? resolve()
      : reject(new Error(`${cmd} ${args.join(" ")}: exit ${code}: ${err}`)));
  });
}

// A psql session in one REPEATABLE READ transaction: it exports its
// snapshot (pg_dump --snapshot reads the same one) and counts the billed
// calls in it. end() closes the transaction.
function snapshotSession(uri) {
  const psql = spawn("psql", [uri, "-qAt", "-v", "ON_ERROR_STOP=1"]);
  const lines = [];
  let out = "", err = "";
  const gotTwo = new Promise((resolve, reject) => {
    psql.stdout.on("data", (d) => {
      out += d;
      const parts = out.split("\n");
      out = parts.pop();
      lines.push(...parts);
      if (lines.length >= 2) resolve();
    });
    psql.stderr.on("data", (d) => { err += d; });
    psql.on("exit", (code) => reject(new Error(`snapshot session ended (${code}): ${err}`)));
  });
  psql.stdin.write("BEGIN ISOLATION LEVEL REPEATABLE READ;\nSELECT pg_export_snapshot();\n" +
    "SELECT count(*) FROM usage_records;\n");
  return gotTwo.then(() => ({
    id: lines[0],
    calls: Number(lines[1]),
    end: () => new Promise((resolve) => { psql.on("exit", resolve); psql.stdin.end("COMMIT;\n"); }),
  }));
}

function billedIds(sb) {
  const r = sb.sql("SELECT request_id FROM usage_records");
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split("\n").filter(Boolean);
}

test("pg_dump under load, pg_restore into a new database: the snapshot's calls exactly, audit Ok, a node serves from it",
  async (t) => {
    const live = new Sandbox("pgbackup");
    sandboxes.push(live);
    if (!live.pgName) { t.skip("PostgreSQL only (scripts/blackbox_pg.sh)"); return; }
    const acc = live.createAccount("backup");
    const srv = await live.startServer();
    const client = srv.client(acc.SecretId, acc.SecretKey);
    const image = dogB64();
    const ok = [], failed = [];
    let stop = false;
    async function caller() {
      while (!stop) {
        try {
          ok.push((await client.DetectPet({ ImageBase64: image })).RequestId);
        } catch (e) {
          failed.push(`${e.code || ""} ${e.message}`);
        }
      }
    }
    const load = Promise.all([caller(), caller(), caller()]);
    let snap, dumpMs, okAtDump;
    const dumpFile = path.join(live.dir, "kanjian.pgdump");
    try {
      while (ok.length < 5 && failed.length === 0) await sleep(20);
      snap = await snapshotSession(live.db);
      okAtDump = ok.length;
      const started = Date.now();
      await run("pg_dump", ["--format=custom", `--snapshot=${snap.id}`, `--file=${dumpFile}`, live.db]);
      dumpMs = Date.now() - started;
      // Calls go on after the dump's snapshot: the dump must not hold them.
      while (ok.length < okAtDump + 5 && failed.length === 0) await sleep(20);
    } finally {
      stop = true;
      await load;
      if (snap) await snap.end();
    }
    assert.deepEqual(failed, [], "no call failed under the dump");

    const liveIds = billedIds(live);
    assert.equal(liveIds.length, ok.length, "every success billed");
    assert.deepEqual([...liveIds].sort(), [...ok].sort(), "each success billed once, nothing else");
    assert.ok(snap.calls < liveIds.length, "calls were billed after the dump's snapshot");

    // Restore into a new, empty database, as backup.md does.
    const restored = new Sandbox("pgrestore");
    sandboxes.push(restored);
    const started = Date.now();
    await run("pg_restore", ["--no-owner", "--exit-on-error", "--single-transaction",
      `--dbname=${restored.db}`, dumpFile]);
    const restoreMs = Date.now() - started;
    const restoredIds = billedIds(restored);
    assert.equal(restoredIds.length, snap.calls, "the restored database holds the snapshot's calls");
    const answered = new Set(ok);
    assert.ok(restoredIds.every((id) => answered.has(id)), "each restored call was a success answer");
    t.diagnostic(`dump of ${snap.calls} calls (${okAtDump} answered when the snapshot was taken, ` +
      `${ok.length} in all) in ${dumpMs} ms, restored in ${restoreMs} ms`);

    const audit = restored.cli(["audit"]);
    assert.equal(audit.code, 0, audit.stdout + audit.stderr);
    assert.equal(audit.json.Ok, true, audit.stdout);

    // The restored database serves: the tenant's sealed key opens with the
    // same master key, and the new call is billed there.
    const node = await restored.startServer();
    const r = await node.client(acc.SecretId, acc.SecretKey).DetectPet({ ImageBase64: image });
    const after = billedIds(restored);
    assert.equal(after.length, snap.calls + 1);
    assert.ok(after.includes(r.RequestId), "the call on the restored database is billed there");
  });
