"use strict";
// Hostile input against the real binary, black-box, over raw loopback sockets
// (rawhttp.js): every attack on the HTTP front we know of, each answered as
// docs/operators/http.md ("Answers") says, nothing billed for any of them,
// and the server still healthy with a bounded peak memory afterwards.
//
// One table, one object per case: {name, send, expect} or {name, run}.
//   send(conn): returns the bytes to write (or writes them itself);
//   expect: {answers: [{status, code, msg}], conn: "close"|"keep"|"any",
//            within (ms to wait for the answers), silent (closed, no byte,
//            not before minMs)}.
//   code: an envelope error Code (array = any of them, ANY = any error Code,
//         null = success); no code = a bare answer (no envelope required).
// Run one case: KANJIAN_HOSTILE_CASE='regexp' tests/blackbox/run.sh hostile.test.js
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const zlib = require("node:zlib");
const { Sandbox, Ledger, UUID_RE, dogB64, sleep } = require("./harness");
const { httpGet } = require("./tc3");
const {
  RawConn, errorCode, rawRequest, signedHeaders, signedRequest, memoryKiB, CRLF,
} = require("./rawhttp");

const HEADER_TIMEOUT_MS = 3000;
const BODY_TIMEOUT_MS = 3000;
const IDLE_TIMEOUT_MS = 2000;
const SLACK_MS = 2500;              // scheduling slack on a busy 2-core machine
const MAX_BODY = 6 * 1024 * 1024;   // the default --max-body-bytes
const MiB = 1024 * 1024;
// Peak resident memory (VmHWM) may grow by at most this over its value after
// the warm-up calls, across the whole suite (bombs of 512 MiB, 100 MiB chunked,
// header floods, 200 slow connections, 1 MB of nested JSON included). The
// transport attacks also carry their own bound (hwmMiB, a few MiB each).
const HWM_GROWTH_BOUND_KIB = 200 * 1024;
const ANY = "*";
const ONLY = process.env.KANJIAN_HOSTILE_CASE ? new RegExp(process.env.KANJIAN_HOSTILE_CASE) : null;

const ledger = new Ledger();
const x = { sb: null, srv: null, acc: null, disabled: null, port: 0, baseline: null };
const peaks = [];

// ---- request builders -------------------------------------------------------
const host = () => ["Host", `127.0.0.1:${x.port}`];
const get = (path, headers = [], version = "HTTP/1.1") =>
  rawRequest({ method: "GET", target: path, version, headers: [host(), ...headers] });
const req = (method, target, headers = [], body = "", version = "HTTP/1.1") =>
  rawRequest({ method, target, version, headers: [host(), ...headers], body });
// Unsigned API headers (an attacker with no credentials).
const api = (extra = []) => [host(), ["Content-Type", "application/json"], ["X-TC-Action", "DetectPet"],
  ["X-TC-Version", "2019-05-29"], ["X-TC-Timestamp", String(Math.floor(Date.now() / 1000))], ...extra];
const apiPost = (extra, body = "") => rawRequest({ headers: api(extra), body });
const cred = (o = {}) => ({ port: x.port, secretId: x.acc.SecretId, secretKey: x.acc.SecretKey, ...o });
// A signed call; with the default body {} a passed signature shows as MissingParameter (never billed).
const signed = (o = {}) => signedRequest(cred(o));
const signedHead = (o = {}) => signedHeaders(cred(o));
const chunk = (s) => `${Buffer.byteLength(s).toString(16)}${CRLF}${s}${CRLF}`;
const chunkedSigned = (body, framing, extra = []) => rawRequest({
  headers: [...signedHead({ body, contentLength: null }), ["Transfer-Encoding", "chunked"], ...extra],
  body: framing,
});
const fields = (n, size = 8) => Array.from({ length: n }, (_, i) => [`X-F${i}`, "v".repeat(size)]);
const badUtf8 = Buffer.from([0xff, 0xfe, 0xc0, 0xaf, 0xed, 0xa0, 0x80]).toString("latin1");
const withBytes = (s) => Buffer.from(s, "latin1");

// ---- expectations -----------------------------------------------------------
const bare = (status, conn = "close", within) => ({ answers: [{ status }], conn, within });
const env = (code, conn = "keep", o = {}) => ({ answers: [{ status: 200, code, ...o }], conn, within: o.within });
const silent = (within, minMs = 0) => ({ silent: true, within, minMs });

// ---- bombs: small bodies that would inflate to 512 MiB ----------------------
const bombs = {};
function compress(make, totalMiB) {
  return new Promise((resolve, reject) => {
    const z = make(); const out = [];
    z.on("data", (d) => out.push(d)); z.on("end", () => resolve(Buffer.concat(out))); z.on("error", reject);
    const mb = Buffer.alloc(MiB, "A".charCodeAt(0));
    let n = 0;
    z.write('{"ImageBase64":"');
    const pump = () => {
      while (n < totalMiB) { n++; if (!z.write(mb)) { z.once("drain", pump); return; } }
      z.end('"}');
    };
    pump();
  });
}
async function makeBombs() {
  bombs.gzip = await compress(() => zlib.createGzip({ level: 9 }), 512);
  bombs.deflate = await compress(() => zlib.createDeflate({ level: 9 }), 512);
  bombs.br = await compress(() => zlib.createBrotliCompress({
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }), 512);
}
const bombPost = (encoding, body) => rawRequest({
  headers: [...api([["Content-Encoding", encoding]]), ["Content-Length", String(body.length)]], body });

// ---- slow senders ----------------------------------------------------------
async function streamChunked(c, totalBytes) {
  await c.write(rawRequest({ headers: [...api(), ["Transfer-Encoding", "chunked"]] }));
  const piece = Buffer.concat([Buffer.from(`100000${CRLF}`), Buffer.alloc(MiB, "A".charCodeAt(0)), Buffer.from(CRLF)]);
  const deadline = Date.now() + 15000;
  for (let sent = 0; sent < totalBytes && !c.closed && c.data.length === 0 && Date.now() < deadline; sent += MiB) {
    await c.write(piece, 2000);
  }
}
async function headerFlood(c, lines, size) {
  await c.write(`POST / HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}`);
  const line = `X-Flood: ${"a".repeat(size)}${CRLF}`;
  const deadline = Date.now() + 15000;
  for (let i = 0; i < lines && !c.closed && c.data.length === 0 && Date.now() < deadline; i++) await c.write(line, 2000);
}

// ---- the table --------------------------------------------------------------
const CASES = [
  // Request line, version, header syntax: bare 400 and close.
  { name: "HTTP/0.9 request line", send: () => `GET /${CRLF}${CRLF}`, expect: bare(400) },
  { name: "HTTP/2.0 version", send: () => get("/healthz", [], "HTTP/2.0"), expect: bare(400) },
  { name: "version garbage HTTP/1.x", send: () => get("/healthz", [], "HTTP/1.x"), expect: bare(400) },
  { name: "method with a bad byte G@T", send: () => req("G@T", "/healthz"), expect: bare(400) },
  { name: "two spaces in the request line", send: () => `GET  /healthz HTTP/1.1${CRLF}Host: a${CRLF}${CRLF}`, expect: bare(400) },
  { name: "missing Host on HTTP/1.1", send: () => `GET /healthz HTTP/1.1${CRLF}${CRLF}`, expect: bare(400) },
  { name: "two Host headers", send: () => get("/healthz", [["Host", "evil.example"]]), expect: bare(400) },
  { name: "bare LF line endings", send: () => `GET /healthz HTTP/1.1\nHost: a\n\n`, expect: bare(400) },
  { name: "one bare LF in a CRLF head", send: () => `GET /healthz HTTP/1.1\nHost: a${CRLF}${CRLF}`, expect: bare(400) },
  { name: "space before the colon (Host : a)", send: () => `GET /healthz HTTP/1.1${CRLF}Host : a${CRLF}${CRLF}`, expect: bare(400) },
  { name: "header line without a colon", send: () => `GET /healthz HTTP/1.1${CRLF}Host: a${CRLF}NoColonHere${CRLF}${CRLF}`, expect: bare(400) },
  { name: "obs-fold continuation line", send: () => `GET /healthz HTTP/1.1${CRLF}Host: a${CRLF}X-A: b${CRLF} folded${CRLF}${CRLF}`, expect: bare(400) },
  { name: "NUL in a header value", send: () => get("/healthz", [["X-A", "a\u0000b"]]), expect: bare(400) },
  { name: "SOH control byte in a header value", send: () => get("/healthz", [["X-A", "a\u0001b"]]), expect: bare(400) },
  { name: "bare CR inside a header value", send: () => get("/healthz", [["X-A", "a\rb"]]), expect: bare(400) },
  { name: "NUL in the request target", send: () => get("/health\u0000z"), expect: bare(400) },
  { name: "invalid UTF-8 in the URL", send: () => withBytes(`POST /${badUtf8} HTTP/1.1${CRLF}Host: a${CRLF}Content-Length: 0${CRLF}${CRLF}`), expect: bare(404, "keep") },

  // Content-Length / Transfer-Encoding framing (RFC 9112, no smuggling): bare 400 and close.
  { name: "Content-Length: abc", send: () => apiPost([["Content-Length", "abc"]], "{}"), expect: bare(400) },
  { name: "Content-Length: -1", send: () => apiPost([["Content-Length", "-1"]], "{}"), expect: bare(400) },
  { name: "Content-Length: +2", send: () => apiPost([["Content-Length", "+2"]], "{}"), expect: bare(400) },
  { name: "Content-Length: 0x2 (hex)", send: () => apiPost([["Content-Length", "0x2"]], "{}"), expect: bare(400) },
  { name: "Content-Length: 2.0", send: () => apiPost([["Content-Length", "2.0"]], "{}"), expect: bare(400) },
  { name: "Content-Length overflowing 64 bits", send: () => apiPost([["Content-Length", "99999999999999999999999"]], "{}"), expect: bare(400) },
  { name: "empty Content-Length", send: () => apiPost([["Content-Length", ""]], "{}"), expect: bare(400) },
  { name: "Transfer-Encoding: chunked on HTTP/1.0", send: () => rawRequest({ version: "HTTP/1.0", headers: [...api(), ["Transfer-Encoding", "chunked"]], body: `${chunk("{}")}0${CRLF}${CRLF}` }), expect: bare(400) },
  { name: "Content-Length list '2, 2'", send: () => apiPost([["Content-Length", "2, 2"]], "{}"), expect: bare(400) },
  { name: "two equal Content-Length headers", send: () => apiPost([["Content-Length", "2"], ["Content-Length", "2"]], "{}"), expect: bare(400) },
  { name: "two different Content-Length headers", send: () => apiPost([["Content-Length", "2"], ["Content-Length", "40"]], "{}"), expect: bare(400) },
  { name: "Content-Length with Transfer-Encoding: chunked", send: () => apiPost([["Content-Length", "7"], ["Transfer-Encoding", "chunked"]], `2${CRLF}{}${CRLF}0${CRLF}${CRLF}`), expect: bare(400) },
  { name: "Transfer-Encoding: gzip, chunked", send: () => apiPost([["Transfer-Encoding", "gzip, chunked"]], `0${CRLF}${CRLF}`), expect: bare(400) },
  { name: "Transfer-Encoding: chunked, chunked", send: () => apiPost([["Transfer-Encoding", "chunked, chunked"]], `0${CRLF}${CRLF}`), expect: bare(400) },
  { name: "two Transfer-Encoding: chunked headers", send: () => apiPost([["Transfer-Encoding", "chunked"], ["Transfer-Encoding", "chunked"]], `0${CRLF}${CRLF}`), expect: bare(400) },
  // Transfer codings are case-insensitive (RFC 9110 §10.1.4): "Chunked" is chunked, framed consistently.
  { name: "Transfer-Encoding: Chunked (case variant) is chunked", send: () => chunkedSigned("{}", `${chunk("{}")}0${CRLF}${CRLF}`).toString("latin1").replace("Transfer-Encoding: chunked", "Transfer-Encoding: Chunked"), expect: env("MissingParameter") },
  { name: "Transfer-Encoding: xchunked", send: () => apiPost([["Transfer-Encoding", "xchunked"]], `0${CRLF}${CRLF}`), expect: bare(400) },
  { name: "Transfer-Encoding: identity", send: () => apiPost([["Transfer-Encoding", "identity"]], "{}"), expect: bare(400) },
  { name: "Transfer-Encoding with a space before the colon", send: () => `POST / HTTP/1.1${CRLF}Host: a${CRLF}Transfer-Encoding : chunked${CRLF}${CRLF}0${CRLF}${CRLF}`, expect: bare(400) },
  { name: "Transfer-Encoding obs-folded", send: () => `POST / HTTP/1.1${CRLF}Host: a${CRLF}Transfer-Encoding:${CRLF} chunked${CRLF}${CRLF}0${CRLF}${CRLF}`, expect: bare(400) },
  { name: "chunk size not hex (zz)", send: () => apiPost([["Transfer-Encoding", "chunked"]], `zz${CRLF}{}${CRLF}0${CRLF}${CRLF}`), expect: bare(400) },
  { name: "chunk size -1", send: () => apiPost([["Transfer-Encoding", "chunked"]], `-1${CRLF}{}${CRLF}0${CRLF}${CRLF}`), expect: bare(400) },
  { name: "chunk size 0x2", send: () => apiPost([["Transfer-Encoding", "chunked"]], `0x2${CRLF}{}${CRLF}0${CRLF}${CRLF}`), expect: bare(400) },
  { name: "chunk size overflowing 64 bits", send: () => apiPost([["Transfer-Encoding", "chunked"]], `1${"0".repeat(20)}${CRLF}{}${CRLF}`), expect: bare(400) },
  { name: "chunk data longer than its size", send: () => apiPost([["Transfer-Encoding", "chunked"]], `1${CRLF}{}${CRLF}0${CRLF}${CRLF}`), expect: bare(400) },
  { name: "chunk extension with a control byte", send: () => apiPost([["Transfer-Encoding", "chunked"]], `2;a=\u0001${CRLF}{}${CRLF}0${CRLF}${CRLF}`), expect: bare(400) },
  { name: "valid chunked body (signed) is read", send: () => chunkedSigned("{}", `${chunk("{}")}0${CRLF}${CRLF}`), expect: env("MissingParameter") },
  { name: "valid chunk extension is ignored", send: () => chunkedSigned("{}", `2;ext=1${CRLF}{}${CRLF}0${CRLF}${CRLF}`), expect: env("MissingParameter") },
  { name: "bytes after a request become a bad next request", send: () => Buffer.concat([signed(), Buffer.from(`XYZ${CRLF}${CRLF}`)]), expect: { answers: [{ status: 200, code: "MissingParameter" }, { status: 400 }], conn: "close" } },

  // Header count and size: bare 431 and close.
  { name: "65 header fields", send: () => get("/healthz", fields(64)), expect: bare(431) },
  { name: "64 header fields are fine", send: () => get("/healthz", fields(63)), expect: bare(200, "keep") },
  { name: "41 KiB head in 40 fields", send: () => get("/healthz", fields(40, 1050)), expect: bare(431) },
  { name: "one 41 KiB header", send: () => get("/healthz", [["X-Big", "b".repeat(41 * 1024)]]), expect: bare(431) },
  { name: "20 KiB request target is fine", send: () => get(`/healthz?${"q".repeat(20 * 1024)}`), expect: bare(200, "keep") },
  { name: "44 KiB request target", send: () => get(`/healthz?${"q".repeat(44 * 1024)}`), expect: bare(431) },
  { name: "flood: 5000 header lines of 4 KB", send: (c) => headerFlood(c, 5000, 4000), expect: bare(431, "close", 10000), hwmMiB: 8 },

  // Body size: the envelope RequestSizeLimitExceeded, body never read, close.
  { name: "Content-Length over max-body-bytes (body not sent)", send: () => apiPost([["Content-Length", String(MAX_BODY + 1)]]), expect: env("RequestSizeLimitExceeded", "close"), hwmMiB: 8 },
  { name: "Content-Length 100 MiB with Expect: 100-continue", send: () => apiPost([["Content-Length", String(100 * MiB)], ["Expect", "100-continue"]]), expect: { ...env("RequestSizeLimitExceeded", "close"), noContinue: true }, hwmMiB: 8 },
  { name: "chunked 100 MiB refused early", send: (c) => streamChunked(c, 100 * MiB), expect: env("RequestSizeLimitExceeded", "close", { within: 20000 }), maxSent: 32 * MiB, hwmMiB: 24 },
  { name: "an oversize body carrying a request is never read as one", send: () => Buffer.concat([apiPost([["Content-Length", String(MAX_BODY + 1)]]), get("/healthz"), get("/healthz")]), expect: { ...env("RequestSizeLimitExceeded", "close"), exactly: true } },
  { name: "one 16 MiB chunk declared", send: () => apiPost([["Transfer-Encoding", "chunked"]], `1000000${CRLF}{}`), expect: env("RequestSizeLimitExceeded", "close"), hwmMiB: 8 },
  { name: "Expect: 100-continue on a small body gets 100 Continue", send: async (c) => {
      const body = "{}";
      await c.write(rawRequest({ headers: [...signedHead({ body }), ["Expect", "100-continue"]] }));
      for (let i = 0; i < 40 && !c.responses().length && !c.closed; i++) await sleep(50);
      await c.write(body);
    }, expect: { answers: [{ status: 200, code: "MissingParameter" }], conn: "keep", wantContinue: true } },

  // Content-Encoding: never inflated; InvalidParameter naming it; close.
  { name: "gzip bomb (512 MiB inflated)", send: () => bombPost("gzip", bombs.gzip), expect: env("InvalidParameter", "close", { msg: /gzip/i }), hwmMiB: 8 },
  { name: "deflate bomb (512 MiB inflated)", send: () => bombPost("deflate", bombs.deflate), expect: env("InvalidParameter", "close", { msg: /deflate/i }), hwmMiB: 8 },
  { name: "br bomb (512 MiB inflated, 809 bytes)", send: () => bombPost("br", bombs.br), expect: env("InvalidParameter", "close", { msg: /br/i }), hwmMiB: 8 },
  { name: "x-gzip bomb", send: () => bombPost("x-gzip", bombs.gzip), expect: env("InvalidParameter", "close", { msg: /gzip/i }), hwmMiB: 8 },
  { name: "GZIP (upper case) bomb", send: () => bombPost("GZIP", bombs.gzip), expect: env("InvalidParameter", "close", { msg: /gzip/i }), hwmMiB: 8 },
  { name: "stacked 'identity, gzip' bomb", send: () => bombPost("identity, gzip", bombs.gzip), expect: env("InvalidParameter", "close", { msg: /gzip/i }), hwmMiB: 8 },
  { name: "stacked 'gzip, br'", send: () => bombPost("gzip, br", zlib.gzipSync(bombs.br)), expect: env("InvalidParameter", "close", { msg: /gzip|br/i }) },
  { name: "unknown encoding zstd", send: () => bombPost("zstd", Buffer.from("\u0028\u00b5\u002f\u00fd", "latin1")), expect: env("InvalidParameter", "close", { msg: /zstd/i }) },
  { name: "gzip bomb sent chunked", send: () => rawRequest({ headers: [...api([["Content-Encoding", "gzip"]]), ["Transfer-Encoding", "chunked"]], body: Buffer.concat([Buffer.from(`${bombs.gzip.length.toString(16)}${CRLF}`), bombs.gzip, Buffer.from(`${CRLF}0${CRLF}${CRLF}`)]) }), expect: env("InvalidParameter", "close", { msg: /gzip/i }), hwmMiB: 8 },
  { name: "a refused encoding's connection answers nothing more", send: () => Buffer.concat([bombPost("gzip", Buffer.from("0123456789")), get("/healthz")]), expect: { ...env("InvalidParameter", "close"), exactly: true } },
  { name: "Content-Encoding: identity is accepted", send: () => signed({ extra: [["Content-Encoding", "identity"]] }), expect: env("MissingParameter") },

  // Methods and paths.
  { name: "PUT / without a body", send: () => req("PUT", "/"), expect: env("InvalidParameter") },
  { name: "PUT / with a body", send: () => req("PUT", "/", [["Content-Length", "2"]], "{}"), expect: env("InvalidParameter") },
  { name: "PATCH / without a body", send: () => req("PATCH", "/"), expect: env("InvalidParameter") },
  { name: "PATCH / with a chunked body", send: () => req("PATCH", "/", [["Transfer-Encoding", "chunked"]], `${chunk("{}")}0${CRLF}${CRLF}`), expect: env("InvalidParameter") },
  { name: "DELETE / without a body", send: () => req("DELETE", "/"), expect: env("InvalidParameter") },
  { name: "DELETE / with a body", send: () => req("DELETE", "/", [["Content-Length", "2"]], "{}"), expect: env("InvalidParameter") },
  { name: "OPTIONS /", send: () => req("OPTIONS", "/"), expect: env("InvalidParameter") },
  { name: "unknown method BREW /", send: () => req("BREW", "/"), expect: env("InvalidParameter") },
  { name: "GET / (the API needs a signed call)", send: () => get("/"), expect: env(ANY) },
  { name: "unknown path GET /nope", send: () => get("/nope"), expect: bare(404, "keep") },
  { name: "GET /admin/reload (known path, other method)", send: () => get("/admin/reload"), expect: bare(405, "keep") },
  { name: "POST /healthz (known path, other method)", send: () => req("POST", "/healthz", [["Content-Length", "0"]]), expect: bare(405, "keep") },
  { name: "unknown path POST /v3/DetectPet", send: () => req("POST", "/v3/DetectPet", [["Content-Length", "0"]]), expect: bare(404, "keep") },
  { name: "dot-dot path", send: () => get("/../../etc/passwd"), expect: bare(404, "keep") },
  // RFC 9112 §3.2.2: a server must accept the absolute form.
  { name: "absolute-form URI to /healthz", send: () => get(`http://127.0.0.1:${x.port}/healthz`), expect: bare(200, "keep") },
  { name: "asterisk-form OPTIONS *", send: () => req("OPTIONS", "*"), expect: bare(400) },
  { name: "HTTP/1.0 without Host: /healthz then close", send: () => `GET /healthz HTTP/1.0${CRLF}${CRLF}`, expect: bare(200) },
  { name: "HTTP/1.0 signed POST then close", send: () => { const b = signed(); return Buffer.from(b.toString("latin1").replace(" HTTP/1.1\r\n", " HTTP/1.0\r\n"), "latin1"); }, expect: env("MissingParameter", "close") },
  { name: "Connection: close is honoured", send: () => get("/healthz", [["Connection", "close"]]), expect: bare(200) },

  // Bad bytes: a normal envelope error, valid JSON, a RequestId.
  { name: "invalid UTF-8 in X-TC-Action", send: () => withBytes(signed({ extra: [] }).toString("latin1").replace("X-TC-Action: DetectPet", `X-TC-Action: Detect${badUtf8}`)), expect: env("InvalidAction") },
  { name: "invalid UTF-8 in Authorization", send: () => signed({ authorization: `TC3-HMAC-SHA256 Credential=${badUtf8}/2026-01-01/127/tc3_request, SignedHeaders=content-type;host, Signature=${badUtf8}` }), expect: env("AuthFailure.InvalidAuthorization") },
  { name: "invalid UTF-8 in X-TC-Version", send: () => withBytes(signed().toString("latin1").replace("X-TC-Version: 2019-05-29", `X-TC-Version: ${badUtf8}`)), expect: env("NoSuchVersion") },
  { name: "invalid UTF-8 in X-TC-Timestamp", send: () => withBytes(signed().toString("latin1").replace(/X-TC-Timestamp: \d+/, `X-TC-Timestamp: ${badUtf8}`)), expect: env("AuthFailure.InvalidAuthorization") },
  { name: "invalid UTF-8 in X-TC-Region", send: () => withBytes(signed().toString("latin1").replace("X-TC-Region: ap-guangzhou", `X-TC-Region: ${badUtf8}`)), expect: env(ANY) },
  { name: "invalid UTF-8 in a JSON key", send: () => signed({ body: Buffer.concat([Buffer.from('{"'), Buffer.from(badUtf8, "latin1"), Buffer.from('":1}')]) }), expect: env("InvalidParameter") },
  { name: "invalid UTF-8 in a JSON value", send: () => signed({ body: Buffer.concat([Buffer.from('{"ImageBase64":"'), Buffer.from(badUtf8, "latin1"), Buffer.from('"}')]) }), expect: env("InvalidParameter") },
  { name: "raw NUL between JSON tokens", send: () => signed({ body: Buffer.from('{"ImageBase64":\u0000"x"}') }), expect: env("InvalidParameter") },
  { name: "escaped NUL inside a JSON key", send: () => signed({ body: '{"Image\\u0000Base64":"x"}' }), expect: env("UnknownParameter") },
  { name: "UTF-16 body with a BOM", send: () => signed({ body: Buffer.from("\ufeff{}", "utf16le") }), expect: env("InvalidParameter") },
  { name: "missing X-TC-Action", send: () => rawRequest({ headers: signedHead().filter(([k]) => k !== "X-TC-Action") , body: "{}" }), expect: env("MissingParameter") },

  // Signature edge cases (body {}: a passed signature shows as MissingParameter).
  { name: "timestamp 400 s in the past", send: () => signed({ timestamp: Math.floor(Date.now() / 1000) - 400 }), expect: env("AuthFailure.SignatureExpire") },
  { name: "timestamp 400 s in the future", send: () => signed({ timestamp: Math.floor(Date.now() / 1000) + 400 }), expect: env("AuthFailure.SignatureExpire") },
  { name: "timestamp 2^63", send: () => signed({ timestamp: "9223372036854775808", scopeDate: "2026-01-01" }), expect: env("AuthFailure.InvalidAuthorization") },
  { name: "scope signed for another service than it names", send: () => signed({ service: "cvm", signService: "tiia" }), expect: env("AuthFailure.SignatureFailure") },
  { name: "scope naming another service, consistently signed", send: () => signed({ service: "tiia" }), expect: env("MissingParameter") },
  { name: "scope date not the timestamp's date", send: () => signed({ scopeDate: "2020-01-01" }), expect: env("AuthFailure.SignatureFailure") },
  { name: "Authorization without SignedHeaders", send: () => signed({ authorization: `TC3-HMAC-SHA256 Credential=${x.acc.SecretId}/${new Date().toISOString().slice(0, 10)}/127/tc3_request, Signature=${"0".repeat(64)}` }), expect: env("AuthFailure.InvalidAuthorization") },
  { name: "SignedHeaders without host", send: () => signed({ authorization: `TC3-HMAC-SHA256 Credential=${x.acc.SecretId}/${new Date().toISOString().slice(0, 10)}/127/tc3_request, SignedHeaders=content-type, Signature=${"0".repeat(64)}` }), expect: env("AuthFailure.InvalidAuthorization") },
  { name: "extra spaces between Authorization fields", send: (c) => { const h = signedHead(); const a = h.find(([k]) => k === "Authorization"); a[1] = a[1].replace(" Credential", "   Credential").replace(/, /g, " ,   "); return rawRequest({ headers: h, body: "{}" }); }, expect: env("MissingParameter") },
  { name: "lower-case algorithm name", send: (c) => { const h = signedHead(); const a = h.find(([k]) => k === "Authorization"); a[1] = a[1].replace("TC3-HMAC-SHA256", "tc3-hmac-sha256"); return rawRequest({ headers: h, body: "{}" }); }, expect: env("AuthFailure.InvalidAuthorization") },
  { name: "Signature not hex", send: (c) => { const h = signedHead(); const a = h.find(([k]) => k === "Authorization"); a[1] = a[1].replace(/Signature=.*/, `Signature=${"g".repeat(64)}`); return rawRequest({ headers: h, body: "{}" }); }, expect: env("AuthFailure.InvalidAuthorization") },
  { name: "SecretId of a disabled key", send: () => signedRequest({ port: x.port, ...x.disabled }), expect: env("AuthFailure.SecretIdNotFound") },
  { name: "unknown SecretId", send: () => signed({ secretId: "AKIDnobody0000000000000000000000000" }), expect: env("AuthFailure.SecretIdNotFound") },
  { name: "wrong SecretKey", send: () => signed({ secretKey: "not-the-key" }), expect: env("AuthFailure.SignatureFailure") },
  { name: "body tampered after signing", send: () => { const h = signedHead({ body: "{}" }); h.find(([k]) => k === "Content-Length")[1] = "3"; return rawRequest({ headers: h, body: "{ }" }); }, expect: env("AuthFailure.SignatureFailure") },

  // Pipelining: several requests in one write, each answered in order.
  { name: "3 × GET /healthz pipelined", send: () => Buffer.concat([get("/healthz"), get("/healthz"), get("/healthz")]), expect: { answers: [{ status: 200 }, { status: 200 }, { status: 200 }], conn: "keep" } },
  { name: "signed, /healthz, wrong-key signed pipelined", send: () => Buffer.concat([signed(), get("/healthz"), signed({ secretKey: "bad" })]), expect: { answers: [{ status: 200, code: "MissingParameter" }, { status: 200 }, { status: 200, code: "AuthFailure.SignatureFailure" }], conn: "keep" } },
  { name: "real DetectPet then /healthz pipelined (billed once)", send: () => Buffer.concat([signed({ body: JSON.stringify({ ImageBase64: dogB64() }) }), get("/healthz")]), expect: { answers: [{ status: 200, code: null }, { status: 200 }], conn: "keep", within: 15000 } },
  { name: "nothing answered after Connection: close", send: () => Buffer.concat([get("/healthz", [["Connection", "close"]]), get("/healthz")]), expect: { answers: [{ status: 200 }], conn: "close", exactly: true } },

  // Slow and idle connections (short timeouts on this server).
  // A deadline passed: the connection is closed, nothing written (docs/operators/http.md).
  { name: "slowloris: one header line every 400 ms", send: (c) => c.trickle([`POST / HTTP/1.1${CRLF}`, ...Array.from({ length: 40 }, (_, i) => `X-S${i}: s${CRLF}`)], 400), expect: silent(HEADER_TIMEOUT_MS + SLACK_MS, HEADER_TIMEOUT_MS * 0.9) },
  { name: "slowloris: request line cut short", send: () => "POS", expect: silent(HEADER_TIMEOUT_MS + SLACK_MS, HEADER_TIMEOUT_MS * 0.9) },
  { name: "connect and send nothing", send: () => undefined, expect: silent(Math.max(HEADER_TIMEOUT_MS, IDLE_TIMEOUT_MS) + SLACK_MS, IDLE_TIMEOUT_MS * 0.9) },
  { name: "keep-alive idle after one answer", send: () => get("/healthz"), expect: { answers: [{ status: 200 }], conn: "idle-close" } },
  { name: "slow body: 10 of 1000 bytes then silence", send: () => apiPost([["Content-Length", "1000"]], "{".padEnd(10)), expect: silent(BODY_TIMEOUT_MS + SLACK_MS, BODY_TIMEOUT_MS * 0.9) },
  { name: "slow body: 1 byte every 200 ms", send: (c) => c.trickle([apiPost([["Content-Length", "2000"]]), ...Array.from({ length: 60 }, () => " ")], 200), expect: silent(BODY_TIMEOUT_MS + SLACK_MS, BODY_TIMEOUT_MS * 0.9) },
  { name: "client half-closes mid-body", send: async (c) => { await c.write(apiPost([["Content-Length", "100"]], "{")); c.sock.end(); }, expect: { answers: [], conn: "close" } },

  // Floods of connections, while others are served.
  { name: "200 slowloris sockets: /healthz and a signed SDK call answered promptly", run: slowlorisFlood, hwmMiB: 16 },
  { name: "32 slow bodies: a signed SDK call answered promptly", run: slowBodyFlood, hwmMiB: 16 },
  { name: "200 connections at once, each answered", run: manyConnections, hwmMiB: 16 },

  // JSON shapes and numbers (signed, so they reach the parameter checks). Last of the
  // transport cases: the deep ones cost the JSON parser tens of MiB, which would
  // hide a later peak from the per-case VmHWM checks.
  { name: "JSON nested 100 000 deep (closed): refused before parsing", send: () => signed({ body: `{"ImageBase64":${"[".repeat(100000)}${"]".repeat(100000)}}` }), expect: env("InvalidParameter") },
  { name: "JSON nested 1 000 000 deep (unclosed)", send: () => signed({ body: `{"ImageBase64":${"[".repeat(1000000)}` }), expect: env("InvalidParameter", "keep", { within: 2000 }) },
  { name: "number 1e999999 for NeedLemma", send: () => signed({ action: "DetectProductBeta", body: '{"ImageBase64":"AAAA","NeedLemma":1e999999}' }), expect: env("InvalidParameter") },
  { name: "30-digit integer for NeedLemma", send: () => signed({ action: "DetectProductBeta", body: '{"ImageBase64":"AAAA","NeedLemma":123456789012345678901234567890}' }), expect: env("InvalidParameterValue") },
  { name: "number for ImageBase64", send: () => signed({ body: '{"ImageBase64":-1e308}' }), expect: env("InvalidParameterValue") },
  { name: "duplicate JSON keys: the last one counts", send: () => signed({ body: '{"ImageBase64":"","ImageBase64":"!!!"}' }), expect: env("FailedOperation.ImageDecodeFailed") },
  { name: "200 000 distinct JSON keys", send: () => signed({ body: `{${Array.from({ length: 200000 }, (_, i) => `"k${i}":1`).join(",")}}` }), expect: env("UnknownParameter", "keep", { within: 15000 }) },
  { name: "JSON array at the top", send: () => signed({ body: "[]" }), expect: env("InvalidParameter") },
  { name: "JSON null", send: () => signed({ body: "null" }), expect: env("InvalidParameter") },
  { name: "empty body", send: () => signed({ body: "" }), expect: env("InvalidParameter") },
  { name: "Content-Type text/plain", send: () => signed({ contentType: "text/plain" }), expect: env("InvalidParameter") },

  // /admin/reload: loopback AND the X-Kanjian-Admin header.
  { name: "cross-site text/plain POST /admin/reload", send: () => req("POST", "/admin/reload", [["Content-Type", "text/plain"], ["Content-Length", "3"], ["Origin", "http://evil.example"]], "a=b"), expect: { answers: [{ status: 403, code: "UnauthorizedOperation" }], conn: "keep" } },
  { name: "POST /admin/reload with a wrong X-Kanjian-Admin", send: () => req("POST", "/admin/reload", [["X-Kanjian-Admin", "yes"], ["Content-Length", "0"]]), expect: { answers: [{ status: 403, code: "UnauthorizedOperation" }], conn: "keep" } },
];

// ---- runner -----------------------------------------------------------------
function describe(c) {
  return `sent ${c.sent} B; got ${c.data.length} B${c.closed ? `, closed after ${c.closedAt - c.openedAt} ms` : ", open"}` +
    `${c.error ? ` (${c.error.code})` : ""}: ${JSON.stringify(c.data.subarray(0, 400).toString("latin1"))}`;
}

function checkAnswer(r, want, what, c) {
  const statuses = [].concat(want.status);
  assert.ok(statuses.includes(r.status), `${what}: HTTP ${r.status}, want ${statuses} — ${describe(c)}`);
  assert.equal(r.header("exception_what"), undefined, `${what}: EXCEPTION_WHAT header on the wire`);
  if (!("code" in want) || want.code === undefined) return;
  assert.ok(r.json, `${what}: answer is not JSON — ${describe(c)}`);
  const code = errorCode(r);
  const id = r.json.Response && r.json.Response.RequestId;
  if (r.json.Response) assert.match(String(id), UUID_RE, `${what}: RequestId`);
  if (want.code === null) {
    assert.equal(code, null, `${what}: want success — ${describe(c)}`);
    ledger.success(x.acc.AccountId, id);
    return;
  }
  if (id) ledger.failure(x.acc.AccountId, id);
  if (want.code === ANY) assert.ok(code, `${what}: want an error envelope — ${describe(c)}`);
  else assert.ok([].concat(want.code).includes(code), `${what}: Code ${code}, want ${want.code} — ${describe(c)}`);
  if (want.msg) {
    const m = (r.json.Response || r.json).Error.Message;
    assert.match(m, want.msg, `${what}: message`);
  }
}

async function runCase(k, t) {
  const c = await RawConn.open(x.port);
  const t0 = Date.now();
  try {
    const out = await k.send(c);
    if (out !== undefined) await c.write(out);
    const e = k.expect;
    if (e.silent) {
      assert.ok(await c.waitClosed(e.within), `${k.name}: still open after ${e.within} ms — ${describe(c)}`);
      assert.equal(c.data.length, 0, `${k.name}: closed silently — ${describe(c)}`);
      assert.ok(c.closedAt - c.openedAt >= e.minMs, `${k.name}: closed before its deadline — ${describe(c)}`);
      return;
    }
    const all = await c.read(e.answers.length, e.within || 5000);
    const finals = all.filter((r) => r.status >= 200);
    t.diagnostic(`${finals.map((r) => `${r.status} ${errorCode(r) ?? ""}`).join(" | ")} after ${Date.now() - t0} ms; ${describe(c).slice(0, 200)}`);
    assert.ok(finals.length >= e.answers.length, `${k.name}: ${finals.length} answers, want ${e.answers.length} — ${describe(c)}`);
    e.answers.forEach((want, i) => checkAnswer(finals[i], want, `${k.name} [answer ${i + 1}]`, c));
    if (e.noContinue) assert.ok(!all.some((r) => r.status === 100), `${k.name}: 100 Continue sent for a body never read`);
    if (e.wantContinue) assert.equal(all[0].status, 100, `${k.name}: no 100 Continue first`);
    if (k.maxSent) assert.ok(c.sent <= k.maxSent, `${k.name}: ${c.sent} bytes taken before the answer`);
    if (e.conn === "close") {
      assert.ok(await c.waitClosed(3000), `${k.name}: connection not closed — ${describe(c)}`);
      if (e.exactly) assert.equal(c.responses().filter((r) => r.status >= 200).length, e.answers.length, `${k.name}: extra answers`);
    } else if (e.conn === "keep") {
      assert.ok(await c.stillServes(), `${k.name}: connection not kept alive — ${describe(c)}`);
    } else if (e.conn === "idle-close") {
      const t0 = Date.now();
      assert.ok(await c.waitClosed(IDLE_TIMEOUT_MS + SLACK_MS), `${k.name}: idle connection kept — ${describe(c)}`);
      assert.ok(Date.now() - t0 >= IDLE_TIMEOUT_MS / 2, `${k.name}: closed too early`);
      assert.equal(c.responses().length, 1, `${k.name}: nothing more is sent`);
    } else {
      t.diagnostic(`connection afterwards: ${(await c.waitClosed(300)) ? "closed" : "open"}`);
    }
  } finally {
    c.destroy();
  }
}

const mem = () => memoryKiB(x.srv.proc.pid);

async function timed(p) { const t0 = Date.now(); const v = await p; return { v, ms: Date.now() - t0 }; }

async function slowlorisFlood(t) {
  const n = 200;
  const socks = await Promise.all(Array.from({ length: n }, () => RawConn.open(x.port)));
  try {
    const lines = [`POST / HTTP/1.1${CRLF}`, ...Array.from({ length: 20 }, (_, i) => `X-S${i}: s${CRLF}`)];
    const trickles = socks.map((s) => s.trickle(lines, 500));
    await sleep(300);
    const health = await timed(httpGet(x.port, "/healthz", 5000));
    const openAtHealth = socks.filter((s) => !s.closed).length;
    const sdk = await timed(x.srv.client(x.acc.SecretId, x.acc.SecretKey).DetectPet({ ImageBase64: dogB64() }));
    ledger.success(x.acc.AccountId, sdk.v.RequestId);
    t.diagnostic(`/healthz ${health.ms} ms with ${openAtHealth}/${n} slow sockets open; DetectPet ${sdk.ms} ms`);
    assert.equal(health.v.status, 200);
    assert.ok(openAtHealth >= n * 0.9, `the flood was still holding (${openAtHealth} open)`);
    assert.ok(health.ms < 1000, `/healthz took ${health.ms} ms under the flood`);
    assert.ok(sdk.ms < 3000, `signed DetectPet took ${sdk.ms} ms under the flood`);
    assert.equal(sdk.v.Pets[0].Name, "dog");
    await Promise.all(trickles);
    await Promise.all(socks.map((s) => s.waitClosed(HEADER_TIMEOUT_MS + SLACK_MS)));
    const still = socks.filter((s) => !s.closed).length;
    t.diagnostic(`${n - still} closed by the header deadline`);
    assert.equal(still, 0, "every slowloris socket is closed by the header deadline");
    assert.ok(socks.every((s) => s.data.length === 0), "closed with nothing written");
  } finally {
    socks.forEach((s) => s.destroy());
  }
}

async function slowBodyFlood(t) {
  const n = 32;
  const socks = await Promise.all(Array.from({ length: n }, () => RawConn.open(x.port)));
  try {
    const head = apiPost([["Content-Length", "100000"]]);
    const trickles = socks.map((s) => s.trickle([head, ...Array.from({ length: 20 }, () => "x".repeat(100))], 300));
    await sleep(300);
    const sdk = await timed(x.srv.client(x.acc.SecretId, x.acc.SecretKey).DetectPet({ ImageBase64: dogB64() }));
    ledger.success(x.acc.AccountId, sdk.v.RequestId);
    const openAtAnswer = socks.filter((s) => !s.closed).length;
    t.diagnostic(`DetectPet ${sdk.ms} ms with ${openAtAnswer}/${n} slow bodies open`);
    assert.ok(sdk.ms < 3000, `signed DetectPet took ${sdk.ms} ms under slow bodies`);
    assert.ok(openAtAnswer >= n * 0.9, `the slow bodies were still holding (${openAtAnswer} open)`);
    await Promise.all(trickles);
    await Promise.all(socks.map((s) => s.waitClosed(BODY_TIMEOUT_MS + SLACK_MS)));
    assert.equal(socks.filter((s) => !s.closed).length, 0, "every slow body is closed by the body deadline");
    const bad = socks.filter((s) => s.data.length > 0);
    assert.equal(bad.length, 0, `slow bodies were answered: ${bad.map(describe).join("\n")}`);
  } finally {
    socks.forEach((s) => s.destroy());
  }
}

async function manyConnections(t) {
  const n = 200;
  const socks = await Promise.all(Array.from({ length: n }, () => RawConn.open(x.port)));
  try {
    await Promise.all(socks.map((s) => s.write(get("/healthz"))));
    await Promise.all(socks.map((s) => s.read(1, 10000)));
    const ok = socks.filter((s) => (s.responses()[0] || {}).status === 200).length;
    t.diagnostic(`${ok}/${n} answered 200`);
    assert.equal(ok, n);
  } finally {
    socks.forEach((s) => s.destroy());
  }
}

// ---- the suite --------------------------------------------------------------
before(async () => {
  x.sb = new Sandbox("hostile");
  x.acc = x.sb.createAccount("hostile-main");
  const k = x.sb.cliOk(["account", "key", "create", x.acc.AccountId]);
  x.sb.cliOk(["account", "key", "disable", k.SecretId], { json: false });
  x.disabled = { secretId: k.SecretId, secretKey: k.SecretKey };
  await makeBombs();
  x.srv = await x.sb.startServer({ extraArgs: [
    "--header-timeout-ms", String(HEADER_TIMEOUT_MS), "--body-timeout-ms", String(BODY_TIMEOUT_MS),
    "--idle-timeout-ms", String(IDLE_TIMEOUT_MS), "--qps", "DetectPet=1000", "--qps", "DetectProductBeta=1000"] });
  x.port = x.srv.port;
  // Warm-up: two real calls at once, so the baseline includes inference.
  const client = x.srv.client(x.acc.SecretId, x.acc.SecretKey);
  for (const res of await Promise.all([0, 1].map(() => client.DetectPet({ ImageBase64: dogB64() }))))
    ledger.success(x.acc.AccountId, res.RequestId);
  x.baseline = mem();
});

after(async () => {
  try {
    if (x.srv) await x.srv.stopOk();
  } finally {
    if (x.sb) await x.sb.cleanup();
  }
});

test(`the table holds at least 60 cases (${CASES.length})`, () => {
  assert.ok(CASES.length >= 60, `${CASES.length} cases`);
  assert.equal(new Set(CASES.map((k) => k.name)).size, CASES.length, "case names are distinct");
});

for (const k of CASES) {
  if (ONLY && !ONLY.test(k.name)) continue;
  test(k.name, { timeout: 60000 }, async (t) => {
    const before = mem();
    if (k.run) await k.run(t); else await runCase(k, t);
    const m = mem();
    if (k.hwmMiB !== undefined) {
      const grew = (m.hwm - before.hwm) / 1024;
      t.diagnostic(`VmHWM +${grew.toFixed(1)} MiB (bound ${k.hwmMiB} MiB)`);
      assert.ok(grew <= k.hwmMiB, `VmHWM grew by ${grew.toFixed(1)} MiB during the case`);
    }
    peaks.push({ name: k.name, hwm: m.hwm, rss: m.rss });
    if (x.srv.exit) assert.fail(`server died: ${JSON.stringify(x.srv.exit)} ${x.srv.logTail()}`);
  });
}

test("afterwards: a real signed DetectPet, bounded peak memory, only real calls metered", async (t) => {
  const health = await httpGet(x.port, "/healthz", 5000);
  assert.equal(health.status, 200);
  const res = await x.srv.client(x.acc.SecretId, x.acc.SecretKey).DetectPet({ ImageBase64: dogB64() });
  ledger.success(x.acc.AccountId, res.RequestId);
  assert.equal(res.Pets[0].Name, "dog");
  assert.ok(res.Pets[0].Score >= 50, `dog score ${res.Pets[0].Score}`);
  const m = mem();
  let prev = x.baseline.hwm;
  for (const p of peaks) {
    if (p.hwm > prev) t.diagnostic(`VmHWM +${((p.hwm - prev) / 1024).toFixed(1)} MiB after "${p.name}" (${(p.hwm / 1024).toFixed(1)} MiB)`);
    prev = Math.max(prev, p.hwm);
  }
  t.diagnostic(`VmHWM after warm-up ${(x.baseline.hwm / 1024).toFixed(1)} MiB, after the suite ${(m.hwm / 1024).toFixed(1)} MiB ` +
    `(+${((m.hwm - x.baseline.hwm) / 1024).toFixed(1)} MiB, bound +${HWM_GROWTH_BOUND_KIB / 1024} MiB); VmRSS now ${(m.rss / 1024).toFixed(1)} MiB`);
  assert.ok(m.hwm - x.baseline.hwm <= HWM_GROWTH_BOUND_KIB,
    `VmHWM grew by ${((m.hwm - x.baseline.hwm) / 1024).toFixed(1)} MiB over the suite`);
  ledger.verify(x.sb, x.acc.AccountId);
});

// Every refusal is counted on /metrics by its reason (docs/operators/http.md).
async function rejectedReasons(port) {
  const m = await httpGet(port, "/metrics", 5000);
  const seen = {};
  for (const [, reason, n] of m.text.matchAll(/^kanjian_http_rejected_total\{reason="([a-z_]+)"\} (\d+)/gm)) seen[reason] = Number(n);
  return seen;
}

test("afterwards: /metrics counts the refusals by reason", async (t) => {
  if (ONLY) return;
  const seen = await rejectedReasons(x.port);
  t.diagnostic(JSON.stringify(seen));
  for (const reason of ["head_timeout", "head_too_large", "too_many_fields", "bad_head", "bad_framing",
                        "content_encoding", "body_too_large", "body_timeout"])
    assert.ok(seen[reason] > 0, `kanjian_http_rejected_total{reason="${reason}"} counted`);
});

// ---- a second server with small connection and buffer limits ----------------
const LIMITS = { maxConnections: 8, maxBuffered: 6 * MiB };
const y = { sb: null, srv: null, port: 0 };
const padded = (n) => { const b = Buffer.alloc(n, "A".charCodeAt(0)); b.write('{"ImageBase64":"'); b.write('"}', n - 2); return b; };
const LIMIT_CASES = [
  { name: `connections beyond --max-connections ${LIMITS.maxConnections} are closed at once`, run: async (t) => {
      // max + 4 connections, opened one by one: exactly max stay open, the
      // others are closed at once without a byte.
      const conns = [];
      try {
        for (let i = 0; i < LIMITS.maxConnections + 4; i++) {
          conns.push(await RawConn.open(y.port));
          await sleep(50);
        }
        await Promise.all(conns.map((c) => c.waitClosed(1000)));
        const closed = conns.map((c, i) => c.closed ? `${i}:${c.closedAt - c.openedAt}ms` : null).filter(Boolean);
        t.diagnostic(`closed: ${closed.join(", ")}`);
        assert.equal(conns.filter((c) => !c.closed).length, LIMITS.maxConnections, `open after 1 s (closed ${closed})`);
        assert.ok(conns.every((c) => c.data.length === 0), "nothing written to the refused connections");
      } finally { conns.forEach((h) => h.destroy()); }
      let status = 0;
      for (let i = 0; i < 30 && status !== 200; i++) {
        status = await httpGet(y.port, "/healthz", 2000).then((r) => r.status, () => 0);
        if (status !== 200) await sleep(100);
      }
      assert.equal(status, 200, "served again once the held connections are gone");
    } },
  { name: `bodies past --max-buffered-body-bytes ${LIMITS.maxBuffered} → RequestLimitExceeded`, run: async (t) => {
      const size = 4 * MiB;
      const body = padded(size);
      const a = await RawConn.open(y.port);
      const b = await RawConn.open(y.port);
      try {
        await a.write(Buffer.concat([rawRequest({ headers: [["Host", "a"], ["Content-Type", "application/json"], ["X-TC-Action", "DetectPet"], ["Content-Length", String(size)]] }), body.subarray(0, size - 1)]));
        await sleep(500);
        await b.write(Buffer.concat([rawRequest({ headers: [["Host", "b"], ["Content-Type", "application/json"], ["X-TC-Action", "DetectPet"], ["Content-Length", String(size)]] }), body]));
        const [rb] = await b.read(1, 10000);
        t.diagnostic(`second body: ${rb ? `${rb.status} ${errorCode(rb)}` : describe(b)}`);
        assert.ok(rb, `no answer to the second body — ${describe(b)}`);
        checkAnswer(rb, { status: 200, code: "RequestLimitExceeded" }, "second body", b);
        assert.ok(await b.waitClosed(3000), "closed after RequestLimitExceeded");
        await a.write(body.subarray(size - 1));
        const [ra] = await a.read(1, 10000);
        assert.ok(ra, `the first body is answered — ${describe(a)}`);
        assert.notEqual(errorCode(ra), "RequestLimitExceeded", "the first body was within the budget");
      } finally { a.destroy(); b.destroy(); }
      const c = await RawConn.open(y.port);
      try {
        await c.write(Buffer.concat([rawRequest({ headers: [["Host", "c"], ["Content-Type", "application/json"], ["X-TC-Action", "DetectPet"], ["Content-Length", String(size)]] }), body]));
        const [rc] = await c.read(1, 10000);
        assert.ok(rc && errorCode(rc) && errorCode(rc) !== "RequestLimitExceeded", `budget released: ${describe(c)}`);
      } finally { c.destroy(); }
    } },
  { name: "POST /admin/reload with X-Kanjian-Admin: reload reloads", run: async (t) => {
      const c = await RawConn.open(y.port);
      try {
        await c.write(rawRequest({ target: "/admin/reload", headers: [["Host", "127.0.0.1"], ["X-Kanjian-Admin", "reload"], ["Content-Length", "0"]] }));
        const [r] = await c.read(1, 60000);
        t.diagnostic(r ? `${r.status} ${r.body.toString().slice(0, 200)}` : describe(c));
        assert.ok(r, "answered");
        assert.equal(r.status, 200, r.body.toString());
        assert.equal(r.json.Reloaded, true);
      } finally { c.destroy(); }
    } },
  { name: "POST /admin/reload text/plain without the header (limits server)", run: async () => {
      const c = await RawConn.open(y.port);
      try {
        await c.write(rawRequest({ target: "/admin/reload", headers: [["Host", "127.0.0.1"], ["Content-Type", "text/plain"], ["Content-Length", "3"]], body: "a=b" }));
        const [r] = await c.read(1, 5000);
        assert.ok(r, "answered");
        checkAnswer(r, { status: 403, code: "UnauthorizedOperation" }, "admin without header", c);
      } finally { c.destroy(); }
    } },
];

test(`the two tables hold at least 60 cases (${CASES.length} + ${LIMIT_CASES.length})`, () => {
  assert.ok(CASES.length + LIMIT_CASES.length >= 60);
});

test("limits server: starts", async () => {
  y.sb = new Sandbox("hostile-limits");
  y.srv = await y.sb.startServer({ extraArgs: [
    "--max-connections", String(LIMITS.maxConnections), "--max-buffered-body-bytes", String(LIMITS.maxBuffered)] });
  y.port = y.srv.port;
});

for (const k of LIMIT_CASES) {
  if (ONLY && !ONLY.test(k.name)) continue;
  test(k.name, { timeout: 90000 }, async (t) => {
    assert.ok(y.srv, "limits server running");
    await k.run(t);
    if (y.srv.exit) assert.fail(`server died: ${JSON.stringify(y.srv.exit)} ${y.srv.logTail()}`);
  });
}

test("limits server: /metrics counts max_connections and body_budget", async (t) => {
  if (ONLY) return;
  const seen = await rejectedReasons(y.port);
  t.diagnostic(JSON.stringify(seen));
  assert.ok(seen.max_connections > 0, "max_connections counted");
  assert.ok(seen.body_budget > 0, "body_budget counted");
});

test("limits server: stops cleanly", async () => {
  try { if (y.srv) await y.srv.stopOk(); } finally { if (y.sb) await y.sb.cleanup(); }
});
