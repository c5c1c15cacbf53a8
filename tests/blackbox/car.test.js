"use strict";
// RecognizeCar / RecognizeCarPro through the official SDK on real and
// synthetic photos (tests/eval/images, made by scripts/make_eval_images.py).
const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { useServer, UUID_RE, DOG_JPG, EAGLE_JPG, dogB64 } = require("./harness");

const EVAL = path.join(__dirname, "..", "eval");
const manifest = JSON.parse(fs.readFileSync(path.join(EVAL, "ocr_car_envelope.json"), "utf8"));
const item = (id) => manifest.items.find((i) => i.id === id);
const check = (it, metric) => it.checks.find((c) => c.metric === metric);
const b64 = (rel) => fs.readFileSync(path.isAbsolute(rel) ? rel : path.join(EVAL, rel)).toString("base64");

const env = useServer("car", "car-owner");
const ledger = env.ledger;

function boxOf(points) {
  const xs = points.map((p) => p.X), ys = points.map((p) => p.Y);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}
function iou(a, b) {
  const ix = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const area = (r) => (r[2] - r[0]) * (r[3] - r[1]);
  return ix * iy / (area(a) + area(b) - ix * iy);
}
function assertPoints(points, what) {
  assert.ok(Array.isArray(points) && points.length === 4, `${what} has 4 corners`);
  for (const p of points) {
    assert.ok(Number.isInteger(p.X) && Number.isInteger(p.Y), `${what} corners are integers`);
  }
}

test("RecognizeCar: the silver car, its box, Type 轿车, Color, no make/year invented", async (t) => {
  const it = item("car_0_blue_plain");
  const res = await env.client.RecognizeCar({ ImageBase64: b64(it.image) });
  t.diagnostic(JSON.stringify(res));
  ledger.success(env.acc.AccountId, res.RequestId, "RecognizeCar");
  assert.match(res.RequestId, UUID_RE);
  assert.ok(res.CarTags.length >= 1);
  const car = res.CarTags[0];
  assertPoints(res.CarCoords, "CarCoords");
  assertPoints(car.CarLocation, "CarLocation");
  assert.deepEqual(res.CarCoords, car.CarLocation, "CarCoords are the largest car's corners");
  const want = check(it, "car_box").box;
  assert.ok(iou(boxOf(car.CarLocation), want) >= 0.5, `car box ${boxOf(car.CarLocation)} overlaps ${want}`);
  assert.equal(car.Type, "轿车");
  assert.equal(car.Color, "银灰");
  assert.ok(Number.isInteger(car.Confidence) && car.Confidence >= 50 && car.Confidence <= 100);
  assert.equal(car.Serial, "");
  assert.equal(car.Brand, "");
  assert.equal(car.Year, 0);
  assert.equal(car.PlateContent, null, "plain RecognizeCar reads no plate");
  // Largest first.
  const areas = res.CarTags.map((c) => { const b = boxOf(c.CarLocation); return (b[2] - b[0]) * (b[3] - b[1]); });
  assert.deepEqual(areas, [...areas].sort((a, b) => b - a));
});

for (const id of ["car_0_blue", "car_0_yellow", "car_0_green", "car_3_yellow"]) {
  test(`RecognizeCarPro reads the synthetic plate of ${id}`, async (t) => {
    const it = item(id);
    const res = await env.client.RecognizeCarPro({ ImageBase64: b64(it.image) });
    t.diagnostic(JSON.stringify(res.CarTags[0]));
    ledger.success(env.acc.AccountId, res.RequestId, "RecognizeCarPro");
    const car = res.CarTags[0];
    const pc = car.PlateContent;
    assert.equal(pc.Plate, check(it, "plate").equals, "plate text");
    assert.equal(pc.Color, check(it, "plate_color").equals, "plate colour");
    assert.equal(pc.Type, check(it, "plate_type").equals, "plate type");
    assertPoints(pc.PlateLocation, "PlateLocation");
    assert.ok(iou(boxOf(pc.PlateLocation), check(it, "plate_box").box) >= 0.3, "plate box overlaps the plate");
    assert.ok(["正常车牌", "遮挡污损模糊车牌"].includes(pc.PlateStatus));
    assert.equal(typeof pc.PlateAngle, "number");
    assert.ok(Math.abs(pc.PlateAngle) < 10);
    for (const k of ["PlateConfidence", "TypeConfidence", "ColorConfidence", "OrientationConfidence"]) {
      assert.ok(Number.isInteger(car[k]) && car[k] >= 0 && car[k] <= 100, `${k} is an integer 0..100`);
    }
    assert.ok(car.PlateConfidence >= 50);
    assert.equal(car.Orientation, "", "no orientation model: left empty");
  });
}

test("RecognizeCarPro on dog.jpg: the pickup (货车 or 轿车), no readable plate -> empty strings and []", async (t) => {
  const res = await env.client.RecognizeCarPro({ ImageBase64: dogB64() });
  t.diagnostic(JSON.stringify(res));
  ledger.success(env.acc.AccountId, res.RequestId, "RecognizeCarPro");
  const car = res.CarTags[0];
  assert.ok(["货车", "轿车"].includes(car.Type), car.Type);
  assert.ok(iou(boxOf(car.CarLocation), check(item("darknet_dog_truck"), "car_box").box) >= 0.5);
  assert.equal(car.Color, "白");
  assert.equal(car.PlateContent.Plate, "");
  assert.deepEqual(car.PlateContent.PlateLocation, []);
  assert.equal(car.PlateContent.Color, "");
  assert.equal(car.PlateContent.Type, "");
});

test("a rear view that overflows the frame is found (plate read) by both actions, and billed", async (t) => {
  const it = item("closeup_raw_blue");
  const res = await env.client.RecognizeCarPro({ ImageBase64: b64(it.image) });
  t.diagnostic(JSON.stringify(res));
  ledger.success(env.acc.AccountId, res.RequestId, "RecognizeCarPro");
  assert.equal(res.CarTags.length, 1);
  const car = res.CarTags[0];
  assertPoints(car.CarLocation, "CarLocation");
  assert.ok(iou(boxOf(car.CarLocation), check(it, "closeup_car_box").box) >= 0.5, `box ${boxOf(car.CarLocation)}`);
  assert.equal(car.PlateContent.Plate, check(it, "closeup_plate").equals);
  assert.ok(Number.isInteger(car.Confidence) && car.Confidence >= 20 && car.Confidence <= 100);
  const plain = await env.client.RecognizeCar({ ImageBase64: b64(it.image) });
  ledger.success(env.acc.AccountId, plain.RequestId, "RecognizeCar");
  assert.equal(plain.CarTags.length, 1);
  assert.equal(plain.CarTags[0].PlateContent, null);
});

test("a text page and a courier envelope are no vehicle -> NoObjectDetected, not billed", async () => {
  for (const id of ["document_page_0_nocar", "envelope_other_front_1_nocar"]) {
    await ledger.expectError(env.acc.AccountId, env.client.RecognizeCarPro({ ImageBase64: b64(item(id).image) }),
      "FailedOperation.NoObjectDetected", id);
  }
});

test("no vehicle (eagle.jpg) -> FailedOperation.NoObjectDetected for both actions, not billed", async () => {
  const img = fs.readFileSync(EAGLE_JPG).toString("base64");
  await ledger.expectError(env.acc.AccountId, env.client.RecognizeCar({ ImageBase64: img }),
    "FailedOperation.NoObjectDetected", "RecognizeCar(eagle)");
  await ledger.expectError(env.acc.AccountId, env.client.RecognizeCarPro({ ImageBase64: img }),
    "FailedOperation.NoObjectDetected", "RecognizeCarPro(eagle)");
});

test("bad images -> image errors", async () => {
  await ledger.expectError(env.acc.AccountId, env.client.RecognizeCarPro({}), "MissingParameter", "{}");
  await ledger.expectError(env.acc.AccountId,
    env.client.RecognizeCar({ ImageBase64: fs.readFileSync(DOG_JPG).subarray(0, 20000).toString("base64") }),
    "FailedOperation.ImageDecodeFailed", "truncated JPEG");
  await ledger.expectError(env.acc.AccountId,
    env.client.RecognizeCarPro({ ImageBase64: "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" }),
    "FailedOperation.ImageNotSupported", "GIF");
});
