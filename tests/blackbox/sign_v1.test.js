"use strict";
// Signature v1 (HmacSHA256 / HmacSHA1, form-encoded POST and GET query)
// through the real older official SDK, tencentcloud-sdk-nodejs 3.0.270
// (package alias tencentcloud-sdk-nodejs-v3), whose ClientProfile defaults
// to HmacSHA256 over a form POST; and `serve --replay-protection` with raw
// requests sent twice. Images mostly go by ImageUrl (a local server), so
// that GET query strings stay small; one test sends ImageBase64 in a
// 230 KB form body. Ends by checking that exactly the successes were metered.
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const http = require("node:http");
const crypto = require("node:crypto");
const QueryString = require("node:querystring");
const sdk3 = require("tencentcloud-sdk-nodejs-v3");
const AbstractModel = require("tencentcloud-sdk-nodejs-v3/tencentcloud/common/abstract_model");
const { Sandbox, Ledger, UUID_RE, dogB64, startDogImageServer } = require("./harness");
const { rawCall } = require("./tc3");

let sb, srv, acc, imgServer, dogUrl;
const ledger = new Ledger();
const SERVE_ARGS = ["--image-url-allow", "127.0.0.1", "--image-url-allow-loopback-for-tests"];
const DOG = () => ({ ImageUrl: dogUrl });

before(async () => {
  ({ server: imgServer, url: dogUrl } = await startDogImageServer());
  sb = new Sandbox("sigv1");
  acc = sb.createAccount("sigv1-main");
  srv = await sb.startServer({ extraArgs: SERVE_ARGS });
});

after(async () => {
  imgServer?.close();
  try {
    if (srv) {
      ledger.verify(sb, acc.AccountId);
      await srv.stopOk();
    }
  } finally {
    if (sb) await sb.cleanup();
  }
});

/** A 3.0.x client as its README builds one: ClientProfile + HttpProfile. */
function v3Client(port, secretId, secretKey, { signMethod, reqMethod } = {}) {
  const { Credential, ClientProfile, HttpProfile } = sdk3.common;
  const httpProfile = new HttpProfile();
  httpProfile.protocol = "http://";
  httpProfile.endpoint = `127.0.0.1:${port}`;
  if (reqMethod) httpProfile.reqMethod = reqMethod;
  const profile = new ClientProfile();  // signMethod "HmacSHA256" unless set
  if (signMethod) profile.signMethod = signMethod;
  profile.httpProfile = httpProfile;
  return new sdk3.tiia.v20190529.Client(new Credential(secretId, secretKey), "ap-guangzhou", profile);
}

/** The response model the typed methods pass to request(); keeps the fields. */
class AnyResponse extends AbstractModel {
  deserialize(params) { Object.assign(this, params); }
}

/**
 * Calls `action` through the SDK's own request() (3.0.270's typed methods
 * are `this.request(Action, req, new XResponse(), cb)`; DetectPet came later).
 */
function call(client, action, req) {
  return new Promise((resolve, reject) => {
    client.request(action, req, new AnyResponse(), (err, res) => (err ? reject(err) : resolve(res)));
  });
}

async function expectOk(client, what, req = DOG()) {
  const res = await call(client, "DetectPet", req).catch((e) =>
    assert.fail(`${what}: expected success, got code=${e.code} message=${e.message}`));
  assert.match(res.RequestId, UUID_RE, what);
  assert.ok(res.Pets.some((p) => p.Name === "dog"), `${what}: ${JSON.stringify(res).slice(0, 300)}`);
  ledger.success(acc.AccountId, res.RequestId);
  return res;
}

async function expectError(client, code, what, req = DOG(), action = "DetectPet") {
  return ledger.expectError(acc.AccountId, call(client, action, req), code, what);
}

test("SDK 3.0.270 defaults (HmacSHA256, form POST): DetectPet on dog.jpg, metered once", async () => {
  const before = sb.usage(acc.AccountId).length;
  const res = await expectOk(v3Client(srv.port, acc.SecretId, acc.SecretKey), "default profile");
  const records = sb.usage(acc.AccountId);
  assert.equal(records.length, before + 1);
  assert.equal(records.filter((r) => r.RequestId === res.RequestId).length, 1);
});

test("SDK 3.0.270 with signMethod HmacSHA1", async () => {
  await expectOk(v3Client(srv.port, acc.SecretId, acc.SecretKey, { signMethod: "HmacSHA1" }), "HmacSHA1");
});

test("ImageBase64 in a form body over 200 KB (dog.jpg: 218 KB of base64)", async () => {
  const req = { ImageBase64: dogB64() };
  assert.ok(QueryString.stringify(req).length > 200 * 1024);
  await expectOk(v3Client(srv.port, acc.SecretId, acc.SecretKey), "HmacSHA256", req);
  await expectOk(v3Client(srv.port, acc.SecretId, acc.SecretKey, { signMethod: "HmacSHA1" }), "HmacSHA1", req);
});

test("the current SDK (4.1.313) with signMethod HmacSHA256 signs v1 the same way", async () => {
  const tc = require("tencentcloud-sdk-nodejs");
  const client = new tc.tiia.v20190529.Client({
    credential: { secretId: acc.SecretId, secretKey: acc.SecretKey }, region: "ap-guangzhou",
    profile: { signMethod: "HmacSHA256", httpProfile: { protocol: "http://", endpoint: `127.0.0.1:${srv.port}` } },
  });
  const res = await client.DetectPet(DOG());
  assert.ok(res.Pets.some((p) => p.Name === "dog"));
  ledger.success(acc.AccountId, res.RequestId);
});

test("wrong SecretKey -> AuthFailure.SignatureFailure, unknown SecretId -> SecretIdNotFound (not metered)", async () => {
  const bad = acc.SecretKey.slice(0, -1) + (acc.SecretKey.endsWith("A") ? "B" : "A");
  await expectError(v3Client(srv.port, acc.SecretId, bad), "AuthFailure.SignatureFailure", "wrong key sha256");
  await expectError(v3Client(srv.port, acc.SecretId, bad, { signMethod: "HmacSHA1" }),
    "AuthFailure.SignatureFailure", "wrong key sha1");
  await expectError(v3Client(srv.port, "AKIDnobody", acc.SecretKey), "AuthFailure.SecretIdNotFound", "unknown id");
});

test("typed parameters: NeedLemma as text, a bad Boolean, an unknown name", async () => {
  const client = v3Client(srv.port, acc.SecretId, acc.SecretKey);
  // "2" is a number on the wire: the handler's own check refuses it, as for TC3.
  await expectError(client, "InvalidParameterValue", "NeedLemma=2",
    { ...DOG(), NeedLemma: 2 }, "DetectProductBeta");
  await expectError(client, "InvalidParameterValue", "EnableDetect=maybe",
    { ...DOG(), EnableDetect: "maybe" }, "DetectChefDress");
  await expectError(client, "UnknownParameter", "Limit on DetectPet", { ...DOG(), Limit: 3 });
});

// ---- raw signature v1 requests (node crypto; the SDK's rules) ----

function signV1(params, { method = "POST", host, secretKey, algorithm = "sha1" }) {
  const sorted = Object.keys(params).filter((k) => k !== "Signature").sort();
  const text = `${method}${host}/?` + sorted.map((k) => `${k}=${params[k]}`).join("&");
  return crypto.createHmac(algorithm, secretKey).update(text, "utf8").digest("base64");
}

function v1Params(extra = {}, { timestamp = Math.floor(Date.now() / 1000) } = {}) {
  return {
    Action: "DetectPet", Version: "2019-05-29", Region: "ap-guangzhou", SecretId: acc.SecretId,
    Timestamp: timestamp, Nonce: crypto.randomInt(1, 2 ** 31), ...DOG(), ...extra,
  };
}

/** Sends a v1 request; POST: form body, GET: query string. Resolves the parsed envelope. */
function sendV1(port, params, { method = "POST", rawQuery } = {}) {
  const encoded = rawQuery ?? QueryString.stringify(params);
  const body = method === "POST" ? Buffer.from(encoded) : Buffer.alloc(0);
  const headers = method === "POST"
    ? { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": body.length } : {};
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, agent: false,
      path: method === "GET" ? `/?${encoded}` : "/", headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        assert.equal(res.statusCode, 200, text);
        resolve(JSON.parse(text).Response);
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

function recordRaw(response, code, what) {
  assert.match(response.RequestId, UUID_RE, what);
  if (code) {
    assert.equal(response.Error?.Code, code, `${what}: ${JSON.stringify(response).slice(0, 300)}`);
    ledger.failure(acc.AccountId, response.RequestId);
  } else {
    assert.equal(response.Error, undefined, `${what}: ${JSON.stringify(response.Error)}`);
    ledger.success(acc.AccountId, response.RequestId);
  }
}

test("common parameters: missing, garbled, expired", async () => {
  const host = `127.0.0.1:${srv.port}`;
  const signed = (extra, opts) => {
    const p = v1Params(extra, opts);
    p.Signature = signV1(p, { host, secretKey: acc.SecretKey });
    return p;
  };
  const cases = [
    [(() => { const p = signed(); delete p.Nonce; return p; })(), "MissingParameter", "no Nonce"],
    [(() => { const p = signed(); delete p.Signature; return p; })(), "MissingParameter", "no Signature"],
    [(() => { const p = signed(); delete p.Action; return p; })(), "MissingParameter", "no Action"],
    [signed({ Version: "2017-03-12" }), "NoSuchVersion", "old Version"],
    [signed({ Action: "DetectCat" }), "InvalidAction", "unknown Action"],
    [signed({ Timestamp: "soon" }), "AuthFailure.InvalidAuthorization", "Timestamp not a number"],
    [signed({ SignatureMethod: "HmacMD5" }), "AuthFailure.InvalidAuthorization", "unknown SignatureMethod"],
    [signed({}, { timestamp: Math.floor(Date.now() / 1000) - 301 }), "AuthFailure.SignatureExpire", "301 s old"],
  ];
  for (const [params, code, what] of cases) recordRaw(await sendV1(srv.port, params), code, what);
  // Duplicates and bad escapes in the form itself.
  const p = signed();
  const dup = QueryString.stringify(p) + "&Nonce=1";
  recordRaw(await sendV1(srv.port, null, { rawQuery: dup }), "InvalidParameter", "a name twice");
  recordRaw(await sendV1(srv.port, null, { rawQuery: QueryString.stringify(p) + "&x=%zz" }),
    "InvalidParameter", "bad escape");
  // A tampered value after signing.
  recordRaw(await sendV1(srv.port, { ...p, Region: "ap-beijing" }), "AuthFailure.SignatureFailure", "tampered");
});

test("raw form POST with HmacSHA1 implied (no SignatureMethod) succeeds", async () => {
  const p = v1Params();
  p.Signature = signV1(p, { host: `127.0.0.1:${srv.port}`, secretKey: acc.SecretKey });
  recordRaw(await sendV1(srv.port, p), null, "implied HmacSHA1");
});

test("GET with the query string signed (HmacSHA1), by the SDK and raw", async () => {
  // The 3.0.x SDK sends GET itself with reqMethod "GET".
  const client = v3Client(srv.port, acc.SecretId, acc.SecretKey, { signMethod: "HmacSHA1", reqMethod: "GET" });
  await expectOk(client, "SDK GET");
  const p = v1Params({ SignatureMethod: "HmacSHA1" });
  p.Signature = signV1(p, { method: "GET", host: `127.0.0.1:${srv.port}`, secretKey: acc.SecretKey });
  recordRaw(await sendV1(srv.port, p, { method: "GET" }), null, "raw GET");
  // The same query signed as POST is not a GET signature.
  const q = { ...p };
  q.Signature = signV1(q, { method: "POST", host: `127.0.0.1:${srv.port}`, secretKey: acc.SecretKey });
  recordRaw(await sendV1(srv.port, q, { method: "GET" }), "AuthFailure.SignatureFailure", "POST signature on GET");
});

test("replay protection off (default): the same signed request twice runs and is billed twice", async () => {
  const p = v1Params();
  p.Signature = signV1(p, { host: `127.0.0.1:${srv.port}`, secretKey: acc.SecretKey });
  const first = await sendV1(srv.port, p);
  const second = await sendV1(srv.port, p);
  recordRaw(first, null, "first");
  recordRaw(second, null, "second");
  assert.notEqual(first.RequestId, second.RequestId);
});

test("serve --replay-protection: a second sending is AuthFailure.RequestReplayed, not billed", async () => {
  await srv.stopOk();
  srv = await sb.startServer({ extraArgs: [...SERVE_ARGS, "--replay-protection"] });
  const host = `127.0.0.1:${srv.port}`;

  // Signature v1: the same Signature and Nonce.
  const p = v1Params();
  p.Signature = signV1(p, { host, secretKey: acc.SecretKey });
  recordRaw(await sendV1(srv.port, p), null, "v1 first");
  recordRaw(await sendV1(srv.port, p), "AuthFailure.RequestReplayed", "v1 replay");
  // A new Nonce is a new request (signed anew, as the SDKs do on retry).
  const again = { ...p, Nonce: p.Nonce + 1 };
  again.Signature = signV1(again, { host, secretKey: acc.SecretKey });
  recordRaw(await sendV1(srv.port, again), null, "v1 new nonce");
  // The SDK signs each call anew: two calls both succeed.
  const client = v3Client(srv.port, acc.SecretId, acc.SecretKey);
  await expectOk(client, "SDK 1");
  await expectOk(client, "SDK 2");

  // TC3: the same Authorization (same timestamp and body) twice.
  const timestamp = Math.floor(Date.now() / 1000);
  const tc3 = () => rawCall({ port: srv.port, action: "DetectPet", secretId: acc.SecretId,
    secretKey: acc.SecretKey, body: DOG(), timestamp });
  recordRaw((await tc3()).json.Response, null, "TC3 first");
  recordRaw((await tc3()).json.Response, "AuthFailure.RequestReplayed", "TC3 replay");
  // A request that fails its signature is never remembered: it cannot block the real one.
  const wrong = await rawCall({ port: srv.port, action: "DetectPet", secretId: acc.SecretId,
    secretKey: "wrong", body: DOG(), timestamp: timestamp + 1 });
  recordRaw(wrong.json.Response, "AuthFailure.SignatureFailure", "TC3 wrong key");
});
