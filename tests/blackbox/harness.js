"use strict";
// Black-box harness: temp dir + DB, CLI invocations, `serve` lifecycle and an
// official-SDK client factory. Everything talks to the binary from outside.
const assert = require("node:assert/strict");
const fs = require("node:fs");
const http = require("node:http");
const os = require("node:os");
const path = require("node:path");
const net = require("node:net");
const { spawn, spawnSync } = require("node:child_process");
const tc = require("tencentcloud-sdk-nodejs");
const { httpGet } = require("./tc3");

const REPO = path.resolve(__dirname, "..", "..");
const BIN = process.env.KANJIAN_BIN || path.join(REPO, "build", "kanjian");
// Fixed master key so runs are deterministic (spec: env KANJIAN_MASTER_KEY, 64 hex).
const MASTER_KEY = process.env.KANJIAN_TEST_MASTER_KEY ||
  "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const DARKNET = "/usr/share/darknet/data";
const DOG_JPG = path.join(DARKNET, "dog.jpg");     // 768x576: dog, bicycle, truck
const EAGLE_JPG = path.join(DARKNET, "eagle.jpg"); // 773x512: a bird, no cat/dog
const HEALTH_TIMEOUT_MS = 60000;
const STOP_TIMEOUT_MS = 30000;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function requireBinary() {
  if (!fs.existsSync(BIN)) {
    throw new Error(`kanjian binary not found at ${BIN} (build it, or set KANJIAN_BIN)`);
  }
}

function childEnv(extra = {}) {
  return { ...process.env, KANJIAN_MASTER_KEY: MASTER_KEY, ...extra };
}

function psql(uri, sql) {
  const r = spawnSync("psql", [uri, "-qAtc", sql], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`psql ${sql}: ${r.stderr || r.error}`);
}

/** A fresh temp dir and DB path; call cleanup() at the end. */
class Sandbox {
  constructor(label = "bb") {
    requireBinary();
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `kanjian-${label}-`));
    this.db = path.join(this.dir, "kanjian.db");
    this.servers = [];
    // KANJIAN_BLACKBOX_PG=postgresql://…/DB (a database the test may create
    // databases from): each sandbox gets a fresh PostgreSQL database instead
    // of a SQLite file (docs/operators/postgresql.md).
    const pg = process.env.KANJIAN_BLACKBOX_PG;
    if (pg) {
      // At most 63 bytes (PostgreSQL truncates longer names silently).
      const tag = label.replace(/[^a-z0-9]/gi, "_").toLowerCase().slice(0, 24);
      this.pgName = `bb_${tag}_${process.pid}_${Date.now()}`;
      psql(pg, `CREATE DATABASE ${this.pgName}`);
      this.db = pg.replace(/\/[^/?]*(\?.*)?$/, (_, query) => `/${this.pgName}${query || ""}`);
    }
  }

  /**
   * Runs one SQL statement on the sandbox's database behind the server's
   * back (psql on PostgreSQL, Debian's sqlite3 shell on SQLite); returns
   * its {status, stdout, stderr}.
   */
  sql(statement) {
    const [cmd, args] = this.pgName ? ["psql", [this.db, "-qAtc", statement]]
                                    : ["sqlite3", [this.db, statement]];
    return spawnSync(cmd, args, { encoding: "utf8" });
  }

  /**
   * Runs the CLI: kanjian --db DB [--json] ...args. Returns {code, stdout, stderr, json}.
   * `env` adds to (or, with "", blanks) the child's environment.
   */
  cli(args, { json = true, timeoutMs = 60000, env = {} } = {}) {
    const argv = ["--db", this.db, ...(json ? ["--json"] : []), ...args];
    const r = spawnSync(BIN, argv, { env: childEnv(env), encoding: "utf8", timeout: timeoutMs });
    if (r.error) throw r.error;
    let parsed = null;
    if (json) { try { parsed = JSON.parse(r.stdout); } catch { /* not JSON */ } }
    return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, json: parsed, argv };
  }

  /** Like cli() but asserts exit 0 and (with json) a parsable JSON stdout. */
  cliOk(args, opts = {}) {
    const r = this.cli(args, opts);
    const desc = `kanjian ${r.argv.join(" ")}\nexit=${r.code} signal=${r.signal}\nstdout=${r.stdout}\nstderr=${r.stderr}`;
    assert.equal(r.code, 0, `CLI failed: ${desc}`);
    if (opts.json !== false) assert.ok(r.json, `CLI stdout is not JSON: ${desc}`);
    return r.json ?? r;
  }

  /** Creates an account (activated unless activate:false). Returns {AccountId, SecretId, SecretKey, name}. */
  createAccount(name, { activate = true } = {}) {
    const acc = this.cliOk(["account", "create", name]);
    for (const k of ["AccountId", "SecretId", "SecretKey"]) {
      assert.equal(typeof acc[k], "string", `account create: missing ${k} in ${JSON.stringify(acc)}`);
      assert.ok(acc[k].length > 0, `account create: empty ${k}`);
    }
    if (activate) this.cliOk(["account", "activate", acc.AccountId], { json: false });
    return { ...acc, name };
  }

  usage(account) {
    const u = this.cliOk(["usage", "list", account]);
    assert.ok(Array.isArray(u.Records), `usage list: no Records array in ${JSON.stringify(u)}`);
    return u.Records;
  }

  /** Starts `serve` on a free port and waits for /healthz 200. */
  async startServer({ extraArgs = [], attempts = 3, tlsCa = null, env = {} } = {}) {
    let lastErr;
    for (let i = 0; i < attempts; i++) {
      const port = await freePort();
      const srv = new Server(this, port, extraArgs, tlsCa, env);
      try {
        await srv.start();
        this.servers.push(srv);
        return srv;
      } catch (e) {
        lastErr = e;
        await srv.kill();
        if (!/address|bind|in use/i.test(String(e.message))) break;
      }
    }
    throw lastErr;
  }

  async cleanup() {
    for (const s of this.servers) await s.kill();
    if (this.pgName && !process.env.KANJIAN_KEEP_TMP)
      psql(process.env.KANJIAN_BLACKBOX_PG, `DROP DATABASE IF EXISTS ${this.pgName} WITH (FORCE)`);
    if (!process.env.KANJIAN_KEEP_TMP) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

class Server {
  constructor(sandbox, port, extraArgs, tlsCa = null, env = {}) {
    this.sandbox = sandbox;
    this.tlsCa = tlsCa; // PEM of the CA that signed --tls-cert: health checks go over HTTPS
    this.env = env;
    this.port = port;
    this.argv = ["--db", sandbox.db, "serve", "--listen", `127.0.0.1:${port}`, ...extraArgs];
    this.logPath = path.join(sandbox.dir, `serve-${port}.log`);
    this.exit = null; // {code, signal} once exited
  }

  async start() {
    const log = fs.openSync(this.logPath, "a");
    this.proc = spawn(BIN, this.argv, { env: childEnv(this.env), stdio: ["ignore", log, log] });
    fs.closeSync(log);
    this.exited = new Promise((resolve) => {
      this.proc.on("exit", (code, signal) => { this.exit = { code, signal }; resolve(this.exit); });
      this.proc.on("error", (err) => { this.exit = { code: null, signal: null, err }; resolve(this.exit); });
    });
    const deadline = Date.now() + HEALTH_TIMEOUT_MS;
    let last = "no answer";
    while (Date.now() < deadline) {
      if (this.exit) {
        throw new Error(`serve exited early (${JSON.stringify(this.exit)}): ${this.logTail()}`);
      }
      try {
        const r = await httpGet(this.port, "/healthz", 2000, this.tlsCa);
        if (r.status === 200) return;
        last = `HTTP ${r.status} ${r.text.slice(0, 200)}`;
      } catch (e) { last = e.message; }
      await sleep(100);
    }
    throw new Error(`/healthz not 200 within ${HEALTH_TIMEOUT_MS} ms (last: ${last}): ${this.logTail()}`);
  }

  logTail(n = 2000) {
    try { const t = fs.readFileSync(this.logPath, "utf8"); return t.slice(-n); } catch { return ""; }
  }

  /** Bytes logged so far: a mark for waitForLog. */
  logSize() {
    try { return fs.statSync(this.logPath).size; } catch { return 0; }
  }

  /**
   * Waits for an event the server logs: the first match of `re` written after
   * byte `from` (a logSize() mark). Rejects if the server exits or after
   * timeoutMs; the log is re-read every 20 ms.
   */
  async waitForLog(re, from = 0, timeoutMs = 60000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let text = "";
      try { text = fs.readFileSync(this.logPath).subarray(from).toString("utf8"); } catch { /* not yet */ }
      const m = text.match(re);
      if (m) return m[0];
      if (this.exit) throw new Error(`serve exited while waiting for ${re}: ${this.logTail()}`);
      if (Date.now() > deadline) throw new Error(`no ${re} in the log within ${timeoutMs} ms: ${this.logTail()}`);
      await sleep(20);
    }
  }

  /** SIGTERM and wait; resolves {code, signal}. */
  async stop(timeoutMs = STOP_TIMEOUT_MS) {
    if (this.exit) return this.exit;
    this.proc.kill("SIGTERM");
    let timer;
    const r = await Promise.race([
      this.exited, new Promise((res) => { timer = setTimeout(() => res(null), timeoutMs); })]);
    clearTimeout(timer);
    if (!r) {
      this.proc.kill("SIGKILL");
      await this.exited;
      throw new Error(`serve did not exit within ${timeoutMs} ms of SIGTERM: ${this.logTail()}`);
    }
    return r;
  }

  /** SIGTERM, then assert a clean exit 0. */
  async stopOk() {
    const r = await this.stop();
    assert.deepEqual({ code: r.code, signal: r.signal }, { code: 0, signal: null },
      `serve did not exit 0 after SIGTERM: ${JSON.stringify(r)}\n${this.logTail()}`);
  }

  async kill() {
    if (this.proc && !this.exit) {
      this.proc.kill("SIGKILL");
      await this.exited;
    }
  }

  client(secretId, secretKey, { reqTimeout = 60 } = {}) {
    return sdkClient(this.port, secretId, secretKey, { reqTimeout });
  }
}

function sdkClient(port, secretId, secretKey, { reqTimeout = 60 } = {}) {
  return new tc.tiia.v20190529.Client({
    credential: { secretId, secretKey },
    region: "ap-guangzhou",
    profile: { httpProfile: { protocol: "http://", endpoint: `127.0.0.1:${port}`, reqTimeout } },
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** True when 127.0.0.1:port can be listened on now. */
function portIsFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.unref();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

/**
 * A base port P for scripts/cluster.sh, which listens on P (HAProxy), P+1
 * (its stats), P+2 (PostgreSQL) and P+101… (the nodes). Drawn below the
 * kernel's ephemeral range (32768 and up), where client sockets never take
 * a neighbour between this check and the start, and checked free.
 */
async function freeClusterPort(nodes = 4) {
  const offsets = [0, 1, 2, ...Array.from({ length: nodes }, (_, i) => 101 + i)];
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 12000);
    let free = true;
    for (const o of offsets) if (!(await portIsFree(base + o))) { free = false; break; }
    if (free) return base;
  }
  throw new Error("no free port range for a cluster");
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs an SDK call expected to fail; returns the TencentCloudSDKHttpException.
 * Asserts the error came from the server's envelope (has .code) and its code.
 */
async function expectSdkError(promise, code, what = "") {
  let res;
  try {
    res = await promise;
  } catch (e) {
    assert.ok(e.code !== undefined,
      `${what}: expected error envelope with Code ${code}, got a transport/SDK error ` +
      `(httpCode=${e.httpCode}, message=${e.message})`);
    assert.equal(e.code, code, `${what}: wrong error code (message: ${e.message}, requestId: ${e.requestId})`);
    assert.match(e.requestId, UUID_RE, `${what}: RequestId ${JSON.stringify(e.requestId)} is not a UUID`);
    return e;
  }
  assert.fail(`${what}: expected error ${code}, got success ${JSON.stringify(res).slice(0, 500)}`);
}

/**
 * Records the RequestIds of successful (billable) and failed calls per account,
 * then checks `usage list` against them: exactly one record per success, none
 * for any failure.
 */
class Ledger {
  constructor() { this.ok = new Map(); this.failed = new Map(); }
  _bucket(m, account) { if (!m.has(account)) m.set(account, []); return m.get(account); }
  success(account, requestId, action = "DetectPet") {
    assert.match(String(requestId), UUID_RE, `success RequestId ${requestId} is not a UUID`);
    this._bucket(this.ok, account).push({ requestId, action });
  }
  failure(account, requestId) { if (requestId) this._bucket(this.failed, account).push(requestId); }
  /** Wraps an SDK promise that should fail with `code`, recording its RequestId. */
  async expectError(account, promise, code, what) {
    const e = await expectSdkError(promise, code, what);
    this.failure(account, e.requestId);
    return e;
  }
  verify(sandbox, account) {
    const records = sandbox.usage(account);
    const ids = records.map((r) => r.RequestId);
    const expected = (this.ok.get(account) || []);
    const failed = new Set(this.failed.get(account) || []);
    const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
    assert.deepEqual(dupes, [], `usage list for ${account} has duplicate RequestIds`);
    const billedFailures = ids.filter((id) => failed.has(id));
    assert.deepEqual(billedFailures, [], `usage list for ${account} bills failed calls`);
    assert.deepEqual([...ids].sort(), expected.map((e) => e.requestId).sort(),
      `usage list for ${account} does not match the successful calls; records=${JSON.stringify(records)}`);
    const byId = new Map(records.map((r) => [r.RequestId, r]));
    for (const e of expected) {
      const r = byId.get(e.requestId);
      assert.equal(r.Action, e.action, `usage record ${e.requestId} Action`);
      assert.ok(r.At !== undefined && r.At !== null && r.At !== "", `usage record ${e.requestId} has no At`);
    }
    return records;
  }
}

let dogB64Cache = null;
function dogB64() {
  if (!dogB64Cache) dogB64Cache = fs.readFileSync(DOG_JPG).toString("base64");
  return dogB64Cache;
}

/**
 * Registers node:test hooks for the common file shape: one sandbox, one
 * activated account, one server, a ledger verified before the server stops.
 * Returns an object whose sb/srv/acc/client fields are set once `before` ran.
 */
function useServer(label, accountName, { extraArgs = [] } = {}) {
  const { before, after } = require("node:test");
  const ctx = { sb: null, srv: null, acc: null, client: null, ledger: new Ledger() };
  before(async () => {
    ctx.sb = new Sandbox(label);
    ctx.acc = ctx.sb.createAccount(accountName);
    ctx.srv = await ctx.sb.startServer({ extraArgs });
    ctx.client = ctx.srv.client(ctx.acc.SecretId, ctx.acc.SecretKey);
  });
  after(async () => {
    try {
      if (ctx.srv) {
        ctx.ledger.verify(ctx.sb, ctx.acc.AccountId);
        await ctx.srv.stopOk();
      }
    } finally {
      if (ctx.sb) await ctx.sb.cleanup();
    }
  });
  return ctx;
}

/**
 * A local HTTP server answering every path with dog.jpg, for ImageUrl calls
 * (the server needs --image-url-allow 127.0.0.1 --image-url-allow-loopback-for-tests).
 * Resolves to { server, url }.
 */
async function startDogImageServer() {
  const dog = fs.readFileSync(DOG_JPG);
  const server = http.createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "image/jpeg" });
    res.end(dog);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}/dog.jpg` };
}

// mulberry32: a small seeded generator, so a failing run can be replayed
// from the seed it prints.
function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

module.exports = {
  useServer, seededRandom, startDogImageServer,
  BIN, REPO, MASTER_KEY, DOG_JPG, EAGLE_JPG, UUID_RE,
  Sandbox, Server, Ledger, sdkClient, freePort, freeClusterPort, sleep, expectSdkError, dogB64, requireBinary, childEnv,
};
