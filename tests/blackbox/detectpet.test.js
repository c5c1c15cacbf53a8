"use strict";
// DetectPet through the official SDK: recognition result, image/body errors,
// endpoints, and metering of exactly the successful calls.
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const fs = require("node:fs");
const http = require("node:http");
const { Sandbox, Ledger, UUID_RE, DOG_JPG, EAGLE_JPG, dogB64, expectSdkError } = require("./harness");
const { rawCall, httpGet } = require("./tc3");

// The dog in dog.jpg (768x576), as YOLO-family detectors box it: about
// x 125..325, y 215..545. We require IoU >= 0.5 with this box.
const DOG_BOX = { x0: 125, y0: 215, x1: 325, y1: 545 };
// Smallest valid GIF (1x1).
const GIF_B64 = "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

let sb, srv, acc, client;
const ledger = new Ledger();

before(async () => {
  sb = new Sandbox("pet");
  acc = sb.createAccount("pet-owner");
  srv = await sb.startServer();
  client = srv.client(acc.SecretId, acc.SecretKey);
});

after(async () => {
  try {
    if (srv) await srv.stopOk();
  } finally {
    if (sb) await sb.cleanup();
  }
});

function iou(a, b) {
  const ix = Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0));
  const iy = Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
  const inter = ix * iy;
  const area = (r) => (r.x1 - r.x0) * (r.y1 - r.y0);
  return inter / (area(a) + area(b) - inter);
}

/** Deterministic pseudo-random bytes that are no known image format. */
function junkBytes(n) {
  const out = Buffer.alloc(n);
  let block = Buffer.from("kanjian-junk");
  for (let off = 0; off < n; off += 32) {
    block = crypto.createHash("sha256").update(block).digest();
    block.copy(out, off);
  }
  out[0] = 0x00; out[1] = 0x13; // not FF D8 / 89 50 / 42 4D / 47 49
  return out;
}

test("DetectPet finds the dog in dog.jpg", async (t) => {
  const res = await client.DetectPet({ ImageBase64: dogB64() });
  t.diagnostic(`DetectPet(dog.jpg) = ${JSON.stringify(res)}`);
  assert.match(res.RequestId, UUID_RE, "RequestId is a UUID");
  ledger.success(acc.AccountId, res.RequestId);
  assert.ok(Array.isArray(res.Pets) && res.Pets.length > 0, "Pets is a non-empty array");
  for (const p of res.Pets) {
    assert.ok(["cat", "dog"].includes(p.Name), `Pet Name ${p.Name} is cat or dog`);
    assert.equal(typeof p.Score, "number");
    assert.ok(p.Score >= 0 && p.Score <= 100, `Score ${p.Score} within 0..100`);
    for (const k of ["X", "Y", "Width", "Height"]) {
      assert.equal(typeof p.Location[k], "number", `Location.${k} is a number`);
      assert.ok(p.Location[k] >= 0, `Location.${k} >= 0`);
    }
    assert.ok(p.Location.X + p.Location.Width <= 768 + 1, "box inside image width");
    assert.ok(p.Location.Y + p.Location.Height <= 576 + 1, "box inside image height");
  }
  const dogs = res.Pets.filter((p) => p.Name === "dog");
  assert.ok(dogs.length >= 1, "a dog is reported");
  const best = Math.max(...dogs.map((d) => iou(DOG_BOX, {
    x0: d.Location.X, y0: d.Location.Y,
    x1: d.Location.X + d.Location.Width, y1: d.Location.Y + d.Location.Height,
  })));
  assert.ok(best >= 0.5, `dog box overlaps the real dog (best IoU ${best.toFixed(2)})`);
  assert.ok(Math.max(...dogs.map((d) => d.Score)) >= 50, "the dog is reported with Score >= 50");
});

// Chelsea the cat (451x300), from Debian's python3-skimage, extracted by
// scripts/fetch_testdata.sh. The cat fills most of the frame.
const CAT_PNG = process.env.KANJIAN_CAT_IMAGE ||
  `${process.env.KANJIAN_CACHE || process.env.HOME + "/.cache/kanjian"}/testdata/chelsea.png`;

test("DetectPet names the cat in chelsea.png 'cat' and never 'dog'", async (t) => {
  assert.ok(fs.existsSync(CAT_PNG), `${CAT_PNG} exists (scripts/fetch_testdata.sh)`);
  const res = await client.DetectPet({ ImageBase64: fs.readFileSync(CAT_PNG).toString("base64") });
  t.diagnostic(`DetectPet(chelsea.png) = ${JSON.stringify(res)}`);
  ledger.success(acc.AccountId, res.RequestId);
  assert.ok(res.Pets.some((p) => p.Name === "cat"), "a cat is reported");
  assert.ok(res.Pets.every((p) => p.Name !== "dog"), "no dog is invented");
  const cat = res.Pets.find((p) => p.Name === "cat");
  assert.ok(cat.Location.Width * cat.Location.Height > 0.5 * 451 * 300, "the cat box covers the cat");
});

test("DetectPet is repeatable (same answer twice)", async () => {
  const a = await client.DetectPet({ ImageBase64: dogB64() });
  ledger.success(acc.AccountId, a.RequestId);
  const b = await client.DetectPet({ ImageBase64: dogB64() });
  ledger.success(acc.AccountId, b.RequestId);
  assert.notEqual(a.RequestId, b.RequestId, "RequestIds are unique");
  assert.deepEqual(a.Pets, b.Pets);
});

test("no image at all ({}) -> MissingParameter", async () => {
  await ledger.expectError(acc.AccountId, client.DetectPet({}), "MissingParameter", "DetectPet({})");
});

test("corrupt image (junk bytes) -> FailedOperation.ImageDecodeFailed", async () => {
  await ledger.expectError(acc.AccountId,
    client.DetectPet({ ImageBase64: junkBytes(4096).toString("base64") }),
    "FailedOperation.ImageDecodeFailed", "junk image");
});

test("truncated JPEG (first 20 KB of dog.jpg) -> FailedOperation.ImageDecodeFailed", async () => {
  const b64 = fs.readFileSync(DOG_JPG).subarray(0, 20000).toString("base64");
  await ledger.expectError(acc.AccountId, client.DetectPet({ ImageBase64: b64 }),
    "FailedOperation.ImageDecodeFailed", "truncated JPEG");
});

test("JPEG magic followed by junk -> FailedOperation.ImageDecodeFailed", async () => {
  const b64 = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), junkBytes(4096)]).toString("base64");
  await ledger.expectError(acc.AccountId, client.DetectPet({ ImageBase64: b64 }),
    "FailedOperation.ImageDecodeFailed", "JPEG SOI + junk");
});

test("ImageUrl is not fetched by default (no SSRF), and ImageUrl wins over ImageBase64", async (t) => {
  // A local HTTP server that would serve dog.jpg and records any hit.
  let hits = 0;
  const web = http.createServer((req, res) => {
    hits++;
    res.writeHead(200, { "content-type": "image/jpeg" });
    res.end(fs.readFileSync(DOG_JPG));
  });
  await new Promise((r) => web.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${web.address().port}/dog.jpg`;
  const allowed = ["InvalidParameterValue.UrlIllegal", "FailedOperation.DownLoadError"];
  try {
    for (const req of [{ ImageUrl: url }, { ImageUrl: url, ImageBase64: dogB64() }]) {
      let res;
      try {
        res = await client.DetectPet(req);
      } catch (e) {
        assert.ok(allowed.includes(e.code), `${Object.keys(req)}: code ${e.code} (${e.message})`);
        ledger.failure(acc.AccountId, e.requestId);
        t.diagnostic(`${Object.keys(req).join("+")}: ${e.code}: ${e.message}`);
        continue;
      }
      ledger.success(acc.AccountId, res.RequestId);
      assert.fail(`${Object.keys(req).join("+")} to a loopback URL succeeded: ${JSON.stringify(res)}`);
    }
    assert.equal(hits, 0, "the server fetched a loopback URL");
  } finally {
    web.close();
  }
});

test("GIF -> FailedOperation.ImageNotSupported", async () => {
  await ledger.expectError(acc.AccountId, client.DetectPet({ ImageBase64: GIF_B64 }),
    "FailedOperation.ImageNotSupported", "GIF image");
});

test("image without a pet (eagle.jpg) -> FailedOperation.NoObjectDetected", async () => {
  await ledger.expectError(acc.AccountId,
    client.DetectPet({ ImageBase64: fs.readFileSync(EAGLE_JPG).toString("base64") }),
    "FailedOperation.NoObjectDetected", "eagle.jpg");
});

test("image > 4 MB after Base64 (body < 6 MiB) -> FailedOperation.ImageSizeExceed", async () => {
  // dog.jpg padded after its EOI marker: a decodable JPEG whose Base64 is ~4.5 MB.
  const raw = Buffer.concat([fs.readFileSync(DOG_JPG), Buffer.alloc(3375000 - fs.statSync(DOG_JPG).size)]);
  const b64 = raw.toString("base64");
  assert.ok(b64.length > 4 * 1024 * 1024 && b64.length + 64 < 6 * 1024 * 1024);
  await ledger.expectError(acc.AccountId, client.DetectPet({ ImageBase64: b64 }),
    "FailedOperation.ImageSizeExceed", "4.5 MB image");
});

test("body of 7 MiB -> RequestSizeLimitExceeded (HTTP 200 envelope)", async () => {
  const b64 = Buffer.alloc(Math.ceil(7 * 1024 * 1024 * 3 / 4), 7).toString("base64");
  await ledger.expectError(acc.AccountId, client.DetectPet({ ImageBase64: b64 }),
    "RequestSizeLimitExceeded", "7 MiB body");
});

test("server still healthy after the oversize bodies", async () => {
  const res = await client.DetectPet({ ImageBase64: dogB64() });
  ledger.success(acc.AccountId, res.RequestId);
});

test("errors are HTTP 200 with a JSON error envelope (raw HTTP)", async () => {
  const r = await rawCall({
    port: srv.port, action: "DetectPet", secretId: acc.SecretId, secretKey: acc.SecretKey,
    body: { ImageBase64: GIF_B64 },
  });
  assert.equal(r.status, 200, `HTTP status (body: ${r.text})`);
  assert.match(String(r.headers["content-type"]), /^application\/json/i, "Content-Type");
  assert.ok(r.json && r.json.Response, `envelope: ${r.text}`);
  const { Error: err, RequestId } = r.json.Response;
  assert.equal(err.Code, "FailedOperation.ImageNotSupported", r.text);
  assert.equal(typeof err.Message, "string");
  assert.ok(err.Message.length > 0, "Message non-empty");
  assert.match(RequestId, UUID_RE);
  ledger.failure(acc.AccountId, RequestId);
});

test("success over raw HTTP has the documented envelope", async () => {
  const r = await rawCall({
    port: srv.port, action: "DetectPet", secretId: acc.SecretId, secretKey: acc.SecretKey,
    body: { ImageBase64: dogB64() },
  });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json && r.json.Response && !r.json.Response.Error, r.text.slice(0, 500));
  assert.match(r.json.Response.RequestId, UUID_RE);
  assert.ok(Array.isArray(r.json.Response.Pets));
  ledger.success(acc.AccountId, r.json.Response.RequestId);
});

test("Content-Type with charset=utf-8 is accepted", async () => {
  const r = await rawCall({
    port: srv.port, action: "DetectPet", secretId: acc.SecretId, secretKey: acc.SecretKey,
    body: { ImageBase64: dogB64() }, contentType: "application/json; charset=utf-8",
  });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json && r.json.Response && !r.json.Response.Error, r.text.slice(0, 500));
  ledger.success(acc.AccountId, r.json.Response.RequestId);
});

test("GET /healthz and GET /metrics", async () => {
  const h = await httpGet(srv.port, "/healthz");
  assert.equal(h.status, 200);
  const m = await httpGet(srv.port, "/metrics");
  assert.equal(m.status, 200, m.text.slice(0, 300));
  assert.match(String(m.headers["content-type"]), /^text\/plain/, "Prometheus text content type");
  assert.match(m.text, /^# (HELP|TYPE) /m, "Prometheus exposition format");
});

test("usage list: one record per successful call, none for failures", () => {
  const records = ledger.verify(sb, acc.AccountId);
  assert.equal(records.length, ledger.ok.get(acc.AccountId).length);
  assert.ok(records.length >= 5, "the successful calls above were all metered");
});
