"use strict";
// DetectProduct and DetectProductBeta through the official SDK on real
// photos: product classes only (the dog in dog.jpg is not a product, its
// bicycle is), Beta's JPG-only/1 MB input, regions, and SKU matching against
// an operator gallery (serve --product-gallery) with NeedLemma.
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { Sandbox, Ledger, DOG_JPG, EAGLE_JPG, expectSdkError } = require("./harness");

const CACHE = process.env.KANJIAN_CACHE || path.join(os.homedir(), ".cache", "kanjian");
const COFFEE_PNG = path.join(CACHE, "testdata", "coffee.png");  // python3-skimage: a cup of coffee
const DARKNET = "/usr/share/darknet/data";
// The bicycle in dog.jpg (768x576), as YOLO-family detectors box it.
const BIKE_BOX = { x0: 125, y0: 125, x1: 570, y1: 425 };

let sb, srv, gsrv, acc, client, gclient;
const ledger = new Ledger();
const b64 = (p) => fs.readFileSync(p).toString("base64");
// This SDK version has no DetectProductBeta method (the action is still in
// the API); the SDK's own request() signs and sends it the same way.
const beta = (c, params) => c.request("DetectProductBeta", params);

function iou(a, b) {
  const ix = Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0));
  const iy = Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
  const area = (r) => (r.x1 - r.x0) * (r.y1 - r.y0);
  return ix * iy / (area(a) + area(b) - ix * iy);
}

before(async () => {
  sb = new Sandbox("product");
  acc = sb.createAccount("shop");
  srv = await sb.startServer({ extraArgs: ["--qps", "DetectProductBeta=100"] });
  client = srv.client(acc.SecretId, acc.SecretKey);
  // A gallery of whole photos; dog.jpg is the "bicycle shop" product.
  const dir = path.join(sb.dir, "gallery");
  fs.mkdirSync(dir);
  const products = [
    ["dog.jpg", "捷安特自行车", "Giant", "1999.00", "自行车"],
    ["giraffe.jpg", "长颈鹿玩偶", "Zoo", "59.00", "玩具"],
    ["person.jpg", "牧羊犬摆件", "Farm", "25.00", "摆件"],
    ["horses.jpg", "骏马画册", "Art", "88.00", "图书"],
  ].map(([file, name, brand, price, cat]) => {
    fs.copyFileSync(path.join(DARKNET, file), path.join(dir, file));
    return { Name: name, Brand: brand, Price: price, ProductCategory: cat, Image: `https://shop.example/${file}`,
      LemmaInfoList: [{ LemmaTitle: name, LemmaAbstract: `${brand} ${name}`, Tag: cat }], Files: [file] };
  });
  fs.writeFileSync(path.join(dir, "gallery.json"), JSON.stringify({ Products: products }));
  gsrv = await sb.startServer({ extraArgs: ["--product-gallery", dir, "--qps", "DetectProductBeta=100"] });
  gclient = gsrv.client(acc.SecretId, acc.SecretKey);
});

after(async () => {
  try {
    if (srv) await srv.stopOk();
    if (gsrv) await gsrv.stopOk();
  } finally {
    if (sb) await sb.cleanup();
  }
});

test("DetectProduct finds the cup in coffee.png", async (t) => {
  const res = await client.DetectProduct({ ImageBase64: b64(COFFEE_PNG) });
  t.diagnostic(JSON.stringify(res));
  ledger.success(acc.AccountId, res.RequestId, "DetectProduct");
  const cup = res.Products.find((p) => p.Name === "杯子");
  assert.ok(cup, `no 杯子 in ${JSON.stringify(res.Products)}`);
  assert.equal(cup.Parents, "厨具-杯壶瓶罐");
  assert.ok(Number.isInteger(cup.Confidence) && cup.Confidence >= 30 && cup.Confidence <= 100);
  assert.ok(cup.XMin < cup.XMax && cup.YMin < cup.YMax);
});

test("DetectProduct on dog.jpg answers the bicycle, never the dog", async (t) => {
  const res = await client.DetectProduct({ ImageBase64: b64(DOG_JPG) });
  t.diagnostic(JSON.stringify(res));
  ledger.success(acc.AccountId, res.RequestId, "DetectProduct");
  const names = res.Products.map((p) => p.Name);
  assert.ok(names.includes("自行车"), names.join(","));
  for (const p of res.Products) assert.match(p.Parents, /^[^-]+-[^-]+$/);
  const bike = res.Products.find((p) => p.Name === "自行车");
  const overlap = iou({ x0: bike.XMin, y0: bike.YMin, x1: bike.XMax, y1: bike.YMax }, BIKE_BOX);
  assert.ok(overlap >= 0.5, `bicycle box IoU ${overlap.toFixed(2)}`);
  for (let i = 1; i < res.Products.length; i++)
    assert.ok(res.Products[i - 1].Confidence >= res.Products[i].Confidence, "sorted by confidence");
});

test("no product → NoObjectDetected, not billed", async () => {
  await ledger.expectError(acc.AccountId, client.DetectProduct({ ImageBase64: b64(EAGLE_JPG) }),
    "FailedOperation.NoObjectDetected", "eagle.jpg");
});

test("DetectProductBeta without a gallery: regions, FindSKU 0", async (t) => {
  const res = await beta(client, { ImageBase64: b64(DOG_JPG), NeedLemma: 1 });
  t.diagnostic(JSON.stringify(res));
  ledger.success(acc.AccountId, res.RequestId, "DetectProductBeta");
  assert.ok(res.RegionDetected.length >= 1 && res.RegionDetected.length <= 3);
  assert.equal(res.RegionDetected[0].Category, "自行车");
  for (const r of res.RegionDetected) {
    assert.ok(r.CategoryScore > 0 && r.CategoryScore <= 1);
    assert.ok(r.Location.XMin < r.Location.XMax && r.Location.YMin < r.Location.YMax);
  }
  assert.equal(res.ProductInfo.FindSKU, 0);
  assert.equal(res.ProductInfo.Name, "");
  assert.equal(res.ProductInfo.LemmaInfoList, null);
  assert.equal(res.ProductInfoList, null);
});

test("DetectProductBeta input rules: JPG only, ≤ 1 MB, NeedLemma 0/1", async () => {
  const astronaut = b64(path.join(CACHE, "testdata", "astronaut.png"));
  assert.ok(astronaut.length > 1 << 20);
  await ledger.expectError(acc.AccountId, beta(client, { ImageBase64: astronaut }),
    "FailedOperation.ImageSizeExceed", "astronaut.png is over 1 MB in base64");
  await ledger.expectError(acc.AccountId, beta(client, { ImageBase64: b64(COFFEE_PNG) }),
    "FailedOperation.ImageNotSupported", "coffee.png: PNG");
  await ledger.expectError(acc.AccountId, beta(client, { ImageBase64: b64(DOG_JPG), NeedLemma: 2 }),
    "InvalidParameterValue", "NeedLemma 2");
  await ledger.expectError(acc.AccountId, beta(client, { ImageBase64: b64(EAGLE_JPG) }),
    "FailedOperation.NoObjectDetected", "eagle.jpg");
});

test("DetectProductBeta with a gallery finds the SKU; NeedLemma picks the lemma list", async (t) => {
  const res = await beta(gclient, { ImageBase64: b64(DOG_JPG), NeedLemma: 1 });
  t.diagnostic(JSON.stringify(res));
  ledger.success(acc.AccountId, res.RequestId, "DetectProductBeta");
  const info = res.ProductInfo;
  assert.equal(info.FindSKU, 1);
  assert.equal(info.Name, "捷安特自行车");
  assert.equal(info.Brand, "Giant");
  assert.equal(info.Price, "1999.00");
  assert.equal(info.ProductCategory, "自行车");
  assert.equal(info.Image, "https://shop.example/dog.jpg");
  assert.ok(info.Score > 0.75 && info.Score <= 1);
  assert.deepEqual(info.LemmaInfoList, [{ LemmaTitle: "捷安特自行车", LemmaAbstract: "Giant 捷安特自行车", Tag: "自行车" }]);
  assert.ok(Array.isArray(res.ProductInfoList) && res.ProductInfoList[0].Name === "捷安特自行车");

  const noLemma = await beta(gclient, { ImageBase64: b64(DOG_JPG) });
  ledger.success(acc.AccountId, noLemma.RequestId, "DetectProductBeta");
  assert.equal(noLemma.ProductInfo.FindSKU, 1);
  assert.equal(noLemma.ProductInfo.LemmaInfoList, null);
});

test("only the successful calls are billed", () => {
  ledger.verify(sb, acc.AccountId);
});
