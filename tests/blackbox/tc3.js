"use strict";
// Independent TC3-HMAC-SHA256 signer (spec/api.md §2) and a raw HTTP client
// built on node's http module, for requests the official SDK cannot produce
// (stale timestamps, tampered bodies, malformed Authorization headers, ...).
const crypto = require("node:crypto");
const http = require("node:http");

const sha256hex = (data) => crypto.createHash("sha256").update(data).digest("hex");
const hmac = (key, data) => crypto.createHmac("sha256", key).update(data).digest();

function utcDate(timestamp) {
  return new Date(Number(timestamp) * 1000).toISOString().slice(0, 10);
}

/**
 * Computes the TC3 signature.
 * opts: { secretKey, timestamp (unix seconds), service, host (value signed as
 * `host`), contentType, body (string|Buffer), method="POST", query="",
 * date (scope date; defaults to the UTC date of timestamp) }
 * Returns { signature, date, canonicalRequest, stringToSign }.
 */
function signTC3(opts) {
  const method = opts.method || "POST";
  const query = opts.query || "";
  const date = opts.date || utcDate(opts.timestamp);
  const canonicalHeaders =
    `content-type:${String(opts.contentType).trim().toLowerCase()}\n` +
    `host:${String(opts.host).trim().toLowerCase()}\n`;
  const signedHeaders = "content-type;host";
  const canonicalRequest = [
    method, "/", query, canonicalHeaders, signedHeaders, sha256hex(opts.body ?? ""),
  ].join("\n");
  const scope = `${date}/${opts.service}/tc3_request`;
  const stringToSign = [
    "TC3-HMAC-SHA256", String(opts.timestamp), scope, sha256hex(canonicalRequest),
  ].join("\n");
  const kDate = hmac("TC3" + opts.secretKey, date);
  const kService = hmac(kDate, opts.service);
  const kSigning = hmac(kService, "tc3_request");
  const signature = crypto.createHmac("sha256", kSigning).update(stringToSign).digest("hex");
  return { signature, date, scope, canonicalRequest, stringToSign };
}

function authorizationHeader(secretId, scope, signature) {
  return `TC3-HMAC-SHA256 Credential=${secretId}/${scope}, ` +
    `SignedHeaders=content-type;host, Signature=${signature}`;
}

/**
 * Sends one POST / request over raw HTTP to 127.0.0.1:port.
 * opts: { port, action, version="2019-05-29", region="ap-guangzhou",
 *   secretId, secretKey, body (object|string|Buffer) — what is sent,
 *   signBody (what is signed; defaults to body), timestamp (defaults to now),
 *   signedHost (defaults to "127.0.0.1", as the Node SDK signs),
 *   service (defaults to "127", as the Node SDK derives it from 127.0.0.1),
 *   scopeDate, contentType="application/json",
 *   authorization (overrides the computed header; null = omit it),
 *   extraHeaders, timeoutMs=60000, agent (http.Agent; default: a fresh connection) }
 * Resolves { status, headers, text, json } (json = null if unparsable).
 */
function rawCall(opts) {
  const toBuf = (b) => Buffer.isBuffer(b) ? b : Buffer.from(typeof b === "string" ? b : JSON.stringify(b));
  const body = toBuf(opts.body ?? {});
  const signBody = opts.signBody === undefined ? body : toBuf(opts.signBody);
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const contentType = opts.contentType || "application/json";
  const service = opts.service || "127";
  let authorization = opts.authorization;
  if (authorization === undefined) {
    const s = signTC3({
      secretKey: opts.secretKey, timestamp, service, contentType, body: signBody,
      host: opts.signedHost || "127.0.0.1", date: opts.scopeDate,
    });
    authorization = authorizationHeader(opts.secretId, s.scope, s.signature);
  }
  const headers = {
    "Host": `127.0.0.1:${opts.port}`,
    "Content-Type": contentType,
    "Content-Length": body.length,
    "X-TC-Action": opts.action,
    "X-TC-Version": opts.version || "2019-05-29",
    "X-TC-Timestamp": String(timestamp),
    "X-TC-Region": opts.region || "ap-guangzhou",
    ...(authorization === null ? {} : { Authorization: authorization }),
    ...(opts.extraHeaders || {}),
  };
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: "127.0.0.1", port: opts.port, method: "POST", path: "/", headers,
      agent: opts.agent ?? false, timeout: opts.timeoutMs ?? 60000,
    }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json = null;
        try { json = JSON.parse(text); } catch { /* leave null */ }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("raw request timed out")));
    req.on("error", reject);
    req.end(body);
  });
}

/** GET a path on 127.0.0.1:port; resolves { status, headers, text }. */
/** GET over HTTP, or over HTTPS trusting `ca` (PEM) when given. */
function httpGet(port, path, timeoutMs = 5000, ca = null) {
  return new Promise((resolve, reject) => {
    const get = ca ? require("node:https").get : http.get;
    const opts = { host: "127.0.0.1", port, path, agent: false, timeout: timeoutMs, ...(ca ? { ca } : {}) };
    const req = get(opts, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({
        status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString("utf8"),
      }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("GET timed out")));
    req.on("error", reject);
  });
}

module.exports = { signTC3, authorizationHeader, rawCall, httpGet, utcDate, sha256hex };
