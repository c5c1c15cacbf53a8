"use strict";
// Authentication, key lifecycle, request shape and account state, through the
// official SDK where it can express the case and raw HTTP (own TC3 signer)
// where it cannot. Ends by checking that only successful calls were metered.
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const { Sandbox, Ledger, UUID_RE, dogB64 } = require("./harness");
const { rawCall } = require("./tc3");

let sb, srv, acc, idle;
const ledger = new Ledger();
const IMG = () => ({ ImageBase64: dogB64() });

before(async () => {
  sb = new Sandbox("auth");
  acc = sb.createAccount("auth-main");
  idle = sb.createAccount("auth-idle", { activate: false });
  srv = await sb.startServer();
});

after(async () => {
  try {
    if (srv) await srv.stopOk();
  } finally {
    if (sb) await sb.cleanup();
  }
});

async function expectOk(client, what) {
  const res = await client.DetectPet(IMG()).catch((e) => {
    assert.fail(`${what}: expected success, got code=${e.code} message=${e.message} requestId=${e.requestId}`);
  });
  assert.match(res.RequestId, UUID_RE);
  ledger.success(acc.AccountId, res.RequestId);
  return res;
}

/** Raw call with acc's key; asserts HTTP 200 and the error Code; records the failure. */
async function expectRawError(opts, code, what) {
  const r = await rawCall({
    port: srv.port, action: "DetectPet", secretId: acc.SecretId, secretKey: acc.SecretKey,
    body: IMG(), ...opts,
  });
  assert.equal(r.status, 200, `${what}: HTTP status (body ${r.text.slice(0, 300)})`);
  assert.ok(r.json && r.json.Response, `${what}: no envelope: ${r.text.slice(0, 300)}`);
  const err = r.json.Response.Error;
  assert.ok(err, `${what}: expected error ${code}, got success ${r.text.slice(0, 300)}`);
  assert.equal(err.Code, code, `${what}: ${r.text}`);
  assert.match(r.json.Response.RequestId, UUID_RE, `${what}: RequestId`);
  ledger.failure(acc.AccountId, r.json.Response.RequestId);
  return r;
}

test("valid key works (SDK)", async () => {
  await expectOk(srv.client(acc.SecretId, acc.SecretKey), "valid key");
});

test("wrong SecretKey -> AuthFailure.SignatureFailure", async () => {
  const bad = acc.SecretKey.slice(0, -1) + (acc.SecretKey.endsWith("A") ? "B" : "A");
  await ledger.expectError(acc.AccountId, srv.client(acc.SecretId, bad).DetectPet(IMG()),
    "AuthFailure.SignatureFailure", "wrong SecretKey");
});

test("unknown SecretId -> AuthFailure.SecretIdNotFound", async () => {
  await ledger.expectError(acc.AccountId,
    srv.client("AKIDnoSuchKey0000000000000000000000", acc.SecretKey).DetectPet(IMG()),
    "AuthFailure.SecretIdNotFound", "unknown SecretId");
});

test("key lifecycle: create, disable, rotate", async () => {
  const k2 = sb.cliOk(["account", "key", "create", acc.AccountId]);
  assert.ok(k2.SecretId && k2.SecretKey, JSON.stringify(k2));
  const k3 = sb.cliOk(["account", "key", "create", acc.name]);
  await expectOk(srv.client(k2.SecretId, k2.SecretKey), "second key");
  await expectOk(srv.client(k3.SecretId, k3.SecretKey), "third key");

  // disable k2
  sb.cliOk(["account", "key", "disable", k2.SecretId], { json: false });
  let keys = sb.cliOk(["account", "key", "list", acc.AccountId]).Keys;
  const st = (id) => (keys.find((k) => k.SecretId === id) || {}).Status;
  assert.equal(st(k2.SecretId), "disabled", JSON.stringify(keys));
  assert.equal(st(acc.SecretId), "enabled", JSON.stringify(keys));
  for (const k of keys) assert.ok(k.CreatedAt, `CreatedAt for ${k.SecretId}`);
  assert.ok(!keys.some((k) => "SecretKey" in k), "key list must not reveal SecretKeys");
  await ledger.expectError(acc.AccountId, srv.client(k2.SecretId, k2.SecretKey).DetectPet(IMG()),
    "AuthFailure.SecretIdNotFound", "disabled key");

  // rotate k3 -> k4: new key works, old one fails
  const k4 = sb.cliOk(["account", "key", "rotate", k3.SecretId]);
  assert.ok(k4.SecretId && k4.SecretKey, JSON.stringify(k4));
  assert.notEqual(k4.SecretId, k3.SecretId);
  keys = sb.cliOk(["account", "key", "list", acc.AccountId]).Keys;
  assert.equal(st(k3.SecretId), "disabled", JSON.stringify(keys));
  assert.equal(st(k4.SecretId), "enabled", JSON.stringify(keys));
  await expectOk(srv.client(k4.SecretId, k4.SecretKey), "rotated (new) key");
  await ledger.expectError(acc.AccountId, srv.client(k3.SecretId, k3.SecretKey).DetectPet(IMG()),
    "AuthFailure.SecretIdNotFound", "rotated (old) key");
});

test("CLI errors: non-zero exit and a JSON Error on stdout", () => {
  const r = sb.cli(["account", "key", "disable", "AKIDnoSuchKey0000000000000000000000"]);
  assert.notEqual(r.code, 0, `exit code (stdout ${r.stdout})`);
  assert.ok(r.json && r.json.Error && typeof r.json.Error.Code === "string" &&
    typeof r.json.Error.Message === "string", `stdout: ${r.stdout}`);
});

test("raw signed request (own signer) succeeds", async () => {
  const r = await rawCall({
    port: srv.port, action: "DetectPet", secretId: acc.SecretId, secretKey: acc.SecretKey, body: IMG(),
  });
  assert.equal(r.status, 200);
  assert.ok(r.json && r.json.Response && !r.json.Response.Error, r.text.slice(0, 300));
  ledger.success(acc.AccountId, r.json.Response.RequestId);
});

test("signed host with port (C++ SDK style) is accepted", async () => {
  const r = await rawCall({
    port: srv.port, action: "DetectPet", secretId: acc.SecretId, secretKey: acc.SecretKey,
    body: IMG(), signedHost: `127.0.0.1:${srv.port}`,
  });
  assert.equal(r.status, 200);
  assert.ok(r.json && r.json.Response && !r.json.Response.Error, r.text.slice(0, 300));
  ledger.success(acc.AccountId, r.json.Response.RequestId);
});

test("timestamp 10 minutes old -> AuthFailure.SignatureExpire", async () => {
  await expectRawError({ timestamp: Math.floor(Date.now() / 1000) - 600 },
    "AuthFailure.SignatureExpire", "stale timestamp");
});

test("timestamp 10 minutes ahead -> AuthFailure.SignatureExpire", async () => {
  await expectRawError({ timestamp: Math.floor(Date.now() / 1000) + 600 },
    "AuthFailure.SignatureExpire", "future timestamp");
});

test("scope date != timestamp's UTC date -> AuthFailure.SignatureFailure", async () => {
  await expectRawError({ scopeDate: "2001-01-01" }, "AuthFailure.SignatureFailure", "scope date");
});

test("tampered body (signed one body, sent another) -> AuthFailure.SignatureFailure", async () => {
  await expectRawError({ signBody: { ImageBase64: "AAAA" } }, "AuthFailure.SignatureFailure", "tampered body");
});

test("malformed Authorization header -> AuthFailure.InvalidAuthorization", async () => {
  await expectRawError({ authorization: "garbage" }, "AuthFailure.InvalidAuthorization", "garbage header");
  await expectRawError({ authorization: `TC3-HMAC-SHA256 Credential=${acc.SecretId}/` },
    "AuthFailure.InvalidAuthorization", "truncated header");
  await expectRawError({ authorization: null }, "AuthFailure.InvalidAuthorization", "no Authorization header");
});

test("unknown action -> InvalidAction", async () => {
  const c = srv.client(acc.SecretId, acc.SecretKey);
  await ledger.expectError(acc.AccountId, c.request("NoSuchAction", IMG()), "InvalidAction", "NoSuchAction");
});

test("wrong X-TC-Version -> NoSuchVersion", async () => {
  await expectRawError({ version: "2017-03-12" }, "NoSuchVersion", "version 2017-03-12");
});

test("account not activated -> ResourceUnavailable.NotExist", async () => {
  await ledger.expectError(idle.AccountId, srv.client(idle.SecretId, idle.SecretKey).DetectPet(IMG()),
    "ResourceUnavailable.NotExist", "non-activated account");
});

test("usage list: exactly the successful calls are metered", () => {
  const records = ledger.verify(sb, acc.AccountId);
  assert.equal(records.length, 6);
  assert.deepEqual(ledger.verify(sb, idle.AccountId), []);
});
