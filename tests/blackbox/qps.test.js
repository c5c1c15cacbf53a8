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

async function settle(account, client, n) {
  const results = await Promise.allSettled(
    Array.from({ length: n }, () => client.DetectPet({ ImageBase64: dogB64() })));
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
  const [a, b] = await Promise.all([
    settle(acc.AccountId, busy, 8),
    // the limit is per account: another account's call in the same instant passes
    sleep(20).then(() => settle(other.AccountId, srv.client(other.SecretId, other.SecretKey), 1)),
  ]);
  t.diagnostic(`busy account: ${JSON.stringify(a)}; other account: ${JSON.stringify(b)}`);
  assert.deepEqual(a.other, [], "only successes and RequestLimitExceeded");
  assert.ok(a.limited >= 1, "at least one call is rate limited");
  assert.ok(a.ok >= 1, "at least one call passes");
  assert.ok(a.ok <= 4, `at most ~2 QPS (+burst) pass, got ${a.ok}`);
  assert.deepEqual(b, { ok: 1, limited: 0, other: [] }, "other account is not limited");
});

test("limit recovers after a pause", async () => {
  await sleep(1500);
  const r = await settle(acc.AccountId, srv.client(acc.SecretId, acc.SecretKey), 1);
  assert.deepEqual(r, { ok: 1, limited: 0, other: [] });
});

test("usage list: rate-limited calls are not metered", () => {
  ledger.verify(sb, acc.AccountId);
  ledger.verify(sb, other.AccountId);
});
