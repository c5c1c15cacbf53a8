"use strict";
// The console's static files as a browser sees them: a strong ETag per
// coding, revalidation answered 304 without a body, Brotli or gzip when the
// client accepts it (decoding to the very bytes sent uncompressed), and
// Vary: Accept-Encoding. Also counts the bytes of a cold load and of a warm
// reload of every console file and the vendored ECharts.
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");
const zlib = require("node:zlib");
const { Sandbox, REPO } = require("./harness");

const CHROMIUM_ACCEPT = "gzip, deflate, br";
const CONSOLE = path.join(REPO, "console");

let sb, srv;

function get(urlPath, headers = {}, method = "GET") {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: srv.port, path: urlPath, method, headers, agent: false, timeout: 10000 }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({
        status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks), wire: res.socket.bytesRead,
      }));
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}

function consoleFiles(dir = CONSOLE, prefix = "") {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...consoleFiles(path.join(dir, e.name), `${prefix}${e.name}/`));
    else if (/\.(html|js|css)$/.test(e.name)) out.push(`/console/${prefix}${e.name}`);
  }
  return out;
}

before(async () => {
  sb = new Sandbox("static");
  srv = await sb.startServer({ extraArgs: ["--console-dir", CONSOLE] });
});

after(async () => {
  if (srv) await srv.stopOk();
  if (sb) await sb.cleanup();
});

test("codings: br, then gzip, else identity; each decodes to the file; Vary and a strong ETag per coding", async () => {
  const file = "/console/vendor/echarts.min.js";
  const plain = await get(file);
  assert.equal(plain.status, 200);
  assert.equal(plain.headers["content-encoding"], undefined);
  assert.equal(Number(plain.headers["content-length"]), plain.body.length);
  const br = await get(file, { "Accept-Encoding": CHROMIUM_ACCEPT });
  const gz = await get(file, { "Accept-Encoding": "gzip" });
  const refused = await get(file, { "Accept-Encoding": "br;q=0, gzip;q=0" });
  assert.equal(br.headers["content-encoding"], "br");
  assert.equal(gz.headers["content-encoding"], "gzip");
  assert.equal(refused.headers["content-encoding"], undefined);
  assert.ok(zlib.brotliDecompressSync(br.body).equals(plain.body));
  assert.ok(zlib.gunzipSync(gz.body).equals(plain.body));
  assert.ok(br.body.length < plain.body.length / 3, `br ${br.body.length} of ${plain.body.length}`);
  const tags = [plain, br, gz].map((r) => r.headers.etag);
  for (const r of [plain, br, gz, refused]) {
    assert.match(r.headers.etag, /^"[0-9a-f]{32}(-gz|-br)?"$/);
    assert.equal(r.headers.vary, "Accept-Encoding");
    assert.equal(r.headers["cache-control"], "no-cache");
    assert.ok(r.headers["content-security-policy"]);
  }
  assert.equal(new Set(tags).size, 3);
  // HEAD: the same head, no body; the connection stays usable.
  const head = await get(file, { "Accept-Encoding": CHROMIUM_ACCEPT }, "HEAD");
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal(Number(head.headers["content-length"]), br.body.length);
  assert.equal(head.headers.etag, br.headers.etag);
});

test("If-None-Match: 304 without a body for the same coding's tag, 200 otherwise", async () => {
  const first = await get("/console/", { "Accept-Encoding": CHROMIUM_ACCEPT });
  assert.equal(first.status, 200);
  assert.match(first.headers["content-type"], /^text\/html/);
  const again = await get("/console/", { "Accept-Encoding": CHROMIUM_ACCEPT, "If-None-Match": first.headers.etag });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  assert.equal(again.headers.etag, first.headers.etag);
  assert.equal(again.headers.vary, "Accept-Encoding");
  const otherCoding = await get("/console/", { "If-None-Match": first.headers.etag });
  assert.equal(otherCoding.status, 200);
  assert.equal((await get("/console/", { "If-None-Match": '"0000"' })).status, 200);
});

test("a warm reload of every console file and ECharts moves headers only", async () => {
  const files = [...consoleFiles(), "/console/vendor/echarts.min.js"];
  let identity = 0, cold = 0, warm = 0;
  for (const f of files) {
    const plain = await get(f);
    assert.equal(plain.status, 200, f);
    identity += plain.wire;
    const first = await get(f, { "Accept-Encoding": CHROMIUM_ACCEPT });
    cold += first.wire;
    const reload = await get(f, { "Accept-Encoding": CHROMIUM_ACCEPT, "If-None-Match": first.headers.etag });
    assert.equal(reload.status, 304, f);
    warm += reload.wire;
  }
  console.log(`# ${files.length} files: ${identity} bytes uncompressed, ${cold} compressed (cold load), ${warm} on a warm reload`);
  assert.ok(cold < identity / 2, `compressed ${cold} of ${identity}`);
  assert.ok(warm < files.length * 1024, `a warm reload moved ${warm} bytes for ${files.length} files`);
});
