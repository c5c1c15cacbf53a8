"use strict";
// Per-account, per-action QPS limit: `serve --qps DetectPet=2`.
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const { Sandbox, Ledger, sleep, dogB64 } = require("./harness");

let sb, srv, acc, other;
const ledger = new Ledger();

before(async () => {
  sb = new Sandbox("qps");
  acc = sb.createAccount("qps-busy");
  other = sb.createAccount("qps-other");
  srv = await sb.startServer({ extraArgs: ["--qps", "DetectPet=2"] });
});

after(async () => {
  try {
    if (srv) await srv.stopOk();
  } finally {
    if (sb) await sb.cleanup();
  }
});

// n DetectPet calls at once; onLimited runs as soon as one is refused.
async function settle(account, client, n, onLimited = () => {}) {
  const results = await Promise.allSettled(Array.from({ length: n }, () =>
    client.DetectPet({ ImageBase64: dogB64() }).catch((e) => {
      if (e.code === "RequestLimitExceeded") onLimited();
      throw e;
    })));
  const out = { ok: 0, limited: 0, other: [] };
  for (const r of results) {
    if (r.status === "fulfilled") {
      out.ok++;
      ledger.success(account, r.value.RequestId);
    } else if (r.reason.code === "RequestLimitExceeded") {
      out.limited++;
      ledger.failure(account, r.reason.requestId);
    } else {
      out.other.push(`code=${r.reason.code} message=${r.reason.message}`);
    }
  }
  return out;
}

test("8 concurrent DetectPet at --qps DetectPet=2 -> some RequestLimitExceeded", async (t) => {
  const busy = srv.client(acc.SecretId, acc.SecretKey);
  // The limit is per account: the other account calls the moment the busy
  // one is first refused (its bucket then empty), an event rather than a delay.
  let refusedOnce;
  const refused = new Promise((resolve) => { refusedOnce = resolve; });
  const [a, b] = await Promise.all([
    settle(acc.AccountId, busy, 8, () => refusedOnce()).finally(() => refusedOnce()),
    refused.then(() => settle(other.AccountId, srv.client(other.SecretId, other.SecretKey), 1)),
  ]);
  t.diagnostic(`busy account: ${JSON.stringify(a)}; other account: ${JSON.stringify(b)}`);
  assert.deepEqual(a.other, [], "only successes and RequestLimitExceeded");
  assert.ok(a.limited >= 1, "at least one call is rate limited");
  assert.ok(a.ok >= 1, "at least one call passes");
  assert.ok(a.ok <= 4, `at most ~2 QPS (+burst) pass, got ${a.ok}`);
  assert.deepEqual(b, { ok: 1, limited: 0, other: [] }, "other account is not limited");
});

test("limit recovers once the bucket refills", async () => {
  // Waits for the refill itself: calls until one passes. Those refused
  // meanwhile are expected, and the last test checks none was metered.
  const client = srv.client(acc.SecretId, acc.SecretKey);
  const deadline = Date.now() + 10000;
  let r;
  for (;;) {
    r = await settle(acc.AccountId, client, 1);
    assert.deepEqual(r.other, [], "only successes and RequestLimitExceeded");
    if (r.ok === 1 || Date.now() > deadline) break;
    await sleep(50);  // pacing between attempts, not a guess at the refill time
  }
  assert.deepEqual(r, { ok: 1, limited: 0, other: [] }, "a call passes within 10 s at 2 QPS");
});

test("usage list: rate-limited calls are not metered", () => {
  ledger.verify(sb, acc.AccountId);
  ledger.verify(sb, other.AccountId);
});
