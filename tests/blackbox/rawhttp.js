"use strict";
// Raw HTTP/1.1 over one loopback socket (node's net, or tls), for bytes no
// HTTP library would send: broken framing, slow trickles, pipelining, floods.
// Every wait is bounded in time; every loop in count.
const net = require("node:net");
const tls = require("node:tls");
const { signTC3, authorizationHeader } = require("./tc3");

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CRLF = "\r\n";

/** One client connection that records everything the server sends and when it closes. */
class RawConn {
  /** Connects to 127.0.0.1:port (TLS when opts.tls: {ca, servername}). */
  static open(port, { tls: tlsOpts = null, timeoutMs = 5000 } = {}) {
    return new Promise((resolve, reject) => {
      const sock = tlsOpts
        ? tls.connect({ host: "127.0.0.1", port, ...tlsOpts })
        : net.connect({ host: "127.0.0.1", port });
      const timer = setTimeout(() => { sock.destroy(); reject(new Error("connect timed out")); }, timeoutMs);
      sock.once(tlsOpts ? "secureConnect" : "connect", () => {
        clearTimeout(timer);
        resolve(new RawConn(sock));
      });
      sock.once("error", (e) => { clearTimeout(timer); reject(e); });
    });
  }

  constructor(sock) {
    this.sock = sock;
    this.openedAt = Date.now();
    this.data = Buffer.alloc(0);
    this.closed = false;      // the server ended or reset the connection
    this.closedAt = null;
    this.error = null;        // ECONNRESET / EPIPE, if any
    this.sent = 0;
    this.waiters = new Set();
    sock.setNoDelay(true);
    sock.on("data", (d) => { this.data = Buffer.concat([this.data, d]); this._wake(); });
    const done = () => {
      if (!this.closed) { this.closed = true; this.closedAt = Date.now(); }
      this._wake();
    };
    sock.on("end", done);
    sock.on("close", done);
    sock.on("error", (e) => { this.error = e; done(); });
  }

  _wake() { for (const w of [...this.waiters]) w(); }

  /** Resolves when pred() is true, the connection closes, or timeoutMs passes; returns pred(). */
  _until(pred, timeoutMs) {
    if (pred() || this.closed) return Promise.resolve(pred());
    return new Promise((resolve) => {
      const check = () => {
        if (pred() || this.closed) { finish(); }
      };
      const timer = setTimeout(() => finish(), timeoutMs);
      const finish = () => { clearTimeout(timer); this.waiters.delete(check); resolve(pred()); };
      this.waiters.add(check);
    });
  }

  /** Writes bytes (waits for the socket to drain, bounded); false once the connection is gone. */
  async write(bytes, drainTimeoutMs = 10000) {
    if (this.closed || this.sock.destroyed) return false;
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, "latin1");
    let ok;
    try { ok = this.sock.write(buf); } catch (e) { this.error = e; return false; }
    this.sent += buf.length;
    // Yield to the event loop, so an answer (and a close) that arrived is
    // read before the next write: a write after the server's close gets
    // EPIPE and node would drop what was still unread.
    await new Promise(setImmediate);
    // The drain may already have happened during that yield (Node 18 then
    // emits it before a listener could be added): wait only while it is due.
    if (!ok && !this.closed && this.sock.writableNeedDrain) {
      await new Promise((resolve) => {
        const t = setTimeout(resolve, drainTimeoutMs);
        const fin = () => { clearTimeout(t); this.waiters.delete(fin); this.sock.off("drain", fin); resolve(); };
        this.sock.once("drain", fin);
        this.waiters.add(fin); // a close or an answer also ends the wait
      });
    }
    return !this.closed;
  }

  /** Sends pieces one by one with delayMs between them; stops early if the server answers or closes. */
  async trickle(pieces, delayMs) {
    for (let i = 0; i < pieces.length; i++) {
      if (this.closed || this.data.length > 0) return i;
      await this.write(pieces[i]);
      if (i + 1 < pieces.length) await this._until(() => this.data.length > 0, delayMs);
    }
    return pieces.length;
  }

  responses() { return parseResponses(this.data).responses; }

  /** Waits for n complete final (non-1xx) responses; returns all parsed, 1xx included. */
  async read(n = 1, timeoutMs = 5000) {
    const finals = () => this.responses().filter((r) => r.status >= 200).length;
    await this._until(() => finals() >= n, timeoutMs);
    return this.responses();
  }

  /** True if the server closed the connection within timeoutMs. */
  async waitClosed(timeoutMs = 3000) {
    await this._until(() => this.closed, timeoutMs);
    return this.closed;
  }

  /**
   * True if the connection is still usable: a GET /healthz on it is answered
   * 200 (after every response already received).
   */
  async stillServes(timeoutMs = 3000) {
    const before = this.responses().length;
    if (!(await this.write(`GET /healthz HTTP/1.1${CRLF}Host: 127.0.0.1${CRLF}${CRLF}`))) return false;
    await this._until(() => this.responses().length > before, timeoutMs);
    const r = this.responses()[before];
    return Boolean(r && r.status === 200);
  }

  destroy() { this.sock.destroy(); }
}

/**
 * Parses a byte stream of HTTP/1.1 responses. Returns {responses, rest}:
 * each response {status, reason, headers (lower-case name → [values]),
 * header(name), body (Buffer), json (or null)}; rest = bytes of an incomplete one.
 */
function parseResponses(buf) {
  const responses = [];
  let off = 0;
  for (let guard = 0; guard < 1000; guard++) {
    const headEnd = buf.indexOf("\r\n\r\n", off, "latin1");
    if (headEnd < 0) break;
    const lines = buf.subarray(off, headEnd).toString("latin1").split("\r\n");
    const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0]);
    if (!m) break;
    const headers = {};
    for (const line of lines.slice(1)) {
      const c = line.indexOf(":");
      if (c <= 0) continue;
      const name = line.slice(0, c).trim().toLowerCase();
      (headers[name] ||= []).push(line.slice(c + 1).trim());
    }
    const status = Number(m[1]);
    let pos = headEnd + 4;
    let body = Buffer.alloc(0);
    const te = (headers["transfer-encoding"] || []).join(",").toLowerCase();
    if (status < 200 || status === 204 || status === 304) {
      // no body
    } else if (te.includes("chunked")) {
      const chunks = [];
      let complete = false;
      for (let g = 0; g < 100000; g++) {
        const eol = buf.indexOf("\r\n", pos, "latin1");
        if (eol < 0) break;
        const size = parseInt(buf.subarray(pos, eol).toString("latin1").split(";")[0], 16);
        if (Number.isNaN(size)) break;
        if (size === 0) {
          const end = buf.indexOf("\r\n\r\n", eol, "latin1");
          if (end < 0) break;
          pos = end + 4; complete = true; break;
        }
        if (buf.length < eol + 2 + size + 2) break;
        chunks.push(buf.subarray(eol + 2, eol + 2 + size));
        pos = eol + 2 + size + 2;
      }
      if (!complete) break;
      body = Buffer.concat(chunks);
    } else if (headers["content-length"]) {
      const len = Number(headers["content-length"][0]);
      if (buf.length < pos + len) break;
      body = buf.subarray(pos, pos + len);
      pos += len;
    } else {
      body = buf.subarray(pos); // read-until-close; callers use it only after the close
      pos = buf.length;
    }
    let json = null;
    try { json = JSON.parse(body.toString("utf8")); } catch { /* not JSON */ }
    responses.push({
      status, reason: m[2] || "", headers, body, json,
      header: (name) => (headers[name.toLowerCase()] || [])[0],
    });
    off = pos;
  }
  return { responses, rest: buf.subarray(off) };
}

/** The envelope's error code of a response (API 3.0 `Response.Error.Code`, or admin `Error.Code`). */
function errorCode(res) {
  const j = res && res.json;
  if (!j) return undefined;
  if (j.Response) return j.Response.Error ? j.Response.Error.Code : null; // null = success
  if (j.Error) return j.Error.Code;
  return undefined;
}

/**
 * Builds the bytes of one request. headers: array of [name, value] pairs, in
 * order, sent verbatim (duplicates, odd case and bad bytes allowed);
 * body: string|Buffer, appended as is (no framing is added).
 */
function rawRequest({ method = "POST", target = "/", version = "HTTP/1.1", headers = [], body = "" }) {
  const head = `${method} ${target} ${version}${CRLF}` +
    headers.map(([k, v]) => `${k}: ${v}${CRLF}`).join("") + CRLF;
  return Buffer.concat([Buffer.from(head, "latin1"), Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8")]);
}

/**
 * Headers of a TC3-signed API call as the Node SDK would send them (signed
 * host 127.0.0.1, service from opts.service), as [name, value] pairs.
 * opts: {port, secretId, secretKey, action, body (Buffer|string), timestamp,
 *  service="127", scopeDate, signService (the service used in the HMAC,
 *  default = service), contentType, authorization (override),
 *  contentLength (default body length; null = omit), extra: [[k,v]…]}
 */
function signedHeaders(opts) {
  const body = Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body ?? "{}", "utf8");
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const contentType = opts.contentType || "application/json";
  const service = opts.service || "127";
  let authorization = opts.authorization;
  if (authorization === undefined) {
    const s = signTC3({
      secretKey: opts.secretKey, timestamp, service: opts.signService || service, contentType,
      body, host: "127.0.0.1", date: opts.scopeDate,
    });
    const scope = `${s.date}/${service}/tc3_request`;
    authorization = authorizationHeader(opts.secretId, scope, s.signature);
  }
  const h = [
    ["Host", `127.0.0.1:${opts.port}`],
    ["Content-Type", contentType],
    ["X-TC-Action", opts.action || "DetectPet"],
    ["X-TC-Version", "2019-05-29"],
    ["X-TC-Timestamp", String(timestamp)],
    ["X-TC-Region", "ap-guangzhou"],
  ];
  if (authorization !== null) h.push(["Authorization", authorization]);
  if (opts.contentLength !== null) h.push(["Content-Length", String(opts.contentLength ?? body.length)]);
  return [...h, ...(opts.extra || [])];
}

/** A complete signed request (Content-Length framing). */
function signedRequest(opts) {
  const body = Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body ?? "{}", "utf8");
  return rawRequest({ headers: signedHeaders({ ...opts, body }), body });
}

/** Peak and current resident memory of a process, in KiB, from /proc/PID/status. */
function memoryKiB(pid) {
  const s = require("node:fs").readFileSync(`/proc/${pid}/status`, "utf8");
  const get = (k) => Number((new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(s) || [])[1]);
  return { hwm: get("VmHWM"), rss: get("VmRSS") };
}

module.exports = {
  RawConn, parseResponses, errorCode, rawRequest, signedHeaders, signedRequest, memoryKiB, sleep, CRLF,
};
