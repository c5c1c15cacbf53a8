"use strict";
// Sign-in throttling seen from outside, on both consoles: wrong passwords
// for a login that exists and for one that does not get the same answers
// (401 five times, then 429 LoginLocked), an address that never failed
// still signs in at once, and every wait that starts is in the operator
// log. Loopback only: 127.0.0.2 is "another address" (all of 127/8 is local).
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const http = require("node:http");
const { spawnSync } = require("node:child_process");
const { Sandbox, BIN, childEnv, sleep } = require("./harness");

const PASSWORD = "correct horse battery staple";
const OP_PASSWORD = "operator password staple";
const OTHER = "127.0.0.2";
// The consoles also allow 2 sign-in attempts per second per address.
const PACE_MS = 550;

let sb, srv;

function withStdin(args, input) {
  const r = spawnSync(BIN, ["--db", sb.db, "--json", ...args], { input, env: childEnv(), encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
}

function post(path, body, { from = "127.0.0.1", cookie = "" } = {}) {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: "127.0.0.1", port: srv.port, path, method: "POST", localAddress: from, agent: false, timeout: 10000,
      headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(data),
                 ...(cookie ? { Cookie: cookie } : {}) },
    }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end(data);
  });
}

function get(path, cookie) {
  return new Promise((resolve, reject) => {
    http.get({ host: "127.0.0.1", port: srv.port, path, agent: false, headers: { Cookie: cookie } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    }).on("error", reject);
  });
}

async function attempt(api, login, password, from) {
  const r = await post(`${api}/login`, { Login: login, Password: password }, { from });
  await sleep(PACE_MS);
  return r;
}

before(async () => {
  sb = new Sandbox("signin");
  sb.createAccount("alpha");
  withStdin(["user", "add", "alpha", "alice", "--password-stdin"], `${PASSWORD}\n`);
  withStdin(["operator", "add", "root", "--password-stdin"], `${OP_PASSWORD}\n`);
  srv = await sb.startServer();
});

after(async () => {
  if (srv) await srv.stopOk();
  if (sb) await sb.cleanup();
});

for (const [api, existing, password, target] of [
  ["/console/api", "alice", PASSWORD, "tenant"],
  ["/console/operator/api", "root", OP_PASSWORD, "operator"],
]) {
  test(`${api}: wrong passwords answer alike for ${existing} and a missing login; others still sign in`, async () => {
    const answers = { [existing]: [], ghost: [] };
    for (let i = 0; i < 6; i++) {
      for (const login of [existing, "ghost"]) {
        const r = await attempt(api, login, "not the password", "127.0.0.1");
        // The wait left is counted from each login's own fifth failure, a
        // moment apart here: the same answer but for that number.
        const wait = r.body.match(/try again in (\d+) second/);
        if (wait) assert.ok(Number(wait[1]) >= 1 && Number(wait[1]) <= 15, r.body);
        answers[login].push({ status: r.status, body: r.body.replace(/in \d+ second/, "in N second") });
      }
    }
    assert.deepEqual(answers.ghost, answers[existing]);
    assert.deepEqual(answers[existing].map((a) => a.status), [401, 401, 401, 401, 401, 429]);
    assert.equal(JSON.parse(answers[existing][5].body).Error.Code, "AuthFailure.LoginLocked");

    // The right password from the throttled address waits too…
    assert.equal((await attempt(api, existing, password, "127.0.0.1")).status, 429);
    // …but the owner elsewhere is not locked out.
    const owner = await attempt(api, existing, password, OTHER);
    assert.equal(owner.status, 200, owner.body);
  });
}

test("each wait that starts is in the operator log, with the address", async () => {
  const signIn = await attempt("/console/operator/api", "root", OP_PASSWORD, OTHER);
  assert.equal(signIn.status, 200, signIn.body);
  const cookie = signIn.headers["set-cookie"][0].split(";")[0];
  const log = await get("/console/operator/api/log", cookie);
  assert.equal(log.status, 200, log.body);
  const rows = JSON.parse(log.body);
  const list = rows.Actions;
  const throttled = list.filter((r) => r.Action === "sign-in-throttled").map((r) => r.Target).sort();
  assert.deepEqual(throttled, ["operator:ghost", "operator:root", "tenant:alice", "tenant:ghost"]);
  for (const r of list.filter((r) => r.Action === "sign-in-throttled")) {
    assert.equal(r.Login, "system");
    assert.match(JSON.stringify(r), /127\.0\.0\.1/);
  }
});
