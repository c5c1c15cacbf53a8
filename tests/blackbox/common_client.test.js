"use strict";
// Every way a newcomer can configure the official SDK's CommonClient
// (tencentcloud-sdk-nodejs-common): TC3-HMAC-SHA256 over POST and GET,
// signature v1 (HmacSHA256, HmacSHA1) over POST and GET, and the answer's
// language (ClientProfile.language "zh-CN" or the default "en-US"). Images
// go by ImageUrl from a local server, so that GET query strings stay small.
// Ends by checking that exactly the successes were metered.
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const { CommonClient } = require("tencentcloud-sdk-nodejs-common");
const { Sandbox, Ledger, UUID_RE, REPO, startDogImageServer } = require("./harness");
const path = require("node:path");
// The words people read for each code, both languages (the console's table).
const WORDS = JSON.parse(fs.readFileSync(path.join(REPO, "console", "error_messages.json"), "utf8"));

let sb, srv, acc, imgServer, dogUrl;
const ledger = new Ledger();

before(async () => {
  ({ server: imgServer, url: dogUrl } = await startDogImageServer());
  sb = new Sandbox("common");
  acc = sb.createAccount("common-client");
  srv = await sb.startServer({
    extraArgs: ["--image-url-allow", "127.0.0.1", "--image-url-allow-loopback-for-tests"],
  });
});

after(async () => {
  imgServer?.close();
  try {
    if (srv) {
      ledger.verify(sb, acc.AccountId);
      await srv.stopOk();
    }
  } finally {
    if (sb) await sb.cleanup();
  }
});

/** A CommonClient as the package's README builds one. */
function commonClient({ signMethod, reqMethod, language, secretKey = acc.SecretKey } = {}) {
  // Only the settings given: the SDK fills in its defaults for the others
  // (an explicit undefined would replace them).
  const httpProfile = { protocol: "http://", endpoint: `127.0.0.1:${srv.port}` };
  if (reqMethod) httpProfile.reqMethod = reqMethod;
  const profile = { httpProfile };
  if (signMethod) profile.signMethod = signMethod;
  if (language) profile.language = language;
  return new CommonClient(`127.0.0.1:${srv.port}`, "2019-05-29", {
    credential: { secretId: acc.SecretId, secretKey },
    region: "ap-guangzhou",
    profile,
  });
}

const CONFIGS = [
  { signMethod: "TC3-HMAC-SHA256", reqMethod: "POST" },
  { signMethod: "TC3-HMAC-SHA256", reqMethod: "GET" },
  { signMethod: "HmacSHA256", reqMethod: "POST" },
  { signMethod: "HmacSHA256", reqMethod: "GET" },
  { signMethod: "HmacSHA1", reqMethod: "GET" },
];

for (const config of CONFIGS) {
  test(`DetectPet through CommonClient, ${config.signMethod} over ${config.reqMethod}`, async () => {
    const res = await commonClient(config).request("DetectPet", { ImageUrl: dogUrl });
    assert.match(res.RequestId, UUID_RE);
    assert.ok(res.Pets.some((p) => p.Name === "dog" && p.Score >= 50), JSON.stringify(res.Pets));
    ledger.success(acc.AccountId, res.RequestId);
  });
}

test("TC3 over GET: a tampered query fails the signature and is not billed", async () => {
  // The canonical request carries the query string, so the signature covers
  // the parameters exactly as sent; a wrong key stands in for any change.
  const client = commonClient({ reqMethod: "GET", secretKey: "x".repeat(32) });
  const e = await ledger.expectError(acc.AccountId, client.request("DetectPet", { ImageUrl: dogUrl }),
    "AuthFailure.SignatureFailure", "tampered GET");
  assert.match(e.message, /signature/i);
});

test("X-TC-Language: zh-CN answers errors in Chinese with the detail kept; en-US in English", async () => {
  const zh = await ledger.expectError(acc.AccountId,
    commonClient({ language: "zh-CN" }).request("DetectPet", {}), "MissingParameter", "zh-CN");
  assert.ok(zh.message.startsWith(`${WORDS.MissingParameter.zh}（`) && zh.message.endsWith("）"), zh.message);
  const en = await ledger.expectError(acc.AccountId,
    commonClient({ language: "en-US" }).request("DetectPet", {}), "MissingParameter", "en-US");
  assert.doesNotMatch(en.message, /[\u4e00-\u9fff]/, en.message);
  assert.ok(zh.message.includes(en.message), `the Chinese answer keeps the detail: ${zh.message}`);
  const v1 = await ledger.expectError(acc.AccountId,
    commonClient({ language: "zh-CN", signMethod: "HmacSHA256", reqMethod: "GET" })
      .request("DetectPet", {}), "MissingParameter", "v1 zh-CN");
  assert.ok(v1.message.startsWith(WORDS.MissingParameter.zh), v1.message);
});
