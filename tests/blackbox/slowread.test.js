"use strict";
// Slow readers of a large static file (what `slowhttptest -X` does): N
// connections each ask for a 1 MiB file and then never read. Answers are
// written from the one shared copy of the file, so while they hang the
// server's resident memory grows by what a connection costs (a few KiB and
// the kernel's socket buffers, which VmRSS does not count), not by N copies
// of the file; and it comes back once they are gone.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const fs = require("node:fs");
const http = require("node:http");
const net = require("node:net");
const os = require("node:os");
const path = require("node:path");
const { useServer, sleep } = require("./harness");

const N = 1000;           // the server's default --max-connections is 1024
const FILE_BYTES = 1 << 20;
const BOUND_MB = 64;      // what N slow readers may add
const RETURN_MB = 32;     // what may stay once they have gone (allocator noise)

const consoleDir = fs.mkdtempSync(path.join(os.tmpdir(), "kanjian-slowread-"));
// Random hex: text a browser would get compressed, sent here uncompressed
// (no Accept-Encoding), so every reader is owed the full MiB.
const big = crypto.randomBytes(FILE_BYTES / 2).toString("hex");
fs.writeFileSync(path.join(consoleDir, "big.js"), big);
fs.writeFileSync(path.join(consoleDir, "index.html"), "<!doctype html>\n");

const env = useServer("slowread", "slowread-owner", { extraArgs: ["--console-dir", consoleDir] });

function rssMb(pid) {
  const m = fs.readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB$/m);
  assert.ok(m, `no VmRSS in /proc/${pid}/status`);
  return Number(m[1]) / 1024;
}

function fetchWhole(port) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/console/big.js", agent: false, timeout: 10000 }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString("latin1") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("GET timed out")));
    req.on("error", reject);
  });
}

/** A connection that sends the request and reads one chunk of the answer, no more. */
function slowReader(port) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: "127.0.0.1", port });
    const timer = setTimeout(() => { sock.destroy(); reject(new Error("connect timed out")); }, 10000);
    sock.once("connect", () => {
      clearTimeout(timer);
      // The first chunk of the answer, then nothing more is read.
      sock.once("data", () => { sock.pause(); sock.answered = true; });
      sock.write("GET /console/big.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      resolve(sock);
    });
    sock.on("error", () => {});  // reset at the end
    sock.once("error", (e) => { clearTimeout(timer); reject(e); });
  });
}

test(`${N} slow readers of a 1 MiB file add at most ${BOUND_MB} MB to the server's VmRSS`, async () => {
  const port = env.srv.port;
  const pid = env.srv.proc.pid;
  const first = await fetchWhole(port);  // loads the file once
  assert.equal(first.status, 200);
  assert.equal(first.body, big);
  await sleep(500);
  const before = rssMb(pid);

  const socks = [];
  try {
    for (let i = 0; i < N; i += 100) {
      socks.push(...await Promise.all(Array.from({ length: Math.min(100, N - i) }, () => slowReader(port))));
    }
    // Every reader has been answered: some of its bytes reached its socket.
    const deadline = Date.now() + 20000;
    while (socks.some((s) => !s.answered)) {
      assert.ok(Date.now() < deadline, "not every slow reader got the start of an answer within 20 s");
      await sleep(100);
    }
    let peak = 0;
    for (let i = 0; i < 15; i++) {
      peak = Math.max(peak, rssMb(pid));
      await sleep(200);
    }
    // Someone who reads still gets the whole file meanwhile.
    const other = await fetchWhole(port);
    assert.equal(other.body, big);
    console.log(`# VmRSS ${before.toFixed(1)} MB before, ${peak.toFixed(1)} MB peak with ${N} slow readers`);
    assert.ok(peak - before <= BOUND_MB,
      `${N} slow readers took VmRSS from ${before.toFixed(1)} to ${peak.toFixed(1)} MB (bound +${BOUND_MB})`);
  } finally {
    for (const s of socks) s.destroy();
  }
  // The server learns of each reset on its next write; then memory returns.
  let after = Infinity;
  for (let i = 0; i < 50 && after - before > RETURN_MB; i++) {
    await sleep(200);
    after = rssMb(pid);
  }
  console.log(`# VmRSS ${after.toFixed(1)} MB once the readers are gone`);
  assert.ok(after - before <= RETURN_MB,
    `VmRSS stayed at ${after.toFixed(1)} MB after the slow readers left (was ${before.toFixed(1)})`);
  fs.rmSync(consoleDir, { recursive: true, force: true });
});
