"use strict";
// kanjian backup / restore (docs/operators/backup.md): a backup taken while
// signed SDK calls run holds exactly the calls committed before its
// snapshot — every call answered before the backup started, none sent after
// it ended — and restores into a database that passes audit. The master key
// stays out of it; restore never replaces a database without --force.
// On PostgreSQL (scripts/blackbox_pg.sh backup.test.js) the same test runs
// the documented pg_dump/pg_restore procedure instead, and a node serves a
// signed call from the restored database.
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { spawn, spawnSync } = require("node:child_process");
const { Sandbox, BIN, childEnv, dogB64, sleep } = require("./harness");

let sb, srv, acc;
before(async () => {
  sb = new Sandbox("backup");
  acc = sb.createAccount("backup-shop");
  srv = await sb.startServer({ extraArgs: ["--workers", "2"] });
});
after(async () => {
  try { if (srv) await srv.stopOk(); } finally { if (sb) await sb.cleanup(); }
});

// A command, without blocking the event loop: SDK calls go on meanwhile.
function runAsync(bin, args) {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, args, { env: childEnv() });
    let stdout = "", stderr = "";
    p.stdout.on("data", (d) => { stdout += d; });
    p.stderr.on("data", (d) => { stderr += d; });
    p.on("error", reject);
    p.on("exit", (code) => {
      let json = null;
      try { json = JSON.parse(stdout); } catch { /* not JSON */ }
      resolve({ code, stdout, stderr, json });
    });
  });
}
const cliAsync = (args) => runAsync(BIN, ["--json", ...args]);

// docs/operators/backup.md's PostgreSQL procedure: pg_dump of the live
// database; a new database; pg_restore into it. Returns the backup's
// {code, stdout, stderr} (its count of calls from the restored copy) and
// the restored database's URI.
async function pgBackup(file) {
  const dump = await runAsync("pg_dump", ["--format=custom", `--file=${file}`, sb.db]);
  const name = `${sb.pgName}_restored`;
  const admin = process.env.KANJIAN_BLACKBOX_PG;
  const made = spawnSync("psql", [admin, "-qAtc", `CREATE DATABASE ${name}`], { encoding: "utf8" });
  assert.equal(made.status, 0, made.stderr);
  const uri = sb.db.replace(/\/[^/?]*(\?.*)?$/, (_, q) => `/${name}${q || ""}`);
  const restore = spawnSync("pg_restore", ["--no-owner", "--exit-on-error", "--single-transaction",
    `--dbname=${uri}`, file], { encoding: "utf8" });
  assert.equal(restore.status, 0, restore.stderr);
  return { dump, uri, name };
}

test("a backup under load holds exactly the calls committed before it, and restores to an audited copy", async () => {
  const client = srv.client(acc.SecretId, acc.SecretKey);
  const calls = []; // {requestId, sent, done}
  let running = true;
  const worker = async () => {
    while (running) {
      const sent = performance.now();
      const res = await client.DetectPet({ ImageBase64: dogB64() });
      calls.push({ requestId: res.RequestId, sent, done: performance.now() });
    }
  };
  const workers = [worker(), worker(), worker(), worker()];
  while (calls.length < 20) await sleep(20);

  const file = path.join(sb.dir, sb.pgName ? "backup.pgdump" : "backup.db");
  const started = performance.now();
  const pg = sb.pgName ? await pgBackup(file) : null;
  const backup = pg ? pg.dump : await cliAsync(["--db", sb.db, "backup", "--to", file]);
  const ended = performance.now();
  while (calls.filter((c) => c.sent > ended).length < 5) await sleep(20);
  running = false;
  await Promise.all(workers);
  if (pg) return checkPgRestore(pg, calls, started, ended);

  assert.equal(backup.code, 0, backup.stdout + backup.stderr);
  assert.equal(backup.json.File, file);
  assert.match(backup.json.MasterKey, /not in the backup/);
  assert.ok(backup.json.MasterKey.includes(`${sb.db}.key`) || backup.json.MasterKey.includes("KANJIAN_MASTER_KEY"),
    backup.json.MasterKey);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.equal(fs.readFileSync(file).includes(Buffer.from(childEnv().KANJIAN_MASTER_KEY)), false);

  // Restore into a new database: no --force needed.
  const restoredDb = path.join(sb.dir, "restored.db");
  const restored = await cliAsync(["--db", restoredDb, "restore", "--from", file]);
  assert.equal(restored.code, 0, restored.stdout + restored.stderr);
  assert.equal(restored.json.UsageRecords, backup.json.UsageRecords);
  const audit = await cliAsync(["--db", restoredDb, "audit"]);
  assert.equal(audit.code, 0, audit.stdout + audit.stderr);
  assert.equal(audit.json.Ok, true, audit.stdout);

  const list = await cliAsync(["--db", restoredDb, "usage", "list", acc.AccountId]);
  assert.equal(list.code, 0, list.stderr);
  const billed = new Set(list.json.Records.map((r) => r.RequestId));
  assert.equal(billed.size, list.json.Records.length, "a call billed twice");
  assert.equal(billed.size, backup.json.UsageRecords);
  checkBilled(billed, calls, started, ended);
  // The live database went on: it holds every call, the backup a prefix.
  const live = new Set(sb.usage(acc.AccountId).map((r) => r.RequestId));
  assert.equal(live.size, calls.length);
  for (const id of billed) assert.ok(live.has(id));
  assert.ok(billed.size < live.size, "calls after the backup are not in it");
});

function checkBilled(billed, calls, started, ended) {
  const answered = new Set(calls.map((c) => c.requestId));
  for (const id of billed) assert.ok(answered.has(id), `billed ${id} was never answered`);
  for (const c of calls.filter((c) => c.done < started))
    assert.ok(billed.has(c.requestId), `${c.requestId} answered before the backup is missing`);
  for (const c of calls.filter((c) => c.sent > ended))
    assert.ok(!billed.has(c.requestId), `${c.requestId} sent after the backup is in it`);
}

async function checkPgRestore(pg, calls, started, ended) {
  assert.equal(pg.dump.code, 0, pg.dump.stderr);
  const restored = new Sandbox("backup-restored");
  restored.db = pg.uri;
  try {
    const audit = restored.cli(["audit"]);
    assert.equal(audit.code, 0, audit.stdout + audit.stderr);
    assert.equal(audit.json.Ok, true, audit.stdout);
    const records = restored.usage(acc.AccountId);
    const billed = new Set(records.map((r) => r.RequestId));
    assert.equal(billed.size, records.length, "a call billed twice");
    checkBilled(billed, calls, started, ended);
    assert.ok(billed.size < calls.length, "calls after the dump are not in it");
    // A node serves from the restored database: a signed call, billed once.
    const node = await restored.startServer();
    const res = await node.client(acc.SecretId, acc.SecretKey).DetectPet({ ImageBase64: dogB64() });
    const after = restored.usage(acc.AccountId);
    assert.equal(after.length, records.length + 1);
    assert.ok(after.some((r) => r.RequestId === res.RequestId));
    await node.stopOk();
  } finally {
    await restored.cleanup();
    spawnSync("psql", [process.env.KANJIAN_BLACKBOX_PG, "-qAtc",
      `DROP DATABASE IF EXISTS ${pg.name} WITH (FORCE)`]);
  }
}

test("restore refuses to replace a database without --force; backup refuses an existing file", async () => {
  if (sb.pgName) return;
  const file = path.join(sb.dir, "second.db");
  assert.equal(sb.cli(["backup", "--to", file]).code, 0);
  const again = sb.cli(["backup", "--to", file]);
  assert.equal(again.code, 1);
  assert.equal(again.json.Error.Code, "ResourceInUse");
  const refused = sb.cli(["restore", "--from", file]);
  assert.equal(refused.code, 1);
  assert.equal(refused.json.Error.Code, "ResourceInUse");
  assert.match(refused.json.Error.Message, /--force/);
  const missing = sb.cli(["restore", "--from", path.join(sb.dir, "none.db"), "--force"]);
  assert.equal(missing.json.Error.Code, "ResourceNotFound");
});

test("backup on PostgreSQL points at pg_dump", async () => {
  const r = await cliAsync(["--db", "postgresql://kanjian@127.0.0.1:1/kanjian", "backup", "--to", path.join(sb.dir, "pg.dump")]);
  assert.equal(r.code, 1);
  assert.equal(r.json.Error.Code, "UnsupportedOperation");
  assert.match(r.json.Error.Message, /pg_dump.*docs\/operators\/backup\.md/);
});
