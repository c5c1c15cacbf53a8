"use strict";
// Reloads release what they replace: after a first reload (the set loaded
// at start and its replacement both exist once), N more SIGHUP reloads of
// the whole bundled set (detector, OCR, faces, embedder) must leave resident
// memory within BOUND_MB of what it was after that first one.
// A set is about 100 MB; without malloc_trim every reload kept its old set's
// pages (figures: docs/developers/benchmarks.md). The bound is one set:
// keeping even one replaced set alive per 10 reloads fails, allocator noise
// passes.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { useServer, sleep } = require("./harness");

const RELOADS = 10;
const BOUND_MB = 100;

const confDir = fs.mkdtempSync(path.join(os.tmpdir(), "kanjian-reloadmem-"));
const configPath = path.join(confDir, "models.json");
fs.writeFileSync(configPath, "{}\n");

const env = useServer("reloadmem", "reloadmem-owner", { extraArgs: ["--models-config", configPath] });

function rssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const m = status.match(/^VmRSS:\s+(\d+) kB$/m);
  assert.ok(m, `no VmRSS in /proc/${pid}/status`);
  return Number(m[1]) / 1024;
}

const logged = (re) => (env.srv.logTail(1e9).match(re) || []).length;
const RELOADED = /SIGHUP: models reloaded/g;
const TRIMMED = /model set released: memory returned/g;

async function waitFor(what, done) {
  const deadline = Date.now() + 120000;
  while (!done()) {
    assert.ok(Date.now() < deadline, `${what} not logged within 120 s: ${env.srv.logTail()}`);
    assert.equal(env.srv.exit, null, `serve exited: ${env.srv.logTail()}`);
    await sleep(100);
  }
}

/**
 * Sends SIGHUP and waits until the server logs the reload as done and, when
 * `released` sets were replaced by now, their memory as returned (that runs
 * on a thread of its own). Without traffic the engine keeps the set loaded
 * at start, so the k-th reload has released k-1 sets.
 */
async function reload(released) {
  const before = logged(RELOADED);
  process.kill(env.srv.proc.pid, "SIGHUP");
  await waitFor("the reload", () => logged(RELOADED) > before);
  await waitFor(`${released} releases`, () => logged(TRIMMED) >= released);
}

test(`${RELOADS} SIGHUP reloads keep VmRSS within ${BOUND_MB} MB of the first reload's`, async () => {
  const pid = env.srv.proc.pid;
  const atStart = rssMb(pid);
  await reload(0);
  const first = rssMb(pid);
  const seen = [];
  for (let i = 0; i < RELOADS; i++) {
    await reload(i + 1);
    seen.push(Math.round(rssMb(pid)));
  }
  const last = rssMb(pid);
  console.log(`VmRSS MB: start ${Math.round(atStart)}, after 1 reload ${Math.round(first)}, ` +
              `after each further reload ${seen.join(" ")}`);
  assert.ok(last <= first + BOUND_MB,
    `VmRSS grew from ${first.toFixed(0)} MB to ${last.toFixed(0)} MB over ${RELOADS} reloads ` +
    `(bound +${BOUND_MB} MB): ${seen.join(" ")}`);
  fs.rmSync(confDir, { recursive: true, force: true });
});
