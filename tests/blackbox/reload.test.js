"use strict";
// Model reload without dropping requests: DetectPet calls run concurrently
// while POST /admin/reload (and SIGHUP) reload every model, the COCO
// detector included, and while one reload with a broken models config is
// refused. Every call must succeed with the right answer and be metered
// exactly once (the useServer ledger, checked before the server stops).
// A reload re-reads the product gallery: DetectProductBeta finds a SKU added
// to --product-gallery after POST /admin/reload.
// /admin/reload is refused (403) to a non-loopback peer without the node's
// admin token, and accepted with it.
const { test, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const http = require("node:http");
const { useServer, Server, freePort, sleep, dogB64, DOG_JPG } = require("./harness");

const CAT_PNG = process.env.KANJIAN_CAT_IMAGE ||
  `${process.env.KANJIAN_CACHE || process.env.HOME + "/.cache/kanjian"}/testdata/chelsea.png`;

// The models config the server reloads; "{}" is the bundled set.
const confDir = fs.mkdtempSync(path.join(os.tmpdir(), "kanjian-reload-conf-"));
const configPath = path.join(confDir, "models.json");
fs.writeFileSync(configPath, "{}\n");
after(() => fs.rmSync(confDir, { recursive: true, force: true }));

const env = useServer("reload", "reload-owner", {
  extraArgs: ["--models-config", configPath, "--request-timeout-ms", "60000"],
});

/** POST /admin/reload to host:port; resolves { status, json, text }. */
function postReload(port, host = "127.0.0.1", timeoutMs = 120000,
                    headers = { "X-Kanjian-Admin": "reload" }, body = "") {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, path: "/admin/reload", method: "POST", agent: false,
                               timeout: timeoutMs, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, json, text });
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("POST /admin/reload timed out")));
    req.on("error", reject);
    req.end(body);
  });
}

function assertReloaded(r, what) {
  assert.equal(r.status, 200, `${what}: ${r.text}`);
  assert.equal(r.json.Reloaded, true, `${what}: ${r.text}`);
  assert.equal(r.json.Source, configPath);
  const detector = r.json.Models.find((m) => m.Task === "object_detector");
  assert.ok(detector, `${what}: the detector is among the reloaded models: ${r.text}`);
  // The bundled set's own-aspect detector, as its INT8 twin.
  assert.match(detector.File, /yolov5s_dyn\.int8\.onnx$/);
}

test("DetectPet calls keep succeeding, each metered once, across reloads and a refused broken one",
  async (t) => {
    assert.ok(fs.existsSync(CAT_PNG), `${CAT_PNG} is missing (scripts/fetch_testdata.sh)`);
    const images = [
      { b64: dogB64(), want: "dog" },
      { b64: fs.readFileSync(CAT_PNG).toString("base64"), want: "cat" },
    ];
    const port = env.srv.port;
    let stop = false, started = 0, finished = 0;
    const failures = [];
    // Four callers, each one call at a time, dog and cat alternating.
    const callers = [0, 1, 2, 3].map(async (k) => {
      for (let i = k; !stop; i++) {
        const image = images[i % images.length];
        started++;
        try {
          const res = await env.client.DetectPet({ ImageBase64: image.b64 });
          env.ledger.success(env.acc.AccountId, res.RequestId, "DetectPet");
          if (!res.Pets || res.Pets.length < 1 || res.Pets[0].Name !== image.want || res.Pets[0].Score < 50) {
            failures.push(`wanted ${image.want}, got ${JSON.stringify(res.Pets)}`);
          }
        } catch (e) {
          env.ledger.failure(env.acc.AccountId, e.requestId);
          failures.push(`${e.code}: ${e.message}`);
        } finally {
          finished++;
        }
      }
    });

    // Each reload starts while calls are in flight and must leave them whole.
    const duringCalls = async (what, reload) => {
      const before = finished;
      for (let i = 0; i < 600 && finished < before + 2; i++) await sleep(50);
      assert.ok(started > finished, `${what}: calls are in flight`);
      const r = await reload();
      const mark = finished;
      for (let i = 0; i < 600 && finished < mark + 4; i++) await sleep(50);  // served after it
      return r;
    };
    try {
      const first = await duringCalls("reload 1", () => postReload(port));
      assertReloaded(first, "reload 1");

      // A broken config (the detector's ONNX is missing): refused, naming the
      // file; the models in service stay.
      const missing = path.join(confDir, "missing-yolov5s.onnx");
      fs.writeFileSync(configPath, JSON.stringify({ tasks: { object_detector: {
        file: missing, decode: "yolov5", labels: "coco80",
        input: { width: 640, height: 640, resize: "letterbox" } } } }));
      const broken = await duringCalls("broken reload", () => postReload(port));
      assert.equal(broken.status, 500, broken.text);
      assert.equal(broken.json.Error.Code, "FailedOperation.ModelReloadFailed", broken.text);
      assert.ok(broken.json.Error.Message.includes(missing), `names the file: ${broken.text}`);

      // A corrupt ONNX file: refused too.
      const corrupt = path.join(confDir, "corrupt.onnx");
      fs.writeFileSync(corrupt, "not an onnx model");
      fs.writeFileSync(configPath, JSON.stringify({ tasks: { object_detector: {
        file: corrupt, decode: "yolov5", labels: "coco80",
        input: { width: 640, height: 640, resize: "letterbox" } } } }));
      const bad = await duringCalls("corrupt reload", () => postReload(port));
      assert.equal(bad.status, 500, bad.text);
      assert.ok(bad.json.Error.Message.includes(corrupt), `names the file: ${bad.text}`);

      // Repaired: SIGHUP runs the same reload; then HTTP once more.
      fs.writeFileSync(configPath, "{}\n");
      await duringCalls("SIGHUP", async () => {
        const logBefore = env.srv.logTail(1e6).length;
        env.srv.proc.kill("SIGHUP");
        for (let i = 0; i < 1200; i++) {
          if (/SIGHUP: models reloaded/.test(env.srv.logTail(1e6).slice(logBefore))) return;
          await sleep(50);
        }
        assert.fail(`no SIGHUP reload in the log: ${env.srv.logTail()}`);
      });
      assertReloaded(await duringCalls("reload 2", () => postReload(port)), "reload 2");
    } finally {
      stop = true;
      await Promise.all(callers);
    }
    t.diagnostic(`${finished} DetectPet calls across 5 reloads`);
    assert.deepEqual(failures, [], "every DetectPet call succeeded with the right pet");
    assert.ok(finished >= 20, `enough calls overlapped the reloads (${finished})`);
    const log = env.srv.logTail(1e6);
    assert.match(log, /POST \/admin\/reload: model reload failed/);
  });

test("/admin/reload refuses what a cross-site browser form can send (no X-Kanjian-Admin header)", async () => {
  const before = env.srv.logTail(1e6).match(/models reloaded/g)?.length ?? 0;
  // What <form method=post enctype=text/plain> on another site sends.
  const r = await postReload(env.srv.port, "127.0.0.1", 120000,
    { "Content-Type": "text/plain", "Origin": "http://evil.example" }, "a=b");
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.Error.Code, "UnauthorizedOperation", r.text);
  assert.match(r.json.Error.Message, /X-Kanjian-Admin/);
  const after = env.srv.logTail(1e6).match(/models reloaded/g)?.length ?? 0;
  assert.equal(after, before, "nothing was reloaded");
});

test("/admin/reload answers 403 to a non-loopback peer without the admin token, 200 with it; not a GET route", async (t) => {
  const get = await new Promise((resolve, reject) => {
    http.get({ host: "127.0.0.1", port: env.srv.port, path: "/admin/reload", agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    }).on("error", reject);
  });
  assert.equal(get, 405);

  const lan = Object.values(os.networkInterfaces()).flat()
    .find((a) => a && a.family === "IPv4" && !a.internal);
  if (!lan) {
    t.skip("this machine has no non-loopback IPv4 address to call from");
    return;
  }
  // A second server on all interfaces, called through the LAN address; it
  // has an admin token (--admin-token-file), which other machines may send.
  const token = require("node:crypto").randomBytes(24).toString("hex");
  const tokenFile = path.join(env.sb.dir, "admin-token");
  fs.writeFileSync(tokenFile, token + "\n", { mode: 0o600 });
  const port = await freePort();
  const srv = new Server(env.sb, port, ["--models-config", configPath, "--admin-token-file", tokenFile]);
  srv.argv[srv.argv.indexOf("--listen") + 1] = `0.0.0.0:${port}`;
  const admin = { "X-Kanjian-Admin": "reload" };
  try {
    await srv.start();
    for (const headers of [admin, { ...admin, Authorization: `Bearer ${token.slice(1)}x` }]) {
      const r = await postReload(port, lan.address, 120000, headers);
      assert.equal(r.status, 403, r.text);
      assert.equal(r.json.Error.Code, "UnauthorizedOperation", r.text);
    }
    assert.doesNotMatch(srv.logTail(1e6), /models reloaded/, "nothing was reloaded");
    assertReloaded(await postReload(port, lan.address, 120000, { ...admin, Authorization: `Bearer ${token}` }),
      "another machine with the admin token");
    assertReloaded(await postReload(port), "the same server from loopback");
  } finally {
    await srv.stop();
  }
  // A token others may read is refused, as is a short one.
  fs.chmodSync(tokenFile, 0o644);
  const loose = env.sb.cli(["serve", "--listen", "127.0.0.1:0", "--admin-token-file", tokenFile]);
  assert.notEqual(loose.code, 0);
  assert.equal(loose.json.Error.Code, "InvalidConfiguration", loose.stdout);
  assert.match(loose.json.Error.Message, /chmod 600/);
  fs.writeFileSync(tokenFile, "short\n", { mode: 0o600 });
  fs.chmodSync(tokenFile, 0o600);
  const short = env.sb.cli(["serve", "--listen", "127.0.0.1:0", "--admin-token-file", tokenFile]);
  assert.equal(short.json.Error.Code, "InvalidConfiguration", short.stdout);
});

test("a reload re-reads the product gallery: DetectProductBeta finds a newly added SKU", async (t) => {
  const DARKNET = path.dirname(DOG_JPG);
  const dir = path.join(env.sb.dir, "reload-gallery");
  fs.mkdirSync(dir);
  const products = [];
  const addProduct = (file, name) => {
    fs.copyFileSync(path.join(DARKNET, file), path.join(dir, file));
    products.push({ Name: name, Brand: "B", Price: "1.00", ProductCategory: "C", Files: [file] });
    fs.writeFileSync(path.join(dir, "gallery.json"), JSON.stringify({ Products: products }));
  };
  addProduct("giraffe.jpg", "长颈鹿玩偶");
  const srv = await env.sb.startServer({ extraArgs: ["--models-config", configPath,
    "--product-gallery", dir, "--qps", "DetectProductBeta=100"] });
  try {
    const client = srv.client(env.acc.SecretId, env.acc.SecretKey);
    const beta = async () => {
      const res = await client.request("DetectProductBeta", { ImageBase64: dogB64() });
      env.ledger.success(env.acc.AccountId, res.RequestId, "DetectProductBeta");
      return res;
    };
    const before = await beta();
    t.diagnostic(JSON.stringify(before.ProductInfo));
    assert.notEqual(before.ProductInfo.Name, "捷安特自行车");

    // The operator adds the bicycle's photo, then reloads.
    addProduct("dog.jpg", "捷安特自行车");
    const r = await postReload(srv.port);
    assertReloaded(r, "gallery reload");
    const gallery = r.json.Models.find((m) => m.Task === "product_gallery");
    assert.ok(gallery && gallery.Products === 2, `the gallery is reloaded: ${r.text}`);
    const after = await beta();
    assert.equal(after.ProductInfo.FindSKU, 1, JSON.stringify(after.ProductInfo));
    assert.equal(after.ProductInfo.Name, "捷安特自行车");

    // A photo that cannot be read: refused, naming it; the gallery stays.
    fs.writeFileSync(path.join(dir, "broken.jpg"), "not a JPEG");
    products.push({ Name: "坏图", Files: ["broken.jpg"] });
    fs.writeFileSync(path.join(dir, "gallery.json"), JSON.stringify({ Products: products }));
    const broken = await postReload(srv.port);
    assert.equal(broken.status, 500, broken.text);
    assert.ok(broken.json.Error.Message.includes(path.join(dir, "broken.jpg")), broken.text);
    assert.equal((await beta()).ProductInfo.Name, "捷安特自行车");
  } finally {
    await srv.stopOk();
  }
});
