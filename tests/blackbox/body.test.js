"use strict";
// DetectChefDress / DetectSecurity through the official SDK on real photos:
// persons found with boxes, attributes only where a classifier is configured,
// NoBodyInPhoto, EnableDetect=false, parameter types, and the models config
// (bad file refused at start, SIGHUP reload).
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { Sandbox, UUID_RE, EAGLE_JPG, expectSdkError } = require("./harness");

const PERSON_JPG = "/usr/share/darknet/data/person.jpg"; // 640x424: a woman, a dog, a horse
// The woman, hand-labelled: x 190..275, y 95..380. We require IoU >= 0.5.
const WOMAN = { x0: 190, y0: 95, x1: 275, y1: 380 };
const b64 = (p) => fs.readFileSync(p).toString("base64");
const SECURITY = ["安全帽识别", "玩手机识别", "抽烟识别", "口罩识别", "工地安全带识别", "手套识别",
                  "工服识别", "护目镜识别", "反光衣识别"];
const CHEF = ["厨师服识别", "厨师帽识别", "赤膊识别", "口罩识别"];
const OPT_IN_BUILTINS = {
  "玩手机识别": { method: "builtin", builtin: "phone_near_person" },
  "赤膊识别": { method: "builtin", builtin: "skin_torso" },
};

let sb, srv, acc, client, configPath;

before(async () => {
  sb = new Sandbox("body");
  acc = sb.createAccount("site-owner");
  configPath = path.join(sb.dir, "models.json");
  // The bundled set plus the two opt-in built-ins, so their wiring is tested;
  // the last test checks that the bundled set alone leaves them out.
  fs.writeFileSync(configPath, JSON.stringify({ attributes: OPT_IN_BUILTINS }));
  srv = await sb.startServer({ extraArgs: ["--models-config", configPath, "--qps", "DetectSecurity=50",
                                           "--qps", "DetectChefDress=50"] });
  client = srv.client(acc.SecretId, acc.SecretKey);
});

after(async () => {
  try { if (srv) await srv.stopOk(); } finally { if (sb) await sb.cleanup(); }
});

function iou(a, b) {
  const ix = Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0));
  const iy = Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
  const area = (r) => (r.x1 - r.x0) * (r.y1 - r.y0);
  return ix * iy / (area(a) + area(b) - ix * iy);
}

function checkBody(body, allowedNames) {
  for (const k of ["X", "Y", "Width", "Height"]) assert.equal(typeof body.Rect[k], "number");
  assert.ok(body.DetectConfidence >= 0 && body.DetectConfidence <= 1, "DetectConfidence in 0..1");
  const seen = new Set();
  for (const a of body.Attributes) {
    assert.ok(allowedNames.includes(a.Name), `unexpected attribute ${a.Name}`);
    assert.ok(!seen.has(a.Name), `attribute ${a.Name} twice`);
    seen.add(a.Name);
    assert.equal(typeof a.Label, "string");
    assert.ok(a.Confidence >= 0 && a.Confidence <= 1, `${a.Name} Confidence in 0..1`);
  }
}

const attr = (body, name) => body.Attributes.find((a) => a.Name === name);

test("DetectSecurity finds the woman in person.jpg and judges only what it can", async (t) => {
  const res = await client.DetectSecurity({ ImageBase64: b64(PERSON_JPG) });
  t.diagnostic(JSON.stringify(res));
  assert.match(res.RequestId, UUID_RE);
  assert.equal(res.Bodies.length, 1, "one person (the dog and the horse are not bodies)");
  const body = res.Bodies[0];
  checkBody(body, SECURITY);
  const r = body.Rect;
  assert.ok(iou({ x0: r.X, y0: r.Y, x1: r.X + r.Width, y1: r.Y + r.Height }, WOMAN) >= 0.5,
    `Rect ${JSON.stringify(r)} overlaps the woman`);
  assert.ok(body.DetectConfidence > 0.5);
  assert.equal(attr(body, "玩手机识别").Label, "没有电话");
  assert.equal(attr(body, "反光衣识别").Label, "无反光衣");
  // No bundled model can judge these: they are left out, never guessed.
  for (const name of ["安全帽识别", "抽烟识别", "工地安全带识别", "手套识别", "工服识别", "护目镜识别"])
    assert.equal(attr(body, name), undefined, `${name} must be left out`);
});

test("DetectChefDress on person.jpg: 赤膊识别 judged, the rest left out", async () => {
  const res = await client.DetectChefDress({ ImageBase64: b64(PERSON_JPG), EnablePreferred: false });
  assert.equal(res.Bodies.length, 1);
  checkBody(res.Bodies[0], CHEF);
  assert.equal(attr(res.Bodies[0], "赤膊识别").Label, "非赤膊");
  assert.equal(attr(res.Bodies[0], "厨师帽识别"), undefined);
});

test("no person → FailedOperation.NoBodyInPhoto (both actions)", async () => {
  await expectSdkError(client.DetectChefDress({ ImageBase64: b64(EAGLE_JPG) }),
    "FailedOperation.NoBodyInPhoto", "DetectChefDress(eagle.jpg)");
  await expectSdkError(client.DetectSecurity({ ImageBase64: b64(EAGLE_JPG) }),
    "FailedOperation.NoBodyInPhoto", "DetectSecurity(eagle.jpg)");
});

test("EnableDetect=false: the whole image is one body with a zero Rect", async () => {
  const res = await client.DetectSecurity({ ImageBase64: b64(EAGLE_JPG), EnableDetect: false });
  assert.equal(res.Bodies.length, 1);
  assert.deepEqual(res.Bodies[0].Rect, { X: 0, Y: 0, Width: 0, Height: 0 });
  checkBody(res.Bodies[0], SECURITY);
});

test("EnableDetect must be a Boolean", async () => {
  await expectSdkError(client.DetectSecurity({ ImageBase64: b64(PERSON_JPG), EnableDetect: "yes" }),
    "InvalidParameterValue", "EnableDetect=\"yes\"");
});

// Each SIGHUP is awaited by the outcome the server logs for it, not by a sleep.
async function sighupReload(expected) {
  const mark = srv.logSize();
  srv.proc.kill("SIGHUP");
  return srv.waitForLog(/SIGHUP: (models reloaded|model reload failed)[^\n]*/, mark).then((line) => {
    assert.match(line, expected === "ok" ? /models reloaded/ : /reload failed/, line);
  });
}

test("SIGHUP reloads the models config; a broken config keeps the old models", async () => {
  fs.writeFileSync(configPath, JSON.stringify({ attributes: { "赤膊识别": null } }));
  await sighupReload("ok");
  let res = await client.DetectChefDress({ ImageBase64: b64(PERSON_JPG), EnablePreferred: false });
  assert.equal(attr(res.Bodies[0], "赤膊识别"), undefined, "赤膊识别 removed after reload");
  fs.writeFileSync(configPath, "{ not json");
  await sighupReload("failed");
  res = await client.DetectChefDress({ ImageBase64: b64(PERSON_JPG), EnablePreferred: false });
  assert.equal(attr(res.Bodies[0], "赤膊识别"), undefined, "still the last good set");
});

test("serve refuses a models config naming a missing file, naming it", () => {
  const bad = path.join(sb.dir, "bad-models.json");
  fs.writeFileSync(bad, JSON.stringify({ tasks: { face_detector: {
    file: "/nonexistent/faces.onnx", decode: "ultraface", input: { width: 320, height: 240 } } } }));
  const r = sb.cli(["serve", "--listen", "127.0.0.1:0", "--models-config", bad], { timeoutMs: 60000 });
  assert.notEqual(r.code, 0);
  assert.match(r.stdout + r.stderr, /\/nonexistent\/faces\.onnx/);
});

test("the bundled set leaves 玩手机识别 and 赤膊识别 out (opt-in built-ins)", async () => {
  fs.writeFileSync(configPath, "{}\n");
  await sighupReload("ok");
  const security = await client.DetectSecurity({ ImageBase64: b64(PERSON_JPG), EnablePreferred: false });
  assert.equal(attr(security.Bodies[0], "玩手机识别"), undefined, "玩手机识别 left out");
  assert.equal(attr(security.Bodies[0], "反光衣识别").Label, "无反光衣");
  const chef = await client.DetectChefDress({ ImageBase64: b64(PERSON_JPG), EnablePreferred: false });
  assert.equal(chef.Bodies.length, 1);
  assert.deepEqual(chef.Bodies[0].Attributes, [], "nothing bundled can judge a chef's dress");
});
