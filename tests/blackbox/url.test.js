"use strict";
// ImageUrl through the safe fetcher (serve --image-url-allow): real downloads
// from a local test server, and every SSRF attempt refused — loopback without
// the test flag, cloud metadata, private ranges, redirects to them, non-http
// schemes, huge and slow bodies. Only successful calls are billed.
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const http = require("node:http");
const { Sandbox, Ledger, DOG_JPG, EAGLE_JPG } = require("./harness");

let sb, srv, strict, acc, client, strictClient, imgServer, base;
const ledger = new Ledger();
const dog = fs.readFileSync(DOG_JPG);

function startImageServer() {
  imgServer = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    if (url.pathname === "/dog.jpg") {
      res.writeHead(200, { "Content-Type": "image/jpeg" });
      return res.end(dog);
    }
    if (url.pathname === "/to") {
      res.writeHead(302, { Location: url.searchParams.get("u") });
      return res.end();
    }
    const chain = url.pathname.match(/^\/chain\/(\d+)$/);
    if (chain) {
      const n = Number(chain[1]);
      res.writeHead(301, { Location: n === 0 ? "/dog.jpg" : `/chain/${n - 1}` });
      return res.end();
    }
    if (url.pathname === "/huge") {  // 16 MB, over every action's limit
      res.writeHead(200, { "Content-Type": "image/jpeg" });
      const chunk = Buffer.alloc(1 << 20, 0x41);
      let sent = 0;
      const more = () => { while (sent < 16) { sent++; if (!res.write(chunk)) return res.once("drain", more); } res.end(); };
      res.on("error", () => {});
      return more();
    }
    if (url.pathname === "/slow") {  // a byte every 200 ms, forever
      res.writeHead(200, { "Content-Type": "image/jpeg" });
      res.write(dog.subarray(0, 2));
      const timer = setInterval(() => res.write("x"), 200);
      res.on("close", () => clearInterval(timer));
      res.on("error", () => clearInterval(timer));
      return;
    }
    res.writeHead(404);
    res.end();
  });
  return new Promise((resolve) => imgServer.listen(0, "127.0.0.1", () => {
    base = `http://127.0.0.1:${imgServer.address().port}`;
    resolve();
  }));
}

before(async () => {
  await startImageServer();
  sb = new Sandbox("url");
  acc = sb.createAccount("url-user");
  srv = await sb.startServer({
    extraArgs: ["--image-url-allow", "127.0.0.1", "--image-url-allow", "169.254.169.254",
      "--image-url-allow", "10.0.0.1", "--image-url-allow-loopback-for-tests"],
  });
  client = srv.client(acc.SecretId, acc.SecretKey);
  strict = await sb.startServer({ extraArgs: ["--image-url-allow", "*"] });
  strictClient = strict.client(acc.SecretId, acc.SecretKey);
});

after(async () => {
  try {
    if (srv) await srv.stopOk();
    if (strict) await strict.stopOk();
  } finally {
    if (sb) await sb.cleanup();
    if (imgServer) { imgServer.closeAllConnections?.(); imgServer.close(); }
  }
});

test("DetectPet downloads an allow-listed ImageUrl", async () => {
  const res = await client.DetectPet({ ImageUrl: `${base}/dog.jpg` });
  ledger.success(acc.AccountId, res.RequestId);
  assert.equal(res.Pets[0].Name, "dog");
});

test("ImageUrl wins over ImageBase64", async () => {
  // The base64 image (eagle) has no pet; success proves the URL (dog) was used.
  const res = await client.DetectPet({ ImageUrl: `${base}/dog.jpg`,
    ImageBase64: fs.readFileSync(EAGLE_JPG).toString("base64") });
  ledger.success(acc.AccountId, res.RequestId);
  assert.equal(res.Pets[0].Name, "dog");
});

test("redirects are followed (at most 3) and re-checked", async () => {
  let res = await client.DetectPet({ ImageUrl: `${base}/to?u=${encodeURIComponent(`${base}/dog.jpg`)}` });
  ledger.success(acc.AccountId, res.RequestId);
  res = await client.DetectPet({ ImageUrl: `${base}/chain/2` });
  ledger.success(acc.AccountId, res.RequestId);
  await ledger.expectError(acc.AccountId, client.DetectPet({ ImageUrl: `${base}/chain/3` }),
    "FailedOperation.DownLoadError", "four redirects");
  for (const target of ["http://169.254.169.254/latest/meta-data/iam/", "http://10.0.0.1/a.jpg",
    "http://evil.example.org/a.jpg", "file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO"]) {
    await ledger.expectError(acc.AccountId,
      client.DetectPet({ ImageUrl: `${base}/to?u=${encodeURIComponent(target)}` }),
      "InvalidParameterValue.UrlIllegal", `redirect to ${target}`);
  }
});

test("metadata, private addresses, other schemes and unlisted hosts are refused", async () => {
  for (const url of ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/a.jpg",
    "file:///etc/passwd", "gopher://127.0.0.1:70/_x", "ftp://127.0.0.1/a.jpg",
    "http://example.com/a.jpg", "not a url"]) {
    await ledger.expectError(acc.AccountId, client.DetectPet({ ImageUrl: url }),
      "InvalidParameterValue.UrlIllegal", url);
  }
});

test("loopback is refused without the test flag, even when allow-listed", async () => {
  const port = imgServer.address().port;
  for (const url of [`${base}/dog.jpg`, `http://localhost:${port}/dog.jpg`, `http://[::1]:${port}/dog.jpg`,
    `http://2130706433:${port}/dog.jpg`, `http://0.0.0.0:${port}/dog.jpg`,
    `http://[::ffff:127.0.0.1]:${port}/dog.jpg`]) {
    await ledger.expectError(acc.AccountId, strictClient.DetectPet({ ImageUrl: url }),
      "InvalidParameterValue.UrlIllegal", url);
  }
});

test("huge and slow bodies are cut off", async () => {
  await ledger.expectError(acc.AccountId, client.DetectPet({ ImageUrl: `${base}/huge` }),
    "FailedOperation.ImageSizeExceed", "16 MB body");
  const t0 = Date.now();
  await ledger.expectError(acc.AccountId, client.DetectPet({ ImageUrl: `${base}/slow` }),
    "FailedOperation.DownLoadError", "slow body");
  const ms = Date.now() - t0;
  assert.ok(ms >= 2800 && ms < 5000, `slow body cut off after ${ms} ms (want ~3 s)`);
  await ledger.expectError(acc.AccountId, client.DetectPet({ ImageUrl: `${base}/missing.jpg` }),
    "FailedOperation.DownLoadError", "404");
});

test("only the successful calls are billed", () => {
  ledger.verify(sb, acc.AccountId);
});
