"use strict";
// Prints the known-answer vectors of src/protocol/sign_v1_test.cc, computed
// by the official Node SDK 3.0.270's own signature v1 code (its client's
// formatRequestData/formatSignString and common/sign.js), with Nonce and
// Timestamp pinned. Run: node tests/blackbox/sign_v1_kat.js
const QueryString = require("node:querystring");
const sdk = require("tencentcloud-sdk-nodejs-v3");
const Sign = require("tencentcloud-sdk-nodejs-v3/tencentcloud/common/sign.js");

Math.random = () => 0.5;         // the SDK's Nonce = round(random * 65535) = 32768
Date.now = () => 1700000000000;  // its Timestamp = 1700000000

function client({ signMethod, reqMethod, endpoint, secretKey }) {
  return new sdk.tiia.v20190529.Client({ secretId: "AKIDkatExample", secretKey }, "ap-guangzhou",
    { signMethod, httpProfile: { reqMethod, endpoint, protocol: "http://" } });
}

function kat(label, opts, action, req) {
  const c = client(opts);
  const params = c.formatRequestData(action, c.mergeData(req));
  const unsigned = { ...params };
  delete unsigned.Signature;
  console.log(JSON.stringify({ label, ...opts, stringToSign: c.formatSignString(unsigned),
    wire: QueryString.stringify(params), signature: params.Signature }));
}

const key = "kat-secret-key-0123456789abcdef";
kat("sha256 post", { signMethod: "HmacSHA256", reqMethod: "POST", endpoint: "127.0.0.1:8080", secretKey: key },
  "DetectProductBeta", { ImageBase64: "/9j/4AAQ+SkZJRg==", NeedLemma: 1 });
kat("sha1 get", { signMethod: "HmacSHA1", reqMethod: "GET", endpoint: "tiia.tencentcloudapi.com",
  secretKey: "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA" },
  "DetectChefDress", { ImageUrl: "https://example.com/a b.jpg?x=1&y=中", EnableDetect: false, EnablePreferred: true });
kat("sha1 post", { signMethod: "HmacSHA1", reqMethod: "POST", endpoint: "127.0.0.1:8080", secretKey: key },
  "DetectPet", { ImageBase64: "aGVsbG8gd29ybGQ=" });

// No SignatureMethod on the wire (HmacSHA1 implied), signed with the SDK's Sign.sign.
const c = client({ signMethod: "HmacSHA1", reqMethod: "GET", endpoint: "127.0.0.1:8080", secretKey: key });
const params = { Action: "DetectPet", Version: "2019-05-29", Nonce: 7, Timestamp: 1700000000,
  SecretId: "AKIDkatExample", ImageUrl: "http://x/y.jpg" };
const stringToSign = c.formatSignString(params);
params.Signature = Sign.sign(key, stringToSign, "HmacSHA1");
console.log(JSON.stringify({ label: "implied sha1 get", stringToSign, wire: QueryString.stringify(params),
  signature: params.Signature }));
