"use strict";
// HTTPS without a proxy: `serve --tls-cert --tls-key` with a CA made here,
// the official SDK's default https:// protocol trusting that CA (through
// NODE_EXTRA_CA_CERTS, as a user would), metering exactly the success.
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const net = require("node:net");
const { spawnSync } = require("node:child_process");
const { Sandbox, BIN, childEnv, DOG_JPG, UUID_RE } = require("./harness");

let sb, srv, acc, pki;

function openssl(args, cwd) {
  const r = spawnSync("openssl", args, { cwd, encoding: "utf8" });
  assert.equal(r.status, 0, `openssl ${args.join(" ")}: ${r.stderr}`);
}

/** A CA, and a server certificate for 127.0.0.1 signed by it. */
function makePki(dir) {
  openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Kanjian test CA"], dir);
  openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"], dir);
  fs.writeFileSync(path.join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
    "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "san.ext"], dir);
  return { ca: path.join(dir, "ca.pem"), cert: path.join(dir, "server.pem"), key: path.join(dir, "server.key") };
}

/** Runs one SDK call in a child node (so NODE_EXTRA_CA_CERTS applies at its start). */
function sdkOverHttps(port, { trustCa }) {
  const script = `
    const tc = require("tencentcloud-sdk-nodejs");
    const client = new tc.tiia.v20190529.Client({
      credential: { secretId: ${JSON.stringify(acc.SecretId)}, secretKey: ${JSON.stringify(acc.SecretKey)} },
      region: "ap-guangzhou",
      profile: { httpProfile: { endpoint: "127.0.0.1:${port}", reqTimeout: 60 } },  // protocol: https:// by default
    });
    const b64 = require("fs").readFileSync(${JSON.stringify(DOG_JPG)}).toString("base64");
    client.DetectPet({ ImageBase64: b64 }).then(
      (r) => console.log(JSON.stringify({ ok: r })),
      (e) => console.log(JSON.stringify({ err: String(e.message || e), code: e.code })));`;
  const env = { ...process.env };
  if (trustCa) env.NODE_EXTRA_CA_CERTS = pki.ca; else delete env.NODE_EXTRA_CA_CERTS;
  const r = spawnSync(process.execPath, ["-e", script], { cwd: __dirname, env, encoding: "utf8", timeout: 90000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

before(async () => {
  sb = new Sandbox("tls");
  acc = sb.createAccount("tls-shop");
  pki = makePki(sb.dir);
  srv = await sb.startServer({
    extraArgs: ["--tls-cert", pki.cert, "--tls-key", pki.key],
    tlsCa: fs.readFileSync(pki.ca),
  });
});

after(async () => {
  try {
    if (srv) await srv.stopOk();
  } finally {
    if (sb) await sb.cleanup();
  }
});

test("the official SDK over https:// (its default) trusting the operator's CA: answered and billed once", () => {
  const r = sdkOverHttps(srv.port, { trustCa: true });
  assert.ok(r.ok, `SDK call failed: ${JSON.stringify(r)}`);
  assert.equal(r.ok.Pets[0].Name, "dog");
  assert.match(r.ok.RequestId, UUID_RE);
  const usage = sb.usage(acc.AccountId);
  assert.deepEqual(usage.map((u) => u.RequestId), [r.ok.RequestId]);
});

test("a client that does not trust the certificate refuses the connection (nothing billed)", () => {
  const before = sb.usage(acc.AccountId).length;
  const r = sdkOverHttps(srv.port, { trustCa: false });
  assert.ok(r.err, `expected a TLS failure, got ${JSON.stringify(r)}`);
  assert.match(r.err, /certificate|self.signed|issuer/i);
  assert.equal(sb.usage(acc.AccountId).length, before);
});

test("plain HTTP to the TLS listener gets no HTTP answer", async () => {
  const reply = await new Promise((resolve) => {
    const s = net.connect(srv.port, "127.0.0.1", () => s.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    let got = "";
    s.on("data", (d) => { got += d.toString("latin1"); });
    s.on("close", () => resolve(got));
    s.on("error", () => resolve(got));
    s.setTimeout(5000, () => s.destroy());
  });
  assert.doesNotMatch(reply, /^HTTP\/1\.1 200/);
});

test("serve refuses to start when the certificate file is missing, naming it", () => {
  const missing = path.join(sb.dir, "nope.pem");
  const r = spawnSync(BIN, ["--db", sb.db, "serve", "--listen", "127.0.0.1:0", "--tls-cert", missing,
    "--tls-key", pki.key], { env: childEnv(), encoding: "utf8", timeout: 60000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr + r.stdout, /nope\.pem/);
});
