"use strict";
// The billing API 3.0 (X-TC-Version 2018-07-09) through the official SDK's
// billing client, signed with each tenant's own key, after a scripted month:
// recharges, a voucher, imported and real calls, `bill run`. Figures are
// asserted against `bill show` / `account show`, and one tenant can never
// read another's.
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const tc = require("tencentcloud-sdk-nodejs");
const { Sandbox, dogB64, expectSdkError } = require("./harness");

// Months and days in Asia/Shanghai, from today, so the test holds on any date.
function shanghaiNow() { return new Date(Date.now() + 8 * 3600 * 1000); }
function monthOf(d) { return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`; }
function previousMonth() {
  const d = shanghaiNow();
  return monthOf(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)));
}
const PREV = previousMonth();
const THIS = monthOf(shanghaiNow());
const TODAY = shanghaiNow().toISOString().slice(0, 10);

function billingClient(port, acc) {
  return new tc.billing.v20180709.Client({
    credential: { secretId: acc.SecretId, secretKey: acc.SecretKey },
    region: "ap-guangzhou",
    profile: { httpProfile: { protocol: "http://", endpoint: `127.0.0.1:${port}`, reqTimeout: 30 } },
  });
}
const fen = (yuan) => Math.round(Number(yuan) * 100);

let sb, srv, a, b, billA, billB;

before(async () => {
  sb = new Sandbox("billingapi");
  a = sb.cliOk(["account", "create", "alpha"]);
  b = sb.cliOk(["account", "create", "beta"]);
  for (const name of ["alpha", "beta"])
    sb.cliOk(["--at", `${PREV}-02T10:00:00+08:00`, "account", "activate", name], { json: false });
  // alpha: 10.00 gift and 100.00 cash, a 50.00 voucher, then 2 000 DetectPet
  // calls (1 000 free, 1 000 post-paid at 20 元/千次 = 20.00) and 1 500
  // RecognizeCarPro (1 000 free, 500 at 75 元/千次 = 37.50): 57.50.
  const at3 = ["--at", `${PREV}-03T10:00:00+08:00`];
  sb.cliOk([...at3, "account", "recharge", "alpha", "10", "--source", "gift"]);
  sb.cliOk([...at3, "account", "recharge", "alpha", "100", "--source", "cash"]);
  sb.cliOk([...at3, "voucher", "grant", "alpha", "50"]);
  sb.cliOk(["--at", `${PREV}-20T10:00:00+08:00`, "usage", "record", "alpha", "DetectPet", "2000"]);
  sb.cliOk(["--at", `${PREV}-21T23:30:00+08:00`, "usage", "record", "alpha", "RecognizeCarPro", "1500"]);
  // beta: 1 100 DetectPet calls and no money: 2.00 owed after settlement.
  sb.cliOk(["--at", `${PREV}-20T10:00:00+08:00`, "usage", "record", "beta", "DetectPet", "1100"]);
  assert.equal(sb.cliOk(["bill", "run", "--month", PREV]).BillsCreated, 2);
  billA = sb.cliOk(["bill", "show", "alpha", "--month", PREV]);
  billB = sb.cliOk(["bill", "show", "beta", "--month", PREV]);
  assert.equal(billA.Total, "57.50");
  assert.equal(billB.Total, "2.00");
  srv = await sb.startServer();
});

after(async () => {
  try { if (srv) await srv.stopOk(); } finally { if (sb) await sb.cleanup(); }
});

test("DescribeAccountBalance: every field of the SDK's model, in fen", async () => {
  const r = await billingClient(srv.port, a).DescribeAccountBalance({});
  const shown = sb.cliOk(["account", "show", "alpha"]).Balance;  // gift paid 10.00 first, cash 47.50
  assert.deepEqual(shown, { Cash: "52.50", Income: "0.00", Gift: "0.00", Total: "52.50" });
  const uin = parseInt(a.AccountId.slice(4), 16);
  assert.deepEqual({ ...r, RequestId: undefined }, {
    Balance: 5250, Uin: uin, RealBalance: 5250, CashAccountBalance: 5250, IncomeIntoAccountBalance: 0,
    PresentAccountBalance: 0, FreezeAmount: 0, OweAmount: 0, IsAllowArrears: false, IsCreditLimited: false,
    CreditAmount: 0, CreditBalance: 5250, RealCreditBalance: 5250, TempCredit: 0, TempAmountInfoList: [],
    RequestId: undefined,
  });

  const owing = await billingClient(srv.port, b).DescribeAccountBalance({});
  assert.equal(sb.cliOk(["account", "show", "beta"]).Status, "arrears");
  assert.deepEqual([owing.Balance, owing.RealBalance, owing.CashAccountBalance, owing.OweAmount],
    [-200, -200, 0, 200], "arrears read as OweAmount, and a tenant in arrears can still read");
});

test("DescribeBillSummaryByProduct equals `bill show` to the fen, split by what paid it", async () => {
  const r = await billingClient(srv.port, a).DescribeBillSummaryByProduct({ BeginTime: PREV, EndTime: PREV });
  assert.equal(r.Ready, 1);
  assert.equal(fen(r.SummaryTotal.RealTotalCost), fen(billA.Total));
  assert.deepEqual({ ...r.SummaryTotal }, {
    RealTotalCost: "57.50", TotalCost: "57.50", IncentivePayAmount: "10.00", CashPayAmount: "47.50",
    VoucherPayAmount: "0.00", TransferPayAmount: "0.00",
  });
  assert.equal(r.SummaryOverview.length, 1);
  assert.deepEqual([r.SummaryOverview[0].BusinessCode, r.SummaryOverview[0].BillMonth,
    r.SummaryOverview[0].RealTotalCost, r.SummaryOverview[0].RealTotalCostRatio],
  ["p_tiia", PREV, "57.50", "100.00"]);

  const rb = await billingClient(srv.port, b).DescribeBillSummaryByProduct({ BeginTime: PREV, EndTime: PREV });
  assert.equal(rb.SummaryTotal.RealTotalCost, billB.Total);
  assert.equal(rb.SummaryTotal.CashPayAmount, "2.00", "taken from cash into the negative");

  const open = await billingClient(srv.port, a).DescribeBillSummaryByProduct({ BeginTime: THIS, EndTime: THIS });
  assert.equal(open.Ready, 1, "the month so far is ready, as on the public cloud");
  assert.equal(open.SummaryTotal.RealTotalCost, sb.cliOk(["bill", "show", "alpha", "--month", THIS]).Total);

  await expectSdkError(billingClient(srv.port, a).DescribeBillSummaryByProduct({ BeginTime: PREV, EndTime: THIS }),
    "InvalidParameterValue", "two months");
  await expectSdkError(billingClient(srv.port, a).DescribeBillSummaryByProduct({ BeginTime: "2026-1", EndTime: "2026-1" }),
    "InvalidParameterValue", "malformed month");
  await expectSdkError(billingClient(srv.port, a).DescribeBillSummaryByProduct({ BeginTime: PREV }),
    "MissingParameter", "no EndTime");
});

test("DescribeVoucherInfo lists the tenant's vouchers in micro", async () => {
  const r = await billingClient(srv.port, a).DescribeVoucherInfo({ Limit: 10, Offset: 1 });
  assert.equal(r.TotalCount, 1);
  assert.equal(r.Unit, "micro");
  assert.equal(r.TotalBalance, 5000 * 1e6);
  const v = r.VoucherInfos[0];
  const shown = sb.cliOk(["account", "show", "alpha"]).Vouchers[0];
  assert.equal(v.VoucherId, shown.VoucherId);
  assert.deepEqual([v.Status, v.NominalValue, v.Balance, v.OwnerUin],
    ["unUsed", 5000 * 1e6, 5000 * 1e6, String(parseInt(a.AccountId.slice(4), 16))]);
  assert.match(v.BeginTime, new RegExp(`^${PREV}-03 10:00:00$`));
  const none = await billingClient(srv.port, b).DescribeVoucherInfo({ Limit: 10, Offset: 1 });
  assert.deepEqual([none.TotalCount, none.VoucherInfos], [0, []], "beta sees none of alpha's vouchers");
  const byId = await billingClient(srv.port, b).DescribeVoucherInfo({ Limit: 10, Offset: 1, VoucherId: v.VoucherId });
  assert.equal(byId.TotalCount, 0, "not even by its id");
  await expectSdkError(billingClient(srv.port, a).DescribeVoucherInfo({ Limit: 0, Offset: 1 }),
    "InvalidParameterValue", "Limit 0");
});

test("DescribeDosageDetailByDate: calls per action per day, real calls included", async () => {
  const r = await billingClient(srv.port, a).DescribeDosageDetailByDate({
    StartDate: `${PREV}-19`, EndDate: `${PREV}-22`, ProductCode: "p_tiia", Domain: "" });
  assert.equal(r.DetailSets.length, 8, "one set per action");
  const pet = r.DetailSets.find((s) => s.InstanceID === "DetectPet");
  assert.deepEqual(pet.DetailPoints.map((p) => [p.Time.slice(8), p.Value]),
    [["19", "0"], ["20", "2000"], ["21", "0"], ["22", "0"]]);
  const pro = r.DetailSets.find((s) => s.InstanceID === "RecognizeCarPro");
  assert.equal(pro.DetailPoints.find((p) => p.Time === `${PREV}-21`).Value, "1500", "23:30 Shanghai is the 21st");

  const client = srv.client(a.SecretId, a.SecretKey);
  await client.DetectPet({ ImageBase64: dogB64() });
  await client.DetectPet({ ImageBase64: dogB64() });
  const today = await billingClient(srv.port, a).DescribeDosageDetailByDate({
    StartDate: TODAY, EndDate: TODAY, ProductCode: "p_tiia", Domain: "", InstanceID: "DetectPet" });
  assert.deepEqual(today.DetailSets.map((s) => [s.InstanceID, s.DetailPoints]),
    [["DetectPet", [{ Time: TODAY, Value: "2" }]]]);

  await expectSdkError(billingClient(srv.port, a).DescribeDosageDetailByDate({
    StartDate: `${PREV}-01`, EndDate: `${PREV}-08`, ProductCode: "p_tiia", Domain: "" }),
  "InvalidParameterValue", "8 days");
});

test("a tenant cannot read another tenant's data; PayerUin may only name itself", async () => {
  const uinA = String(parseInt(a.AccountId.slice(4), 16));
  await expectSdkError(billingClient(srv.port, b).DescribeBillSummaryByProduct({
    BeginTime: PREV, EndTime: PREV, PayerUin: uinA }), "UnauthorizedOperation", "beta asks for alpha's bill");
  await expectSdkError(billingClient(srv.port, b).DescribeDosageDetailByDate({
    StartDate: TODAY, EndDate: TODAY, ProductCode: "p_tiia", Domain: "", PayerUin: uinA }),
  "UnauthorizedOperation", "beta asks for alpha's usage");
  const own = await billingClient(srv.port, a).DescribeBillSummaryByProduct({
    BeginTime: PREV, EndTime: PREV, PayerUin: uinA });
  assert.equal(own.SummaryTotal.RealTotalCost, "57.50");
});

test("signature-checked, unknown actions refused, rate-limited, never billed", async () => {
  const before = sb.usage(a.AccountId).length;
  await expectSdkError(billingClient(srv.port, { SecretId: a.SecretId, SecretKey: "wrong" }).DescribeAccountBalance({}),
    "AuthFailure.SignatureFailure", "wrong key");
  await expectSdkError(billingClient(srv.port, a).request("DescribeBillList", {}), "InvalidAction", "unknown action");
  await expectSdkError(billingClient(srv.port, a).DescribeAccountBalance({ Nonsense: 1 }),
    "UnknownParameter", "unknown parameter");
  const burst = await Promise.allSettled(
    Array.from({ length: 40 }, () => billingClient(srv.port, a).DescribeAccountBalance({})));
  const limited = burst.filter((r) => r.status === "rejected" && r.reason.code === "RequestLimitExceeded");
  assert.ok(limited.length >= 1, "40 calls at once pass a 20/s limit");
  assert.equal(sb.usage(a.AccountId).length, before, "no billing call was metered");
});

test("serve --billing-api-qps sets the billing API's limit", async () => {
  const strict = await sb.startServer({ extraArgs: ["--billing-api-qps", "2"] });
  try {
    const burst = await Promise.allSettled(
      Array.from({ length: 6 }, () => billingClient(strict.port, a).DescribeAccountBalance({})));
    const limited = burst.filter((r) => r.status === "rejected" && r.reason.code === "RequestLimitExceeded");
    assert.ok(limited.length >= 1, "6 calls at once pass a 2/s limit");
    assert.match(limited[0].reason.message, /more than 2 requests per second/);
  } finally {
    await strict.stop();
  }
});
