"use strict";
// A JPEG cut short with its end-of-image marker put back (FF D9) passes
// every header check; libjpeg would fill the missing rows with grey. The
// server refuses it — FailedOperation.ImageDecodeFailed "the JPEG is
// truncated" — and does not bill it (the useServer ledger checks usage).
const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const { useServer, DOG_JPG } = require("./harness");

const env = useServer("truncated", "truncated-owner");

test("DetectPet on a JPEG cut at 80 % with FF D9 appended is ImageDecodeFailed and not billed",
  async () => {
    const jpg = fs.readFileSync(DOG_JPG);
    for (const percent of [70, 95]) {
      const cut = Buffer.concat([jpg.subarray(0, Math.floor(jpg.length * percent / 100)),
                                 Buffer.from([0xff, 0xd9])]);
      const e = await env.ledger.expectError(env.acc.AccountId,
        env.client.DetectPet({ ImageBase64: cut.toString("base64") }),
        "FailedOperation.ImageDecodeFailed", `dog.jpg cut at ${percent} %`);
      assert.match(e.message, /truncated/);
    }
    // The whole photo is answered and billed (the ledger expects exactly it).
    const res = await env.client.DetectPet({ ImageBase64: jpg.toString("base64") });
    assert.equal(res.Pets[0].Name, "dog");
    env.ledger.success(env.acc.AccountId, res.RequestId, "DetectPet");
  });
