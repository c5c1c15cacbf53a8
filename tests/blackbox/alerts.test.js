// Alerts (docs/tenants/alerts.md) against the real binary: a tenant
// subscribes an e-mail address and a webhook through the console API, and
// each notice its account reaches (a settled bill, arrears, the free pack
// at 80 % and 100 %, the spend guard at 50/80/100 %) arrives once on each
// channel — the webhook signed with the subscription's secret and retried
// after a 500, the e-mail through a local SMTP sink — with the delivery log
// in the console API and nothing sent twice on later dispatcher passes.
// The receivers listen on free ports, so this file runs beside others.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const http = require("node:http");
const net = require("node:net");
const { spawnSync } = require("node:child_process");
const puppeteer = require("puppeteer-core");
const { Sandbox, BIN, childEnv, sleep } = require("./harness");
const { axeViolations } = require("./console_checks");

const CHROMIUM = process.env.KANJIAN_CHROMIUM || "/usr/bin/chromium";

const PASSWORD = "correct horse battery";
function shanghai() { return new Date(Date.now() + 8 * 3600e3); }
const monthOf = (d) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
const PREV = monthOf(new Date(Date.UTC(shanghai().getUTCFullYear(), shanghai().getUTCMonth() - 1, 1)));

let sb, srv, hook, smtp, session;

// A webhook receiver: answers 500 to the first attempt of each delivery,
// 200 afterwards; keeps every request with its raw body.
function startReceiver() {
  const requests = [];
  const seen = new Set();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const id = req.headers["x-kanjian-delivery"];
      const first = !seen.has(id);
      seen.add(id);
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), status: first ? 500 : 200 });
      res.writeHead(first ? 500 : 200).end(first ? "try again" : "ok");
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () =>
    resolve({ server, requests, port: server.address().port })));
}

// A minimal SMTP sink (RFC 5321's happy path: EHLO, MAIL, RCPT, DATA, QUIT).
function startSmtpSink() {
  const mails = [];
  const server = net.createServer((socket) => {
    let buffer = "", inData = false, mail = null;
    socket.write("220 sink ESMTP\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      for (;;) {
        if (inData) {
          const end = buffer.indexOf("\r\n.\r\n");
          if (end < 0) return;
          mail.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          mails.push(mail);
          inData = false;
          socket.write("250 queued\r\n");
          continue;
        }
        const eol = buffer.indexOf("\r\n");
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO" || verb === "HELO") socket.write("250 sink\r\n");
        else if (verb === "MAIL") { mail = { from: line, to: [] }; socket.write("250 ok\r\n"); }
        else if (verb === "RCPT") { mail.to.push(line); socket.write("250 ok\r\n"); }
        else if (verb === "DATA") { inData = true; socket.write("354 go on\r\n"); }
        else if (verb === "QUIT") { socket.end("221 bye\r\n"); return; }
        else socket.write("250 ok\r\n");  // RSET, NOOP
      }
    });
    socket.on("error", () => {});
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () =>
    resolve({ server, mails, port: server.address().port })));
}

// The console API over plain HTTP, with the session's cookie and CSRF token.
function consoleCall(method, route, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? null : JSON.stringify(body);
    const headers = { "Content-Type": "application/json" };
    if (session) { headers.Cookie = session.cookie; headers["X-CSRF-Token"] = session.csrf; }
    const req = http.request({ host: "127.0.0.1", port: srv.port, path: `/console/api/${route}`, method, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers,
                                    json: JSON.parse(Buffer.concat(chunks).toString("utf8") || "null") }));
    });
    req.on("error", reject);
    if (data) req.write(data);
    req.end();
  });
}

async function waitFor(what, predicate, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${srv.logTail()}`);
    await sleep(50);
  }
}

// The webhooks answered 200, by their notice key.
function delivered() {
  return hook.requests.filter((r) => r.status === 200).map((r) => JSON.parse(r.body).Key);
}

before(async () => {
  sb = new Sandbox("alerts");
  sb.cliOk(["--at", `${PREV}-02T10:00:00+08:00`, "account", "create", "ann"]);
  sb.cliOk(["--at", `${PREV}-02T10:00:00+08:00`, "account", "activate", "ann"], { json: false });
  // 100 post-paid calls last month, settled with no money: a bill and arrears.
  sb.cliOk(["--at", `${PREV}-20T10:00:00+08:00`, "usage", "record", "ann", "DetectPet", "1100"]);
  sb.cliOk(["bill", "run", "--month", PREV]);
  const r = spawnSync(BIN, ["--db", sb.db, "--json", "user", "add", "ann", "anna", "--password-stdin"],
    { input: `${PASSWORD}\n`, env: childEnv(), encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  hook = await startReceiver();
  smtp = await startSmtpSink();
  srv = await sb.startServer({ extraArgs: [
    "--alert-interval-ms", "100", "--alert-retry-ms", "200", "--alert-allow-loopback-for-tests",
    "--alert-console-url", "https://console.example",
    "--smtp-url", `smtp://127.0.0.1:${smtp.port}`, "--smtp-from", "alerts@kanjian.test"] });
  const login = await consoleCall("POST", "login", { Login: "anna", Password: PASSWORD });
  assert.equal(login.status, 200, JSON.stringify(login.json));
  session = { cookie: login.headers["set-cookie"][0].split(";")[0], csrf: login.json.CsrfToken };
});

after(async () => {
  hook?.server.close();
  smtp?.server.close();
  if (sb) await sb.cleanup();
});

let secret;

test("a subscription is refused for a bad address and kept with a server-made secret", async () => {
  const bad = await consoleCall("POST", "alerts", { Email: "not an address" });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.Error.Code, "InvalidParameterValue");
  const badKind = await consoleCall("POST", "alerts", { Email: "a@b.c", Kinds: ["lottery"] });
  assert.equal(badKind.status, 400);
  const set = await consoleCall("POST", "alerts", {
    Email: "ops@ann.test", WebhookUrl: `http://127.0.0.1:${hook.port}/kanjian`, Language: "en" });
  assert.equal(set.status, 200, JSON.stringify(set.json));
  secret = set.json.Subscription.Secret;
  assert.match(secret, /^[0-9a-f]{64}$/);
  assert.ok(set.json.Kinds.includes("bill_settled"));
  const again = await consoleCall("GET", "alerts");
  assert.equal(again.json.Subscription.Secret, secret, "the secret stays until a new one is asked for");
});

test("the settled bill and the arrears arrive signed, after one retry each", async () => {
  await waitFor("bill and arrears webhooks", () =>
    delivered().some((k) => k.startsWith("bill_settled|")) && delivered().some((k) => k.startsWith("arrears|")));
  for (const r of hook.requests) {
    const ts = r.headers["x-kanjian-timestamp"];
    const expected = "sha256=" + crypto.createHmac("sha256", secret).update(`${ts}.${r.body}`).digest("hex");
    assert.equal(r.headers["x-kanjian-signature"], expected, "signed with the subscription's secret");
    assert.ok(Math.abs(Date.now() / 1000 - Number(ts)) < 300, "a current timestamp");
  }
  const bill = hook.requests.find((r) => r.status === 200 && JSON.parse(r.body).Notice.Kind === "bill_settled");
  const body = JSON.parse(bill.body);
  assert.equal(body.Notice.Subject, PREV);
  assert.equal(body.Notice.Amount, "2.00");
  assert.equal(body.Link, "https://console.example/console/#/bills");
  const arrears = hook.requests.find((r) => r.status === 200 && JSON.parse(r.body).Notice.Kind === "arrears");
  assert.equal(JSON.parse(arrears.body).Notice.Amount, "2.00");
});

test("the free pack at 80 % and 100 % and the spend guard at 50/80/100 % each arrive", async () => {
  const expect = async (prefix) => waitFor(prefix, () => delivered().some((k) => k.startsWith(prefix)));
  sb.cliOk(["usage", "record", "ann", "DetectPet", "800"]);
  await expect("free_pack|DetectPet|80|");
  sb.cliOk(["usage", "record", "ann", "DetectPet", "200"]);
  await expect("free_pack|DetectPet|100|");
  sb.cliOk(["account", "budget", "ann", "1.00"]);
  sb.cliOk(["usage", "record", "ann", "DetectPet", "25"]);  // 0.50 post-paid
  await expect("spend_guard||50|");
  sb.cliOk(["usage", "record", "ann", "DetectPet", "15"]);  // 0.80
  await expect("spend_guard||80|");
  sb.cliOk(["usage", "record", "ann", "DetectPet", "10"]);  // 1.00
  await expect("spend_guard||100|");
});

test("each alert arrived once per channel, and later passes send nothing again", async () => {
  const keys = new Set(delivered());
  assert.equal(keys.size, 7, [...keys].join(" "));
  await waitFor("every e-mail", () => smtp.mails.length >= 7);
  await sleep(1000);  // ten more dispatcher passes
  assert.deepEqual(delivered().sort(), [...keys].sort(), "no webhook twice");
  assert.equal(hook.requests.length, 14, "each delivered after one 500");
  assert.equal(smtp.mails.length, 7, "no e-mail twice");
  for (const m of smtp.mails) {
    assert.match(m.from, /<alerts@kanjian\.test>/);
    assert.deepEqual(m.to, ["RCPT TO:<ops@ann.test>"]);
    assert.match(m.data, /^Subject: =\?UTF-8\?B\?/m);
    assert.match(m.data, /Act here: https:\/\/console\.example\/console\/#\//);
  }
  const subjects = smtp.mails.map((m) => Buffer.from(m.data.match(/^Subject: =\?UTF-8\?B\?(.*)\?=/m)[1], "base64").toString());
  assert.ok(subjects.some((s) => /free pack DetectPet is 80 % used/.test(s)), subjects.join("\n"));
});

test("the console shows the delivery log and when each notice happened", async () => {
  const log = (await consoleCall("GET", "alerts")).json.Deliveries;
  assert.equal(log.length, 14);
  for (const d of log) {
    assert.equal(d.Status, "delivered", JSON.stringify(d));
    if (d.Channel === "webhook") {
      assert.equal(d.Attempts, 2);
      assert.equal(d.Log[0].Result, "HTTP 500");
      assert.ok(d.Log[0].NextAt, "the retry's time is logged");
      assert.equal(d.Log[1].Result, "HTTP 200");
    } else {
      assert.equal(d.Attempts, 1);
      assert.match(d.Log[0].Result, /^SMTP 250$/);
    }
  }
  const notices = (await consoleCall("GET", "notices")).json.Notices;
  const arrears = notices.find((n) => n.Kind === "arrears");
  assert.ok(arrears.Since, "a state notice is stamped with its first sighting");
  assert.match(arrears.Since, /^\d{4}-\d{2}-\d{2}T/);
});

test("the Notices page shows the subscription, its secret and the delivery log, accessibly", async () => {
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  try {
    const p = await browser.newPage();
    await p.goto(`http://127.0.0.1:${srv.port}/console/#/notices`, { waitUntil: "networkidle0" });
    await p.waitForSelector("#login-form");
    await p.type("#login", "anna");
    await p.type("#password", PASSWORD);
    await p.click("#login-submit");
    await p.waitForSelector("#alert-log tbody tr");
    assert.equal(await p.$$eval("#alert-log tbody tr", (rows) => rows.length), 14);
    assert.equal(await p.$eval("#alert-secret", (e) => e.textContent), secret);
    assert.equal(await p.$eval("#alert-email", (e) => e.value), "ops@ann.test");
    assert.equal(await p.$$eval("[data-status=delivered]", (e) => e.length), 14);
    const when = await p.$eval(".notice-item[data-kind=arrears] .notice-at", (e) => e.textContent);
    assert.match(when, /始于 /, "stamped with its first sighting, not 'current state'");
    if (process.env.KANJIAN_SCREENSHOT_DIR) {
      await p.setViewport({ width: 1200, height: 1400 });
      await p.screenshot({ path: `${process.env.KANJIAN_SCREENSHOT_DIR}/alerts.png`, fullPage: true });
    }
    const serious = (await axeViolations(p)).filter((v) => ["serious", "critical"].includes(v.impact));
    assert.deepEqual(serious.map((v) => `${v.id}: ${v.nodes.join(", ")}`), []);
  } finally {
    await browser.close();
  }
});

test("a subscription with neither channel is removed", async () => {
  const off = await consoleCall("POST", "alerts", {});
  assert.equal(off.status, 200);
  assert.equal(off.json.Subscription, null);
  assert.equal(off.json.Deliveries.length, 14, "the log stays");
  const cli = sb.cliOk(["alert", "show", "ann"]);
  assert.equal(cli.Subscription, null);
  assert.equal(cli.Deliveries.length, 14, "the operator sees the same log");
  const set = sb.cliOk(["alert", "set", "ann", "--email", "ops@ann.test", "--kind", "arrears"]);
  assert.deepEqual(set.Subscription.Kinds, ["arrears"]);
  assert.match(set.Subscription.Secret, /^[0-9a-f]{64}$/, "a new subscription gets a new secret");
  assert.notEqual(set.Subscription.Secret, secret);
});
