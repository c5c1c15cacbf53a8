"use strict";
// Checks the suite's own TC3 signer (needs no server): the known-answer vector
// from spec/api.md §2, and agreement with the official SDK's signer.
const test = require("node:test");
const assert = require("node:assert/strict");
const { signTC3, authorizationHeader } = require("./tc3");
const Sign = require("tencentcloud-sdk-nodejs/tencentcloud/common/sign").default;

const KAT = {
  secretKey: "ExampleSecretKeyExampleSecretKey",
  timestamp: 1795694732,
  service: "127",
  host: "127.0.0.1",
  contentType: "application/json",
  body: '{"ImageUrl":"https://example.com/car.jpg"}',
};

test("TC3 signer reproduces the api.md known-answer vector", () => {
  const r = signTC3(KAT);
  assert.equal(r.date, "2026-11-26");
  assert.equal(r.signature, "29d18af2e5bf3655c85de14189a1b03100063c7af53b49e47199f57e3b7376ca");
});

test("TC3 signer agrees with the official SDK signer", () => {
  for (const [payload, ts] of [
    [{ ImageUrl: "https://example.com/car.jpg" }, 1795694732],
    [{ ImageBase64: "AAAA" }, 1700000000],
    [{}, 1600000123],
  ]) {
    const sdk = Sign.sign3({
      method: "POST", url: "http://127.0.0.1:8080/", payload, timestamp: ts, service: "127",
      secretId: "AKIDexample", secretKey: KAT.secretKey, headers: { "Content-Type": "application/json" },
    });
    const mine = signTC3({ ...KAT, body: JSON.stringify(payload), timestamp: ts });
    assert.equal(authorizationHeader("AKIDexample", mine.scope, mine.signature), sdk);
  }
});
