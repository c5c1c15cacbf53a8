"use strict";
// Impatient clients (docs/operators/http.md "Abandoned calls"): calls whose client hung
// up are not run when still queued and not billed when already running; the
// only calls billed without being received are those whose client left in
// the instant between the usage record and the answer's write.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { Sandbox, dogB64, sleep } = require("./harness");
const { rawCall, httpGet } = require("./tc3");

function metric(text, name, labels) {
  const line = text.split("\n").find((l) => l.startsWith(name + (labels ? `{${labels}}` : " ")));
  return line ? Number(line.split(" ").pop()) : 0;
}

test("2 patient clients, then 60 that give up after 300 ms, on one worker: billed = received (±1 race)", async () => {
  const sb = new Sandbox("abandon");
  try {
    const acc = sb.createAccount("impatient");
    const srv = await sb.startServer({ extraArgs: ["--workers", "1", "--qps", "DetectPet=1000"] });
    const body = { ImageBase64: dogB64() };
    const call = (timeoutMs) => rawCall({
      port: srv.port, action: "DetectPet", secretId: acc.SecretId, secretKey: acc.SecretKey,
      body, timeoutMs,
    });
    const patient = [call(60000), call(60000)];
    await sleep(50);  // queued first
    // A call takes tens of milliseconds on an idle machine with the INT8
    // detector: 60 impatient clients on one worker keep most of them queued
    // past their 300 ms, however fast the machine.
    const outcomes = await Promise.allSettled([...patient, ...Array.from({ length: 60 }, () => call(300))]);
    const received = outcomes.filter((o) => o.status === "fulfilled" && o.value.json?.Response?.Pets);
    const gaveUp = outcomes.filter((o) => o.status === "rejected").length;
    assert.ok(outcomes.slice(0, 2).every((o) => o.status === "fulfilled" && o.value.json?.Response?.Pets),
      "the patient clients got their answers");
    // Let the server work through (or drop) whatever it still holds.
    let text = "";
    for (let i = 0; i < 100; i++) {
      text = (await httpGet(srv.port, "/metrics")).text;
      if (metric(text, "kanjian_inference_queue_depth") === 0) break;
      await sleep(100);
    }
    await sleep(1500);
    text = (await httpGet(srv.port, "/metrics")).text;
    const billed = sb.usage(acc.AccountId).length;
    const dropped = metric(text, "kanjian_requests_total",
      'action="DetectPet",code="FailedOperation.ClientClosedRequest"');
    // Every DetectPet call the server took in, whatever its answer.
    const taken = text.split("\n").filter((l) => l.startsWith('kanjian_requests_total{action="DetectPet",'))
      .reduce((sum, l) => sum + Number(l.split(" ").pop()), 0);
    console.log(JSON.stringify({ received: received.length, gaveUp, billed, dropped, taken }));
    assert.ok(gaveUp >= 5, `expected most clients to give up, ${gaveUp} did`);
    assert.ok(billed >= received.length, "a received answer was not billed");
    assert.ok(billed - received.length <= 1, `${billed} billed for ${received.length} received`);
    // A call the server took in was either answered and billed or dropped:
    // none ran unbilled. (A client that gave up before its request was all
    // sent, under load, is never taken in; that is why `taken` may be
    // below 62.)
    assert.ok(Math.abs(taken - billed - dropped) <= 1, `${taken} taken, ${billed} billed, ${dropped} dropped`);
    assert.ok(dropped >= gaveUp / 2, `only ${dropped} of ${gaveUp} abandoned calls were dropped unbilled`);
    await srv.stopOk();
  } finally {
    await sb.cleanup();
  }
});
