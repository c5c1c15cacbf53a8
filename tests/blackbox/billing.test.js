"use strict";
// Billing through the real binary: the CLI contract and arrears →
// suspension → recharge → resumption seen by the official SDK on a running
// server. Months are computed from today in Asia/Shanghai, so the test holds
// on any date.
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const { Sandbox, dogB64, expectSdkError, sleep } = require("./harness");

// The previous calendar month in Asia/Shanghai, as "YYYY-MM".
function previousMonth() {
  const shanghai = new Date(Date.now() + 8 * 3600 * 1000);
  let y = shanghai.getUTCFullYear(), m = shanghai.getUTCMonth(); // m: 0-based current → 1-based previous
  if (m === 0) { y -= 1; m = 12; }
  return `${y}-${String(m).padStart(2, "0")}`;
}
const PREV = previousMonth();

let sb, srv, acc, client;

before(async () => {
  sb = new Sandbox("billing");
  acc = sb.cliOk(["account", "create", "payer"]);
  sb.cliOk(["--at", `${PREV}-02T10:00:00+08:00`, "account", "activate", "payer"]);
  // 2 000 DetectPet calls last month: 1 000 free, 1 000 post-paid at 20 元/千次 = 20.00.
  sb.cliOk(["--at", `${PREV}-20T10:00:00+08:00`, "usage", "record", "payer", "DetectPet", "2000"]);
});

after(async () => {
  try { if (srv) await srv.stopOk(); } finally { if (sb) await sb.cleanup(); }
});

test("a malformed --at is refused by one-shot commands, never read as now", () => {
  for (const cmd of [["pack", "refund", "no-such-pack"], ["bill", "run", "--month", PREV],
                     ["usage", "record", "payer", "DetectPet", "1"]]) {
    for (const bad of ["yesterday", "2026-13-01", "10/05/2026"]) {
      const text = sb.cli(["--at", bad, ...cmd], { json: false });
      assert.notEqual(text.code, 0, `${cmd.join(" ")} --at ${bad}`);
      assert.match(text.stderr, /--at/);
      const j = sb.cli([...cmd, "--at", bad]);
      assert.notEqual(j.code, 0);
      assert.equal(j.json.Error.Code, "InvalidParameterValue");
      assert.match(j.json.Error.Message, /--at/);
    }
  }
  // Nothing was recorded by the refused `usage record`.
  const usage = sb.cliOk(["usage", "show", "payer", "--month", PREV]);
  assert.equal(usage.find((u) => u.Action === "DetectPet").Total, 2000);
});

test("quote reproduces billing.md's worked examples", () => {
  const at = ["--at", "2026-10-05T10:00:00+08:00"];
  assert.equal(sb.cliOk([...at, "quote", "RecognizeCarPro", "10000"]).Amount, "675.00");
  assert.equal(sb.cliOk([...at, "quote", "RecognizeCar", "10000"]).Amount, "27.00");
  const before = sb.cliOk([...at, "quote", "DetectProduct", "999999"]);
  const reach = sb.cliOk([...at, "quote", "DetectProduct", "1000000"]);
  assert.deepEqual([before.Tier, before.Amount], [1, "2497.50"]);
  assert.deepEqual([reach.Tier, reach.Amount], [2, "2197.80"]);
});

test("usage show and bill show / bill run (idempotent) match the import", () => {
  const usage = sb.cliOk(["usage", "show", "payer", "--month", PREV]);
  const pet = usage.find((u) => u.Action === "DetectPet");
  assert.deepEqual([pet.Total, pet.Free, pet.Pack, pet.Postpaid], [2000, 1000, 0, 1000]);
  assert.equal(usage.length, 8, "all eight actions are listed");
  const preview = sb.cliOk(["bill", "show", "payer", "--month", PREV]);
  assert.equal(preview.Status, "unsettled");
  assert.equal(preview.Total, "20.00");
  assert.equal(sb.cliOk(["bill", "run", "--month", PREV]).BillsCreated, 1);
  assert.equal(sb.cliOk(["bill", "run", "--month", PREV]).BillsCreated, 0, "a second run changes nothing");
  const bill = sb.cliOk(["bill", "show", "payer", "--month", PREV]);
  assert.equal(bill.Status, "settled");
  assert.deepEqual(bill.Lines, [{ Action: "DetectPet", Quantity: 1000, Tier: 1, UnitPrice: "20.00", Amount: "20.00" }]);
  const shown = sb.cliOk(["account", "show", "payer"]);
  assert.equal(shown.Status, "arrears");
  assert.deepEqual(shown.Balance, { Cash: "-20.00", Income: "0.00", Gift: "0.00", Total: "-20.00" });
  assert.deepEqual(sb.cliOk(["audit"]).Problems, []);
});

test("arrears suspend the API, a recharge resumes it at once; disable/enable too", async () => {
  srv = await sb.startServer();
  client = srv.client(acc.SecretId, acc.SecretKey);
  await expectSdkError(client.DetectPet({ ImageBase64: dogB64() }), "ResourceUnavailable.InArrears", "in arrears");
  const before = sb.usage(acc.AccountId).length;

  sb.cliOk(["account", "recharge", "payer", "19.99"]);
  await expectSdkError(client.DetectPet({ ImageBase64: dogB64() }), "ResourceUnavailable.InArrears", "still -0.01");
  const recharged = sb.cliOk(["account", "recharge", "payer", "0.01", "--source", "cash"]);
  assert.equal(recharged.Balance.Total, "0.00");
  const ok = await client.DetectPet({ ImageBase64: dogB64() });  // no restart, no wait
  assert.ok(ok.Pets.length > 0);

  sb.cliOk(["account", "disable", "payer", "--reason", "operator"]);
  await expectSdkError(client.DetectPet({ ImageBase64: dogB64() }), "ResourceUnavailable.StopUsing", "disabled");
  sb.cliOk(["account", "enable", "payer"]);
  await sleep(10);
  const again = await client.DetectPet({ ImageBase64: dogB64() });
  // Only the two successful calls were metered (this month's free pack paid them).
  const records = sb.usage(acc.AccountId);
  assert.equal(records.length, before + 2);
  assert.deepEqual(records.slice(-2).map((r) => r.RequestId).sort(), [ok.RequestId, again.RequestId].sort());
  assert.ok(records.slice(-2).every((r) => r.Source === "free"), JSON.stringify(records.slice(-2)));
});

test("packs: buy with a voucher, list, refund returns cash but not the voucher share", () => {
  sb.cliOk(["account", "recharge", "payer", "7000"]);
  const voucher = sb.cliOk(["voucher", "grant", "payer", "100"]).VoucherId;
  const bought = sb.cliOk(["pack", "buy", "payer", "--action", "RecognizeCarPro", "--calls", "10000", "--voucher", voucher]);
  assert.equal(bought.Price, "730.00");
  assert.deepEqual(bought.Paid, { Cash: "630.00", Income: "0.00", Gift: "0.00", Voucher: "100.00" });
  const listed = sb.cliOk(["pack", "list", "payer"]).find((p) => p.PackId === bought.PackId);
  assert.deepEqual([listed.Kind, listed.Calls, listed.Used, listed.Remaining], ["purchased", 10000, 0, 10000]);
  const refund = sb.cliOk(["pack", "refund", bought.PackId]);
  assert.deepEqual(refund.Refunded, { Cash: "630.00", Income: "0.00", Gift: "0.00" });
  const again = sb.cli(["pack", "refund", bought.PackId]);
  assert.notEqual(again.code, 0);
  assert.equal(again.json.Error.Code, "AlreadyRefunded");
  // Three 100 000-call packs: 21 000 元 (billing.md example 3).
  sb.cliOk(["account", "recharge", "payer", "21000", "--source", "income"]);
  const paid = [1, 2, 3].map(() => sb.cliOk(["pack", "buy", "payer", "--action", "RecognizeCarPro", "--calls", "100000"]));
  const total = paid.reduce((s, p) => s + Math.round(Number(p.Price) * 100), 0);
  assert.equal(total, 2100000);
  assert.deepEqual(sb.cliOk(["audit"]).Problems, []);
});

test("usage detach: a billed UTC month leaves the call log on PostgreSQL; SQLite refuses by name", async () => {
  const db = new Sandbox("detach");
  try {
    const onPg = Boolean(process.env.KANJIAN_BLACKBOX_PG);
    db.cliOk(["account", "create", "old"]);
    db.cliOk(["--at", "2025-03-02T10:00:00+08:00", "account", "activate", "old"]);
    db.cliOk(["--at", "2025-03-20T10:00:00+08:00", "usage", "record", "old", "DetectPet", "1500"]);
    // 2025-04-01T03:00+08:00 is UTC March: billed in April, logged in March.
    db.cliOk(["--at", "2025-04-01T03:00:00+08:00", "usage", "record", "old", "DetectPet", "10"]);
    const detach = (at) => db.cli(["--at", at, "usage", "detach", "--month", "2025-03"]);
    if (!onPg) {
      const r = detach("2025-06-01T00:00:00+08:00");
      assert.notEqual(r.code, 0);
      assert.equal(r.json.Error.Code, "UnsupportedOperation", r.stdout);
      return;
    }
    const utcMarch = ["--from", "2025-03-01T00:00:00Z", "--to", "2025-04-01T00:00:00Z"];
    const logged = db.cliOk(["usage", "list", "old", ...utcMarch]).Records;
    assert.ok(logged.length >= 2, JSON.stringify(logged));
    assert.equal(logged.reduce((s, r) => s + r.Quantity, 0), 1510);
    assert.equal(detach("2025-04-20T00:00:00+08:00").json.Error.Code, "MonthNotEnded");
    const notSettled = detach("2025-05-02T00:00:00+08:00").json.Error;
    assert.equal(notSettled.Code, "MonthNotSettled");
    assert.match(notSettled.Message, /2025-03/);
    db.cliOk(["--at", "2025-05-02T00:00:00+08:00", "bill", "run", "--month", "2025-03"]);
    const april = detach("2025-05-02T00:00:00+08:00").json.Error;
    assert.equal(april.Code, "MonthNotSettled");
    assert.match(april.Message, /2025-04/, "UTC March's last 8 hours are billed in April");
    db.cliOk(["--at", "2025-05-02T00:00:00+08:00", "bill", "run", "--month", "2025-04"]);
    const usage = db.cliOk(["usage", "show", "old", "--month", "2025-03"]);
    const bills = ["2025-03", "2025-04"].map((m) => db.cliOk(["bill", "show", "old", "--month", m]));

    const done = db.cliOk(["--at", "2025-05-03T00:00:00+08:00", "usage", "detach", "--month", "2025-03"]);
    assert.equal(done.Month, "2025-03");
    assert.equal(done.Table, "usage_records_2025_03");
    assert.equal(done.Records, logged.length);
    const again = db.cliOk(["--at", "2025-05-09T00:00:00+08:00", "usage", "detach", "--month", "2025-03"]);
    assert.deepEqual(again, done, "a second detach reports the first");

    assert.deepEqual(db.cliOk(["usage", "list", "old", ...utcMarch]).Records, []);
    assert.deepEqual(db.cliOk(["usage", "show", "old", "--month", "2025-03"]), usage);
    ["2025-03", "2025-04"].forEach((m, i) =>
      assert.deepEqual(db.cliOk(["bill", "show", "old", "--month", m]), bills[i]));
    const late = db.cli(["--at", "2025-03-25T10:00:00+08:00", "usage", "record", "old", "DetectPet", "1"]);
    assert.notEqual(late.code, 0, "a call stamped in a detached month is refused");
    assert.deepEqual(db.cliOk(["usage", "show", "old", "--month", "2025-03"]), usage);
    assert.deepEqual(db.cliOk(["audit"]).Problems, []);
  } finally {
    await db.cleanup();
  }
});
