"use strict";
// The operator console end to end in Debian's chromium (puppeteer-core, no
// browser download): an operator signs in; recharges an account in arrears
// and the tenant's refused call (official SDK) then succeeds; a catalog
// lowering a free quota less than 30 days ahead is refused with the rule
// named, one 40 days ahead is published and its notices shown; "run now"
// twice bills once, and the run opens its bills (their lines) and the
// accounts it took below zero (the account); the audit badge is green on a clean database and red
// once a pack's count is changed behind the engine; the
// what-if shows other totals under a draft with a changed price; the
// operator log holds every action; a tenant session cannot call the
// operator API, the operator cannot POST without its CSRF token. The pages
// request nothing outside the server. Screenshots go to
// $KANJIAN_SCREENSHOT_DIR (docs/tenants/console/ in the repository) when set.
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const puppeteer = require("puppeteer-core");
const { Sandbox, BIN, childEnv, dogB64, expectSdkError } = require("./harness");
const { axeViolations, overflow } = require("./console_checks");

const CHROMIUM = process.env.KANJIAN_CHROMIUM || "/usr/bin/chromium";
const SHOTS = process.env.KANJIAN_SCREENSHOT_DIR || "";
const PASSWORD = "correct horse battery staple";
const OP_PASSWORD = "operator secret phrase 42";

function shanghai(offsetDays = 0) { return new Date(Date.now() + 8 * 3600e3 + offsetDays * 86400e3); }
const monthOf = (d) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
const PREV = monthOf(new Date(Date.UTC(shanghai().getUTCFullYear(), shanghai().getUTCMonth() - 1, 1)));
const dayAhead = (days) => `${shanghai(days).toISOString().slice(0, 10)}T00:00:00+08:00`;

let sb, srv, browser, page, base, debtor, inForce, refundedPack;
const outside = [];
const timings = {};

function withStdin(args, input) {
  const r = spawnSync(BIN, ["--db", sb.db, "--json", ...args], { input, env: childEnv(), encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  return JSON.parse(r.stdout);
}

async function newPage() {
  const context = await browser.createBrowserContext();
  const p = await context.newPage();
  await p.setViewport({ width: 1280, height: 800 });
  p.on("request", (req) => {
    const url = req.url();
    if (!url.startsWith(base) && !url.startsWith("data:")) outside.push(url);
  });
  return p;
}

async function goto(p, name, selector) {
  await p.goto(`${base}/console/operator/#/${name}`, { waitUntil: "networkidle0" });
  if (selector) await p.waitForSelector(selector);
}

async function shot(p, name) {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  await p.screenshot({ path: path.join(SHOTS, `operator-${name}.png`), fullPage: true });
}

function pageFetch(p, url, { method = "GET", body, csrf } = {}) {
  return p.evaluate(async (url, method, body, csrf) => {
    const headers = { "Content-Type": "application/json" };
    if (csrf) headers["X-CSRF-Token"] = csrf;
    const r = await fetch(url, { method, headers, body: body ? JSON.stringify(body) : undefined });
    return { status: r.status, json: await r.json().catch(() => null) };
  }, url, method, body ?? null, csrf ?? null);
}

// A catalog document in the published files' format, from the version in force.
function draft(version, effectiveFrom, change) {
  const doc = JSON.parse(JSON.stringify(inForce));
  doc.version = version;
  doc.effective_from = effectiveFrom;
  change(doc);
  const file = path.join(sb.dir, `${version}.json`);
  fs.writeFileSync(file, JSON.stringify(doc));
  return file;
}

// The confirmation dialog an action opens: its text, then Confirm or Cancel.
async function confirmDialog(p, answer) {
  await p.waitForSelector("#confirm-dialog[open]");
  const text = await p.$eval("#confirm-dialog", (e) => e.textContent);
  await p.click(answer ? "#confirm-ok" : "#confirm-cancel");
  await p.waitForFunction(() => !document.querySelector("#confirm-dialog"));
  return text;
}

async function upload(p, selector, file) {
  const input = await p.$(selector);
  await input.uploadFile(file);
}

before(async () => {
  sb = new Sandbox("operator");
  sb.createAccount("alpha");
  sb.cliOk(["account", "recharge", "alpha", "1000"]);
  debtor = sb.cliOk(["account", "create", "debtor"]);
  sb.cliOk(["--at", `${PREV}-02T10:00:00+08:00`, "account", "activate", "debtor"], { json: false });
  // 1100 pet calls: 1000 free, 100 post-paid at 20 元/千 = 2.00 元, settled: in arrears.
  sb.cliOk(["--at", `${PREV}-20T10:00:00+08:00`, "usage", "record", "debtor", "DetectPet", "1100"]);
  sb.cliOk(["bill", "run", "--month", PREV]);
  withStdin(["user", "add", "alpha", "alice", "--password-stdin"], `${PASSWORD}\n`);
  withStdin(["operator", "add", "root", "--password-stdin"], `${OP_PASSWORD}\n`);
  assert.deepEqual(sb.cliOk(["operator", "list"]).Operators.map((o) => o.Login), ["root"]);
  inForce = sb.cliOk(["catalog", "show"]).InForce;
  srv = await sb.startServer();
  base = `http://127.0.0.1:${srv.port}`;
  browser = await puppeteer.launch({
    executablePath: CHROMIUM, headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  page = await newPage();
});

after(async () => {
  try {
    if (browser) await browser.close();
    if (Object.keys(timings).length) console.log(`operator console timings (ms): ${JSON.stringify(timings)}`);
  } finally {
    if (sb) await sb.cleanup();
  }
});

test("the operator signs in (a tenant login does not); the cookie is HttpOnly, SameSite=Strict, scoped to /console/operator", async () => {
  await goto(page, "accounts", "#login-form");
  await page.type("#login", "alice");
  await page.type("#password", PASSWORD);
  await page.click("#login-submit");
  await page.waitForFunction(() => document.querySelector("#login-error")?.dataset.code === "AuthFailure.InvalidCredentials");
  assert.equal(await page.$eval("#login-error", (e) => e.textContent), "登录名或密码错误。");
  await page.evaluate(() => { document.querySelector("#login").value = ""; document.querySelector("#password").value = ""; });
  const started = Date.now();
  await page.type("#login", "root");
  await page.type("#password", OP_PASSWORD);
  await page.click("#login-submit");
  await page.waitForSelector(`[data-account='${debtor.AccountId}']`);
  timings.signInToAccounts = Date.now() - started;
  const cookie = (await page.cookies()).find((c) => c.name === "kanjian_operator");
  assert.ok(cookie.httpOnly);
  assert.equal(cookie.sameSite, "Strict");
  assert.equal(cookie.path, "/console/operator");
  assert.equal(await page.$eval("#nav-accounts", (e) => e.textContent), "账户");

  const t0 = Date.now();
  await goto(page, "accounts", `[data-account='${debtor.AccountId}']`);
  timings.accountsFirstLoad = Date.now() - t0;
});

test("recharging an account in arrears clears it: the tenant's refused call then succeeds", async () => {
  const client = srv.client(debtor.SecretId, debtor.SecretKey);
  await expectSdkError(client.DetectPet({ ImageBase64: dogB64() }), "ResourceUnavailable.InArrears", "before recharge");

  // The arrears worklist: the status filter, and a search for the status word.
  await page.select("#account-status", "arrears");
  await page.waitForFunction(() => document.querySelectorAll("[data-account]").length === 1);
  assert.equal(await page.$eval(`[data-owed='${debtor.AccountId}']`, (e) => e.textContent), "2.00");
  assert.equal(await page.$eval(`[data-last-bill='${debtor.AccountId}']`, (e) => e.textContent), `${PREV} · 2.00 · 已结算`);
  await page.select("#account-status", "");
  await page.waitForFunction(() => document.querySelectorAll("[data-account]").length > 1);
  await page.type("#account-q", "欠费");
  await page.click("#account-search");
  await page.waitForFunction(() => document.querySelectorAll("[data-account]").length === 1);
  assert.equal(await page.$eval("#account-status", (e) => e.value), "arrears");
  await page.select("#account-status", "");
  await page.waitForFunction(() => document.querySelectorAll("[data-account]").length > 1);
  await page.type("#account-q", "debt");
  await page.click("#account-search");
  await page.waitForFunction(() => document.querySelectorAll("[data-account]").length === 1);
  assert.equal(await page.$eval(`[data-account='${debtor.AccountId}']`, (e) => e.dataset.status), "arrears");
  assert.equal(await page.$eval(`[data-total='${debtor.AccountId}']`, (e) => e.textContent), "-2.00");
  await shot(page, "accounts");

  await page.click(`[data-recharge='${debtor.AccountId}']`);
  assert.equal(await page.$eval("#recharge-account", (e) => e.value), debtor.AccountId);
  await page.type("#recharge-amount", "2");
  await page.select("#recharge-source", "cash");
  await page.click("#recharge-submit");
  const asked = await confirmDialog(page, false);
  for (const words of ["2.00 元", "现金", "-2.00 元", "0.00 元"]) assert.ok(asked.includes(words), `${words} in "${asked}"`);
  assert.equal(sb.cliOk(["account", "show", "debtor"]).Balance.Total, "-2.00", "Cancel recharges nothing");
  await page.click("#recharge-submit");
  await confirmDialog(page, true);
  await page.waitForFunction(() => document.querySelector("#accounts-message")?.textContent.includes("0.00"));
  await page.waitForFunction((id) => document.querySelector(`[data-account='${id}']`)?.dataset.status === "active", {}, debtor.AccountId);

  const r = await client.DetectPet({ ImageBase64: dogB64() });
  assert.ok(r.RequestId, "the call succeeds after the recharge");
  assert.equal(sb.cliOk(["account", "show", "debtor"]).Balance.Total, "0.00");

  // Disable for content review and enable again, through the same page.
  await page.click(`[data-disable='${debtor.AccountId}']`);
  assert.match(await confirmDialog(page, true), /StopUsing/);
  await page.waitForFunction((id) => document.querySelector(`[data-account='${id}']`)?.dataset.status === "disabled", {}, debtor.AccountId);
  await expectSdkError(client.DetectPet({ ImageBase64: dogB64() }), "ResourceUnavailable.StopUsing", "disabled");
  await page.click(`[data-enable='${debtor.AccountId}']`);
  await confirmDialog(page, true);
  await page.waitForFunction((id) => document.querySelector(`[data-account='${id}']`)?.dataset.status === "active", {}, debtor.AccountId);
});

test("the audit badge is green on a clean database", async () => {
  await goto(page, "audit", "#audit-badge");
  assert.equal(await page.$eval("#audit-badge", (e) => e.className), "badge ok");
  assert.equal(await page.$eval("#audit-badge", (e) => e.textContent), "一致");
  await shot(page, "audit");
});

test("settlement \"run now\" twice bills once", async () => {
  // An account of last month created after the server's own settlement tick.
  const late = sb.createAccount("late", { activate: false });
  sb.cliOk(["--at", `${PREV}-03T10:00:00+08:00`, "account", "activate", "late"], { json: false });
  sb.cliOk(["--at", `${PREV}-10T10:00:00+08:00`, "usage", "record", "late", "DetectPet", "1500"]);
  await goto(page, "settlement", "#run-now");
  assert.equal(await page.$eval("#run-month", (e) => e.value), PREV);
  await page.click("#run-now");
  await confirmDialog(page, false);
  assert.equal(sb.cliOk(["account", "show", late.AccountId]).Balance.Total, "0.00", "Cancel bills nobody");
  await page.click("#run-now");
  await confirmDialog(page, true);
  await page.waitForSelector("#run-message[data-created]");
  assert.equal(await page.$eval("#run-message", (e) => e.dataset.created), "1");
  await page.click("#run-now");
  await confirmDialog(page, true);
  await page.waitForSelector("#run-message[data-created='0']");
  assert.equal(sb.cliOk(["account", "show", late.AccountId]).Balance.Total, "-10.00", "500 calls at 20 元/千, once");
  assert.equal(sb.cliOk(["bill", "show", "late", "--month", PREV]).Total, "10.00");
  assert.equal(await page.$eval(`[data-bills='${PREV}']`, (e) => e.textContent), "2");
  await shot(page, "settlement");
});

test("a settlement run opens its bills and the accounts it took below zero", async () => {
  const late = sb.cliOk(["account", "show", "late"]);
  await goto(page, "settlement", `[data-run='${PREV}']`);
  await page.click(`[data-run='${PREV}']`);
  await page.waitForSelector("#run-summary");
  assert.equal(await page.$eval("#run-summary", (e) => e.dataset.billCount), "2");
  assert.deepEqual(await page.$$eval("[data-bill-link]", (es) => es.map((e) => e.dataset.billLink).sort()),
    [debtor.AccountId, late.AccountId].sort());
  // Both went from 0.00 below zero; the debtor has paid since, "late" has not.
  const owing = await page.$$eval("[data-debtor]", (es) => es.map((e) => {
    const cells = [...e.closest("tr").children].map((c) => c.textContent);
    return [e.dataset.debtor, cells[2], cells[3], e.closest("tr").querySelector("[data-status-now]").dataset.statusNow];
  }));
  assert.deepEqual(owing.sort(), [[debtor.AccountId, "0.00", "-2.00", "active"], [late.AccountId, "0.00", "-10.00", "arrears"]].sort());

  // A bill: its lines, and from there the account.
  await page.click(`[data-bill-link='${late.AccountId}']`);
  await page.waitForSelector("#bill-lines");
  assert.equal(await page.$eval("#bill-total", (e) => e.dataset.billOf), late.AccountId);
  const line = await page.$eval("#bill-lines tbody tr", (tr) => [...tr.children].map((c) => c.textContent));
  assert.deepEqual([line[0], line[1], line[4]], ["DetectPet", "500", "10.00"]);
  assert.ok(page.url().endsWith(`#/settlement?month=${PREV}&bill=${late.AccountId}`), page.url());
  await shot(page, "settlement-run");

  // An account the run suspended: the accounts page, searched for it.
  await page.click(`[data-debtor='${late.AccountId}']`);
  await page.waitForSelector("#account-q");
  await page.waitForFunction((id) => document.querySelectorAll("[data-account]").length === 1 &&
    document.querySelector(`[data-account='${id}']`), {}, late.AccountId);
  assert.equal(await page.$eval("#account-q", (e) => e.value), late.AccountId);
  assert.equal(await page.$eval(`[data-account='${late.AccountId}']`, (e) => e.dataset.status), "arrears");
  assert.equal(await page.$eval(`[data-total='${late.AccountId}']`, (e) => e.textContent), "-10.00");

  // The API is read-only and names what is wrong.
  const bad = await pageFetch(page, `${base}/console/operator/api/bill-runs/month?Month=nope`);
  assert.equal(bad.status, 400);
  assert.match(bad.json.Error.Code, /^InvalidParameter/);
});

test("what-if: last month under a draft with a doubled pet price shows the new totals", async () => {
  const file = draft("draft-pet-x2", dayAhead(60), (doc) => {
    for (const tier of doc.actions.DetectPet.tiers) tier.price = String(Number(tier.price) * 2);
  });
  await goto(page, "what-if", "#whatif-run");
  assert.equal(await page.$eval("#whatif-month", (e) => e.value), PREV);
  // The editor starts from the version in force and checks the JSON as it is typed.
  assert.equal(JSON.parse(await page.$eval("#whatif-json", (e) => e.value)).version, inForce.version);
  const setDraft = (text) => page.$eval("#whatif-json", (e, v) => { e.value = v; e.dispatchEvent(new Event("input")); }, text);
  await setDraft("{\"version\": ");
  assert.equal(await page.$eval("#whatif-json", (e) => e.getAttribute("aria-invalid")), "true");
  assert.match(await page.$eval("#whatif-json-check", (e) => e.textContent), /JSON 格式错误/);
  await page.click("#whatif-run");
  await page.waitForSelector("#whatif-message[data-code='InvalidParameterValue']");
  // A draft edited in the page: the doubled pet price.
  await setDraft(fs.readFileSync(file, "utf8"));
  assert.equal(await page.$eval("#whatif-json", (e) => e.getAttribute("aria-invalid")), "false");
  await page.click("#whatif-run");
  await page.waitForSelector(`[data-account='${debtor.AccountId}']`);
  const row = await page.$eval(`[data-account='${debtor.AccountId}']`, (e) => [e.dataset.old, e.dataset.new]);
  assert.deepEqual(row, ["2.00", "4.00"]);
  assert.equal(await page.$eval("#whatif-old-total", (e) => e.textContent), "12.00");
  assert.equal(await page.$eval("#whatif-new-total", (e) => e.textContent), "24.00");
  timings.whatIf = Number(await page.$eval("#whatif-result", (e) => e.dataset.ms));
  await shot(page, "what-if");
  // Read-only: nothing was published.
  assert.ok(!sb.cliOk(["catalog", "show"]).Versions.some((v) => v.Version === "draft-pet-x2"));
});

test("catalog: lowering a free quota 10 days ahead is refused with the 30-day rule; 40 days ahead is published with its notices", async () => {
  const lower = (doc) => { for (const g of doc.free_groups) if (g.name === "DetectPet") g.quota = 500; };
  await goto(page, "catalog", "#catalog-publish");
  await upload(page, "#catalog-file", draft("pet-500-soon", dayAhead(10), lower));
  await page.click("#catalog-publish");
  assert.match(await confirmDialog(page, true), /pet-500-soon/);
  await page.waitForSelector("#catalog-message[data-code]");
  assert.equal(await page.$eval("#catalog-message", (e) => e.dataset.code), "NoticePeriodTooShort");
  assert.equal(await page.$eval("#catalog-message", (e) => e.textContent), "提前通知期不足 30 天。");
  assert.match(await page.$eval("#catalog-message", (e) => e.title), /at least 30 days/, "the server's detail stays at hand");

  await upload(page, "#catalog-file", draft("pet-500-later", dayAhead(40), lower));
  await page.click("#catalog-publish");
  await confirmDialog(page, true);
  await page.waitForFunction(() => document.querySelector("#catalog-message")?.textContent.includes("pet-500-later"));
  const notice = await page.$eval("#notices tbody tr", (e) => [...e.children].map((c) => c.textContent));
  assert.match(notice[1], /DetectPet monthly free calls: 1000 → 500/);
  assert.equal(notice[2], "3", "alpha, debtor and late are notified");
  assert.match(sb.cliOk(["notice", "list", "debtor"]).at(-1).Message, /1000 → 500/);
  await shot(page, "catalog");
});

test("vouchers are issued and listed; the refund log shows a tenant's refund", async () => {
  const bought = sb.cliOk(["pack", "buy", "alpha", "--action", "RecognizeCarPro", "--calls", "10000"]);
  sb.cliOk(["pack", "refund", bought.PackId]);
  refundedPack = bought.PackId;
  // Page-specific selectors: a hash change does not wait for the new page.
  await goto(page, "refunds", "#refunds tbody tr");
  const refund = await page.$eval("#refunds tbody tr", (e) => [...e.children].map((c) => c.textContent));
  assert.deepEqual([refund[2], refund[3]], [bought.PackId, "730.00"]);
  await shot(page, "refunds");

  await goto(page, "vouchers", "#voucher-submit");
  await page.type("#voucher-account", "alpha");
  await page.type("#voucher-amount", "50");
  await page.$eval("#voucher-expires", (e) => { e.value = "2099-12-31"; });  // the date picker's value
  await page.click("#voucher-submit");
  assert.match(await confirmDialog(page, true), /2099-12-31 23:59/);
  await page.waitForFunction(() => document.querySelector("#vouchers-message")?.textContent.includes("已发放"));
  const listed = await page.$eval("#vouchers-list tbody tr", (e) => [...e.children].map((c) => c.textContent));
  assert.equal(listed[2], "50.00");
  assert.equal(listed[4], "2099-12-31 23:59", "expires at the end of the picked day, in the billing zone");
  const shown = sb.cliOk(["account", "show", "alpha"]).Vouchers;
  assert.deepEqual(shown.map((v) => v.VoucherId), [listed[0]]);
  await shot(page, "vouchers");
});

test("a 未开通 account is activated from the console after a confirmation", async () => {
  const fresh = sb.createAccount("fresh", { activate: false });
  await goto(page, "accounts");
  await page.reload({ waitUntil: "networkidle0" });
  // The unfiltered list already holds the button, and the filter renders the
  // page anew: mark the old filter and wait for its replacement before clicking.
  await page.$eval("#account-status", (e) => { e.dataset.stale = "1"; });
  await page.select("#account-status", "inactive");
  await page.waitForSelector("#account-status:not([data-stale])");
  await page.waitForSelector(`[data-activate='${fresh.AccountId}']`);
  await page.click(`[data-activate='${fresh.AccountId}']`);
  await confirmDialog(page, false);
  assert.equal(sb.cliOk(["account", "show", "fresh"]).Status, "inactive", "Cancel activates nothing");
  await page.click(`[data-activate='${fresh.AccountId}']`);
  assert.match(await confirmDialog(page, true), new RegExp(fresh.AccountId));
  await page.waitForFunction(() => document.querySelector("#accounts-message")?.textContent.includes("已开通"));
  assert.equal(sb.cliOk(["account", "show", "fresh"]).Status, "active");
  await page.select("#account-status", "");
});

test("the operator log names who did what, refusals included", async () => {
  await goto(page, "log", "[data-log-action]");
  const rows = await page.$$eval("tbody tr", (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  const find = (action, outcome) => rows.find((r) => r[2] === action && r[5] === outcome);
  for (const [action, outcome] of [["sign-in", "OK"], ["sign-in", "AuthFailure.InvalidCredentials"], ["recharge", "OK"],
    ["disable", "OK"], ["enable", "OK"], ["activate", "OK"], ["bill-run", "OK"], ["voucher", "OK"], ["publish", "NoticePeriodTooShort"], ["publish", "OK"]]) {
    const row = find(action, outcome);
    assert.ok(row, `${action} ${outcome} in the log`);
    if (action !== "sign-in" || outcome === "OK") assert.equal(row[1], "root");
  }
  assert.match(find("recharge", "OK")[4], /"Source":"cash"/);
  await shot(page, "log");
});

test("live metrics: the chart refreshes from the server's own registry", async () => {
  await goto(page, "metrics", "#metrics-chart canvas");
  await page.waitForFunction(() => Number(document.querySelector("#metrics-chart")?.dataset.samples) >= 1, { timeout: 15000 });
  // Real calls while the page polls: the requests/s line leaves zero.
  const client = srv.client(debtor.SecretId, debtor.SecretKey);
  const started = Date.now();
  while (Number(await page.$eval("#metrics-chart", (e) => e.dataset.maxRps)) === 0 && Date.now() - started < 20000)
    await client.DetectPet({ ImageBase64: dogB64() });
  assert.ok(Number(await page.$eval("#metrics-chart", (e) => e.dataset.maxRps)) > 0, "requests/s moved");
  assert.ok(Number(await page.$eval("#metrics-chart", (e) => e.dataset.requests)) >= 3, "the SDK calls are counted");
  const codes = await page.$eval("#metrics-codes", (e) => e.textContent);
  assert.match(codes, /ResourceUnavailable\.InArrears/);
  await shot(page, "metrics");
});

test("a session that ends while metrics poll: polling stops under a banner, signing in again resumes it", async () => {
  await goto(page, "metrics", "#metrics-chart canvas");
  await page.waitForFunction(() => Number(document.querySelector("#metrics-chart")?.dataset.samples) >= 1, { timeout: 15000 });
  const session = await pageFetch(page, "/console/operator/api/session");
  assert.equal((await pageFetch(page, "/console/operator/api/logout", { method: "POST", body: {}, csrf: session.json.CsrfToken })).status, 200);
  await page.waitForSelector("#session-banner", { timeout: 15000 });
  await page.waitForSelector("#signin-dialog[open]");
  const samples = () => page.$eval("#metrics-chart", (e) => Number(e.dataset.samples));
  const stopped = await samples();
  await new Promise((r) => setTimeout(r, 4000));  // more than one 3-second period
  assert.equal(await samples(), stopped, "no polling without a session");
  await page.type("#password", OP_PASSWORD);
  await page.click("#login-submit");
  await page.waitForFunction((n) => Number(document.querySelector("#metrics-chart")?.dataset.samples) > n, { timeout: 15000 }, stopped);
  assert.equal(await page.$("#session-banner"), null);
});

const OPERATOR_VIEWS = ["accounts", "vouchers", "catalog", "settlement", "refunds", "audit", "metrics", "what-if", "log"];

test("accessibility: axe-core finds no serious or critical violation on any operator view, in either language", async () => {
  const found = [];
  const signedOut = await newPage();
  await goto(signedOut, "accounts", "#login-form");
  for (const v of await axeViolations(signedOut)) found.push(`sign-in: ${v.id} (${v.impact}) ${v.nodes.join(", ")}`);
  await signedOut.close();
  for (const lang of ["zh", "en"]) {
    await page.evaluate((l) => localStorage.setItem("lang", l), lang);
    for (const view of [...OPERATOR_VIEWS, `settlement?month=${PREV}&bill=${debtor.AccountId}`]) {
      await goto(page, view);
      await page.reload({ waitUntil: "networkidle0" });
      await page.waitForSelector("#view .page > *");
      assert.equal(await page.$$eval("h1", (hs) => hs.filter((x) => x.textContent.trim() && x.offsetParent !== null).length), 1, `one <h1> on ${view}`);
      for (const v of await axeViolations(page)) found.push(`${lang} ${view}: ${v.id} (${v.impact}) ${v.nodes.join(", ")}`);
    }
  }
  await page.evaluate(() => localStorage.setItem("lang", "zh"));
  assert.deepEqual(found, []);
});

test("phones (390×844): no operator view is wider than the screen; the menu folds and opens", async () => {
  await page.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true });
  try {
    const wide = [];
    for (const lang of ["zh", "en"]) {
      await page.evaluate((l) => localStorage.setItem("lang", l), lang);
      for (const view of OPERATOR_VIEWS) {
        await goto(page, view);
        await page.reload({ waitUntil: "networkidle0" });
        await page.waitForSelector("#view .page > *");
        const o = await overflow(page);
        if (o.over > 0) wide.push(`${lang} ${view}: ${o.scrollWidth}px (${o.wide.join(", ")})`);
      }
    }
    await page.evaluate(() => localStorage.setItem("lang", "zh"));
    assert.deepEqual(wide, [], "views wider than 390 px");
    await goto(page, "accounts", "[data-recharge]");
    await page.reload({ waitUntil: "networkidle0" });
    await page.waitForSelector("[data-recharge]");
    await page.click("#menu-toggle");
    await page.click("#nav-log");
    await page.waitForSelector("[data-log-action]");
    await shot(page, "phone-log");
  } finally {
    await page.setViewport({ width: 1280, height: 800 });
  }
});

test("a tenant session cannot call the operator API; the operator needs its CSRF token; sessions never cross", async () => {
  const tenant = await newPage();
  await tenant.goto(`${base}/console/#/overview`, { waitUntil: "networkidle0" });
  await tenant.type("#login", "alice");
  await tenant.type("#password", PASSWORD);
  await tenant.click("#login-submit");
  await tenant.waitForSelector("#balance-total");
  const r = await pageFetch(tenant, "/console/operator/api/accounts");
  assert.deepEqual([r.status, r.json.Error.Code], [401, "AuthFailure.SessionInvalid"]);
  // The tenant's cookie value presented as an operator cookie is no session either.
  const tenantCookie = (await tenant.cookies()).find((c) => c.name === "kanjian_session").value;
  await tenant.setCookie({ name: "kanjian_operator", value: tenantCookie, url: base, path: "/console/operator" });
  const forged = await pageFetch(tenant, "/console/operator/api/accounts");
  assert.equal(forged.status, 401);
  await tenant.close();

  // The operator's session opens nothing of the tenant API.
  assert.equal((await pageFetch(page, "/console/api/overview")).status, 401);
  const opCookie = (await page.cookies()).find((c) => c.name === "kanjian_operator").value;
  const asTenant = await fetch(`${base}/console/api/overview`, { headers: { Cookie: `kanjian_session=${opCookie}` } });
  assert.equal(asTenant.status, 401);

  const before = sb.cliOk(["account", "show", "alpha"]).Balance.Total;
  const noToken = await pageFetch(page, "/console/operator/api/accounts/recharge",
    { method: "POST", body: { Account: "alpha", Amount: "5" } });
  assert.deepEqual([noToken.status, noToken.json.Error.Code], [403, "AuthFailure.CsrfTokenInvalid"]);
  const session = await pageFetch(page, "/console/operator/api/session");
  const wrong = await pageFetch(page, "/console/operator/api/accounts/recharge",
    { method: "POST", body: { Account: "alpha", Amount: "5" }, csrf: "0".repeat(32) });
  assert.equal(wrong.status, 403);
  const good = await pageFetch(page, "/console/operator/api/accounts/recharge",
    { method: "POST", body: { Account: "alpha", Amount: "5", IdempotencyKey: "op-test-1" }, csrf: session.json.CsrfToken });
  assert.equal(good.status, 200);
  const retry = await pageFetch(page, "/console/operator/api/accounts/recharge",
    { method: "POST", body: { Account: "alpha", Amount: "5", IdempotencyKey: "op-test-1" }, csrf: session.json.CsrfToken });
  assert.equal(retry.status, 200);
  assert.equal(sb.cliOk(["account", "show", "alpha"]).Balance.Total,
    (Number(before) + 5).toFixed(2), "one recharge: the retry with the same key changes nothing");
});

test("static files: CSP on the operator pages; nothing requested outside the server", async () => {
  const res = await fetch(`${base}/console/operator/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-security-policy"), /script-src 'self'/);
  assert.match(await res.text(), /operator\/app\.js/);
  assert.equal((await fetch(`${base}/console/operator/app.js`)).headers.get("content-type"), "text/javascript; charset=utf-8");
  assert.deepEqual(outside, [], "requests outside the server");
});

test("the audit badge turns red on a mismatch (a pack's count changed behind the engine)", async () => {
  // Last: it breaks the database on purpose (Debian's sqlite3 shell, or psql on PostgreSQL).
  const r = sb.sql(`UPDATE packs SET used = 1 WHERE id = '${refundedPack}'`);
  assert.equal(r.status, 0, r.stderr);
  await goto(page, "audit", "#audit-badge");
  assert.equal(await page.$eval("#audit-badge", (e) => e.className), "badge bad");
  assert.match(await page.$eval("#audit-problems", (e) => e.textContent), new RegExp(`pack ${refundedPack}: used differs`));
  await shot(page, "audit-mismatch");
});
