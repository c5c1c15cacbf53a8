"use strict";
// Master key safety and file modes, from outside the binary.
// - The key lives in the file DB.key (KANJIAN_MASTER_KEY blanked here); it is
//   minted only while the database holds no sealed SecretKey.
// - Key file lost: `serve` exits non-zero naming the file and the variable,
//   and mints nothing; commands that seal a key are refused, commands that
//   neither seal nor open one (account key list/disable/enable, activate)
//   still work.
// - Wrong key (file or variable): refused as a mismatch, naming its source.
// - DB, -wal, -shm and DB.key are 0600 under umask 022, after `account
//   create` and while `serve` runs; a looser DB/key file is tightened.
// On PostgreSQL (KANJIAN_BLACKBOX_PG) there is no file: the key comes only
// from KANJIAN_MASTER_KEY, and the last two tests check that instead.
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const { spawnSync } = require("node:child_process");
const { Sandbox, BIN, childEnv, dogB64 } = require("./harness");

const FILE_KEY = { KANJIAN_MASTER_KEY: "" };  // "" = unset: the key file is used
const OTHER_KEY = "ff".repeat(32);
const ON_PG = Boolean(process.env.KANJIAN_BLACKBOX_PG);
const FILES = { skip: ON_PG && "the key file and the database's file modes are SQLite's; on PostgreSQL the key comes only from KANJIAN_MASTER_KEY (tested below)" };
const PG_ONLY = { skip: !ON_PG && "PostgreSQL only (KANJIAN_BLACKBOX_PG)" };

let sb, acc, keyFile;
const savedUmask = process.umask(0o022);  // the usual umask, which alone gives 0644
before(() => {
  sb = new Sandbox("keysafety");
  keyFile = `${sb.db}.key`;
});
after(async () => {
  process.umask(savedUmask);
  if (sb) await sb.cleanup();
});

const modeOf = (p) => fs.statSync(p).mode & 0o777;
function assertOwnerOnly(p) {
  assert.equal(modeOf(p).toString(8), "600", `${p} should be mode 0600`);
}

/** `serve` that must refuse to start: returns {code, stderr} (it exits before binding). */
function serveRefused(env) {
  const r = spawnSync(BIN, ["--db", sb.db, "serve", "--listen", "127.0.0.1:0"],
    { env: childEnv(env), encoding: "utf8", timeout: 60000 });
  assert.equal(r.error, undefined, String(r.error));
  assert.notEqual(r.status, 0, `serve should exit non-zero; stderr: ${r.stderr}`);
  assert.equal(r.signal, null);
  return r;
}

test("account create mints the key file; DB and key are 0600", FILES, () => {
  acc = sb.cliOk(["account", "create", "keyshop"], { env: FILE_KEY });
  sb.cliOk(["account", "activate", acc.AccountId], { json: false, env: FILE_KEY });
  assert.match(fs.readFileSync(keyFile, "utf8"), /^[0-9a-f]{64}\n$/);
  for (const p of [sb.db, keyFile, `${sb.db}-wal`, `${sb.db}-shm`]) {
    if (fs.existsSync(p)) assertOwnerOnly(p);  // -wal/-shm go when the last connection closes
  }
});

test("serve runs with the key file; DB, -wal and -shm are 0600 while it serves", FILES, async () => {
  const srv = await sb.startServer({ env: FILE_KEY });
  try {
    const res = await srv.client(acc.SecretId, acc.SecretKey).DetectPet({ ImageBase64: dogB64() });
    assert.equal(res.Pets[0].Name, "dog");
    for (const p of [sb.db, `${sb.db}-wal`, `${sb.db}-shm`, keyFile]) assertOwnerOnly(p);
  } finally {
    await srv.stopOk();
  }
});

test("key file lost: serve refuses naming the file, mints nothing; key-free commands still work", FILES, () => {
  const saved = fs.readFileSync(keyFile);
  fs.rmSync(keyFile);
  try {
    const r = serveRefused(FILE_KEY);
    assert.match(r.stderr, /MasterKeyMissing/);
    assert.ok(r.stderr.includes(keyFile), `the message names ${keyFile}: ${r.stderr}`);
    assert.ok(r.stderr.includes("KANJIAN_MASTER_KEY"), r.stderr);
    assert.equal(fs.existsSync(keyFile), false, "no key may be minted over sealed secrets");

    // Sealing a new SecretKey needs the key: refused, nothing written.
    for (const args of [["account", "create", "another"], ["account", "key", "create", acc.AccountId],
                        ["account", "key", "rotate", acc.SecretId]]) {
      const refused = sb.cli(args, { env: FILE_KEY });
      assert.equal(refused.code, 1, `${args.join(" ")}: ${refused.stdout}`);
      assert.equal(refused.json.Error.Code, "MasterKeyMissing", refused.stdout);
      assert.equal(fs.existsSync(keyFile), false);
    }
    // Neither sealing nor opening: these work on a database whose key is lost.
    const keys = sb.cliOk(["account", "key", "list", acc.AccountId], { env: FILE_KEY });
    assert.deepEqual(keys.Keys.map((k) => k.SecretId), [acc.SecretId]);
    sb.cliOk(["account", "key", "disable", acc.SecretId], { env: FILE_KEY });
    sb.cliOk(["account", "key", "enable", acc.SecretId], { env: FILE_KEY });
    sb.cliOk(["account", "show", acc.AccountId], { env: FILE_KEY });
  } finally {
    fs.writeFileSync(keyFile, saved, { mode: 0o600 });
  }
});

test("a wrong key (file or variable) is refused as a mismatch, naming where it came from", FILES, () => {
  const saved = fs.readFileSync(keyFile);
  fs.writeFileSync(keyFile, `${OTHER_KEY}\n`);
  try {
    const r = serveRefused(FILE_KEY);
    assert.match(r.stderr, /MasterKeyMismatch/);
    assert.ok(r.stderr.includes(keyFile), r.stderr);
    assert.equal(fs.readFileSync(keyFile, "utf8"), `${OTHER_KEY}\n`, "the file is left alone");
    const create = sb.cli(["account", "create", "sealed-wrong"], { env: FILE_KEY });
    assert.equal(create.json.Error.Code, "MasterKeyMismatch", create.stdout);
  } finally {
    fs.writeFileSync(keyFile, saved);
  }
  const viaEnv = serveRefused({ KANJIAN_MASTER_KEY: OTHER_KEY });
  assert.match(viaEnv.stderr, /MasterKeyMismatch/);
  assert.ok(viaEnv.stderr.includes("KANJIAN_MASTER_KEY"), viaEnv.stderr);
  // Nothing was sealed under a wrong key: the account list is unchanged.
  assert.equal(sb.cli(["account", "show", "sealed-wrong"]).code, 1);
});

test("a database and key file left readable by others are tightened to 0600", FILES, () => {
  fs.chmodSync(sb.db, 0o644);
  fs.chmodSync(keyFile, 0o644);
  const r = sb.cli(["account", "key", "create", acc.AccountId], { env: FILE_KEY });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assertOwnerOnly(sb.db);
  assertOwnerOnly(keyFile);
  assert.match(r.stderr, /was mode 0644.*changed to 0600/);
});

test("PostgreSQL: without KANJIAN_MASTER_KEY serve and sealing commands refuse, key-free ones work, no file is written", PG_ONLY, () => {
  acc = sb.cliOk(["account", "create", "keyshop"]);  // with the variable (childEnv)
  const r = serveRefused(FILE_KEY);
  assert.match(r.stderr, /MasterKeyMissing/);
  assert.ok(r.stderr.includes("KANJIAN_MASTER_KEY"), r.stderr);
  for (const args of [["account", "create", "another"], ["account", "key", "create", acc.AccountId]]) {
    const refused = sb.cli(args, { env: FILE_KEY });
    assert.equal(refused.code, 1, `${args.join(" ")}: ${refused.stdout}`);
    assert.equal(refused.json.Error.Code, "MasterKeyMissing", refused.stdout);
  }
  const keys = sb.cliOk(["account", "key", "list", acc.AccountId], { env: FILE_KEY });
  assert.deepEqual(keys.Keys.map((k) => k.SecretId), [acc.SecretId]);
  sb.cliOk(["account", "activate", acc.AccountId], { json: false, env: FILE_KEY });
  assert.equal(sb.cli(["account", "show", "another"]).code, 1, "nothing was created without the key");
  assert.equal(fs.existsSync(keyFile), false, "no key file beside a URI");
  assert.deepEqual(fs.readdirSync(sb.dir).filter((f) => f.endsWith(".key")), []);
});

test("PostgreSQL: a wrong KANJIAN_MASTER_KEY is refused as a mismatch naming the variable", PG_ONLY, async () => {
  const r = serveRefused({ KANJIAN_MASTER_KEY: OTHER_KEY });
  assert.match(r.stderr, /MasterKeyMismatch/);
  assert.ok(r.stderr.includes("KANJIAN_MASTER_KEY"), r.stderr);
  const create = sb.cli(["account", "create", "sealed-wrong"], { env: { KANJIAN_MASTER_KEY: OTHER_KEY } });
  assert.equal(create.json.Error.Code, "MasterKeyMismatch", create.stdout);
  assert.equal(sb.cli(["account", "show", "sealed-wrong"]).code, 1);
  // The right key still serves.
  const srv = await sb.startServer();
  try {
    const res = await srv.client(acc.SecretId, acc.SecretKey).DetectPet({ ImageBase64: dogB64() });
    assert.equal(res.Pets[0].Name, "dog");
  } finally {
    await srv.stopOk();
  }
});
