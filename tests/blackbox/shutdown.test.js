"use strict";
// Graceful shutdown: SIGTERM while 2 DetectPet calls are in flight; both
// complete successfully and are metered; the process exits 0.
const { test, after } = require("node:test");
const assert = require("node:assert/strict");
const http = require("node:http");
const tc = require("tencentcloud-sdk-nodejs");
const fs = require("node:fs");
const { spawn } = require("node:child_process");
const { Sandbox, Server, BIN, childEnv, Ledger, sleep, dogB64 } = require("./harness");

let sb;
after(async () => { if (sb) await sb.cleanup(); });

/** An http.Agent that remembers its sockets, so we can see when a request was flushed. */
class TrackingAgent extends http.Agent {
  constructor() { super({ keepAlive: false }); this.tracked = []; }
  createConnection(options, cb) {
    const s = super.createConnection(options, cb);
    this.tracked.push(s);
    return s;
  }
}

function trackedClient(port, acc, agent) {
  return new tc.tiia.v20190529.Client({
    credential: { secretId: acc.SecretId, secretKey: acc.SecretKey },
    region: "ap-guangzhou",
    profile: { httpProfile: { protocol: "http://", endpoint: `127.0.0.1:${port}`, reqTimeout: 60, agent } },
  });
}

test("SIGTERM with 2 DetectPet calls in flight: both succeed, both metered, exit 0", async (t) => {
  sb = new Sandbox("term");
  const acc = sb.createAccount("term");
  const ledger = new Ledger();
  const srv = await sb.startServer();
  const client = srv.client(acc.SecretId, acc.SecretKey);

  // Warm up and measure one call's latency.
  let t0 = Date.now();
  const warm = await client.DetectPet({ ImageBase64: dogB64() });
  ledger.success(acc.AccountId, warm.RequestId);
  const latency = Date.now() - t0;

  const bodyLen = JSON.stringify({ ImageBase64: dogB64() }).length;
  const agent = new TrackingAgent();
  const c2 = trackedClient(srv.port, acc, agent);
  const done = [];
  const calls = [0, 1].map(() => c2.DetectPet({ ImageBase64: dogB64() })
    .then((r) => { done.push(Date.now()); return r; }));
  calls.forEach((p) => p.catch(() => {})); // handled below

  // Wait until both requests are fully handed to the kernel, then give the
  // server a fraction of one call's latency to read them, then SIGTERM.
  const deadline = Date.now() + 10000;
  while (!(agent.tracked.length === 2 && agent.tracked.every(
    (s) => s.bytesWritten >= bodyLen && s.writableLength === 0))) {
    assert.ok(Date.now() < deadline, "requests were not sent within 10 s");
    await sleep(1);
  }
  await sleep(Math.max(5, Math.min(100, Math.floor(latency / 4))));
  const termAt = Date.now();
  srv.proc.kill("SIGTERM");

  const results = await Promise.allSettled(calls);
  const exit = await srv.stop();
  t.diagnostic(`single-call latency ${latency} ms; responses ${done.map((d) => d - termAt)} ms after SIGTERM; exit ${JSON.stringify(exit)}`);
  if (!done.every((d) => d >= termAt)) {
    t.diagnostic("WARNING: a response arrived before SIGTERM; the in-flight case was not exercised");
  }
  for (const r of results) {
    assert.equal(r.status, "fulfilled",
      `in-flight call failed: code=${r.reason && r.reason.code} message=${r.reason && r.reason.message}\n${srv.logTail()}`);
    ledger.success(acc.AccountId, r.value.RequestId);
    assert.ok(r.value.Pets.some((p) => p.Name === "dog"));
  }
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null },
    `exit after SIGTERM\n${srv.logTail()}`);
  // Metering survived the shutdown (read after the server is gone).
  ledger.verify(sb, acc.AccountId);
});

test("a second serve on a port already in use fails to start instead of sharing it", async () => {
  const box = new Sandbox("port");
  try {
    const first = await box.startServer();
    // Not Server.start(): its /healthz poll would be answered by the first.
    const second = new Server(box, first.port, []);
    const log = fs.openSync(second.logPath, "a");
    const proc = spawn(BIN, second.argv, { env: childEnv(), stdio: ["ignore", log, log] });
    fs.closeSync(log);
    const exited = new Promise((resolve) => proc.on("exit", (c) => resolve(c)));
    const code = await Promise.race([exited, sleep(30000).then(() => "running")]);
    if (code === "running") { proc.kill("SIGKILL"); await exited; }
    assert.notEqual(code, "running", "the second serve is still running: it shares the port");
    assert.notEqual(code, 0);
    assert.match(second.logTail(), /cannot listen on 127\.0\.0\.1:/);
    await first.stopOk();
  } finally {
    await box.cleanup();
  }
});
