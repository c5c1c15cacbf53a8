"use strict";
// DetectEnvelope through the official SDK on rendered envelopes
// (tests/eval/images, scripts/make_eval_images.py) and photos without one.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { useServer, UUID_RE, EAGLE_JPG } = require("./harness");

const EVAL = path.join(__dirname, "..", "eval");
const b64 = (rel) => fs.readFileSync(path.isAbsolute(rel) ? rel : path.join(EVAL, rel)).toString("base64");

const env = useServer("envelope", "envelope-owner");
const ledger = env.ledger;

function assertTags(res) {
  for (const k of ["FirstTags", "SecondTags"]) {
    assert.ok(Array.isArray(res[k]) && res[k].length >= 1, `${k} is a non-empty array`);
    for (const t of res[k]) {
      assert.equal(typeof t.Name, "string");
      assert.equal(typeof t.Confidence, "number");
      assert.ok(t.Confidence >= 0 && t.Confidence <= 100, `${k} Confidence ${t.Confidence} in 0..100`);
    }
  }
}

const cases = [
  ["images/envelope_sf_front_0.jpg", "文件封", "顺丰文件封正面"],
  ["images/envelope_sf_back_0.jpg", "文件封", "顺丰文件封反面"],
  ["images/envelope_other_front_0.jpg", "文件封", "非顺丰文件封正面"],
  ["images/envelope_other_back_0.jpg", "文件封", "非顺丰文件封反面"],
  ["images/postal_front_0.jpg", "文件封", "非顺丰文件封正面"],  // a plain letter envelope
  ["images/postal_back_0.jpg", "文件封", "非顺丰文件封反面"],
  ["images/blank_paper_0.jpg", "非文件封", "非文件封"],  // no flap: not taken for a back
  ["images/document_page_0.jpg", "非文件封", "非文件封"],
  [EAGLE_JPG, "非文件封", "非文件封"],
];

for (const [image, first, second] of cases) {
  test(`DetectEnvelope(${path.basename(image)}) = ${first} / ${second}`, async (t) => {
    const res = await env.client.DetectEnvelope({ ImageBase64: b64(image) });
    t.diagnostic(JSON.stringify(res));
    assert.match(res.RequestId, UUID_RE);
    ledger.success(env.acc.AccountId, res.RequestId, "DetectEnvelope");
    assertTags(res);
    assert.equal(res.FirstTags[0].Name, first);
    assert.equal(res.SecondTags[0].Name, second);
    assert.ok(res.FirstTags[0].Confidence >= 50, "a decided answer has confidence >= 50");
  });
}

test("DetectEnvelope: bad image -> FailedOperation.ImageDecodeFailed, not billed", async () => {
  await ledger.expectError(env.acc.AccountId,
    env.client.DetectEnvelope({ ImageBase64: Buffer.from("not an image at all").toString("base64") }),
    "FailedOperation.ImageDecodeFailed", "junk");
});
