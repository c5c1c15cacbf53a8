"use strict";
// serve from a config file (docs/operators/configuration-file.md,
// docs/operators/logging.md): `config check` names where each setting came
// from; serve runs with the file's settings and logs JSON lines to stdout
// and to its log file; SIGHUP applies a changed qps and log-level and logs a
// change that needs a restart; SIGUSR1 reopens the log file after it was
// moved; a bad file stops serve before it starts.
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { spawn } = require("node:child_process");
const { Sandbox, BIN, childEnv, freePort, sleep, sdkClient, dogB64 } = require("./harness");
const { httpGet } = require("./tc3");

let sb, acc, port, config, logFile, proc, stdout = "";
const writeConfig = (extra) => fs.writeFileSync(config, [
  `db = "${sb.db}"`,
  `listen = "127.0.0.1:${port}"`,
  `log-format = "json"`,
  `log-file = "${logFile}"`,
  `workers = 1`,
  extra,
].join("\n") + "\n");

before(async () => {
  sb = new Sandbox("config");
  acc = sb.createAccount("config-shop");
  port = await freePort();
  config = path.join(sb.dir, "kanjian.toml");
  logFile = path.join(sb.dir, "kanjian.log");
  writeConfig("[qps]\nDetectPet = 50");
});
after(async () => {
  if (proc && proc.exitCode === null) { proc.kill("SIGKILL"); await new Promise((r) => proc.on("exit", r)); }
  await sb.cleanup();
});

async function waitFor(predicate, what, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return;
    if (proc && proc.exitCode !== null) throw new Error(`serve exited while waiting for ${what}: ${stdout}`);
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}: ${stdout.slice(-2000)}`);
}
const logText = () => { try { return fs.readFileSync(logFile, "utf8"); } catch { return ""; } };

test("config check names each setting's source; secrets are redacted", () => {
  const r = sb.cli(["--config", config, "config", "check", "--batch-max", "2"],
    { env: { KANJIAN_REDIS: "redis://:s3cret@127.0.0.1:1", KANJIAN_DB: "" } });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const by = Object.fromEntries(r.json.Settings.map((s) => [s.Key, s]));
  assert.equal(r.json.ConfigFile, config);
  assert.deepEqual(by.listen, { Key: "listen", Value: `127.0.0.1:${port}`, Source: "file", Where: `${config}:2` });
  assert.deepEqual(by.qps.Value, ["DetectPet=50"]);
  assert.equal(by["batch-max"].Source, "flag");
  assert.equal(by.redis.Source, "env");
  assert.equal(by.redis.Value, "redis://:***@127.0.0.1:1");
  assert.ok(!r.stdout.includes("s3cret"));
  assert.equal(by["http-threads"].Source, "default");
  // --db given by the harness wins over the file's db.
  assert.equal(by.db.Source, "flag");
});

test("a bad config file stops serve before it starts, naming file, line and key", () => {
  const bad = path.join(sb.dir, "bad.toml");
  fs.writeFileSync(bad, `listen = "127.0.0.1:${port}"\nworkers = "two"\n`);
  const r = sb.cli(["--config", bad, "serve"], { json: false, timeoutMs: 30000 });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`InvalidConfiguration: ${bad}:2: 'workers' must be an integer`));
});

test("serve runs from the file: JSON logs, build info, SIGHUP and SIGUSR1", async () => {
  proc = spawn(BIN, ["--config", config, "serve"], { env: childEnv({ KANJIAN_DB: "" }) });
  proc.stdout.on("data", (d) => { stdout += d; });
  proc.stderr.on("data", (d) => { stdout += d; });
  await waitFor(() => /listening on/.test(stdout), "listening");
  // Every stdout line is a JSON object; the file has the same lines.
  const lines = stdout.trim().split("\n");
  for (const line of lines) {
    const j = JSON.parse(line);
    assert.ok(j.time && j.level && typeof j.msg === "string", line);
  }
  assert.ok(logText().includes('"msg":"listening on 127.0.0.1:' + port));

  const health = await httpGet(port, "/healthz");
  const h = JSON.parse(health.text);
  assert.match(h.Version, /^\d+\.\d+\.\d+$/);
  assert.ok(h.Commit.length > 0);
  const metrics = await httpGet(port, "/metrics");
  assert.ok(metrics.text.includes(`kanjian_build_info{version="${h.Version}",commit="${h.Commit}"} 1`));

  // SIGHUP: qps 50 → 1 applies at once; workers 1 → 2 needs a restart.
  const client = sdkClient(port, acc.SecretId, acc.SecretKey);
  await client.DetectPet({ ImageBase64: dogB64() });
  writeConfig("[qps]\nDetectPet = 1");
  fs.writeFileSync(config, fs.readFileSync(config, "utf8").replace("workers = 1", "workers = 2"));
  proc.kill("SIGHUP");
  await waitFor(() => /SIGHUP: qps changed from DetectPet=50 to DetectPet=1/.test(stdout), "qps applied");
  await waitFor(() => /SIGHUP: workers changed from 1 to 2 .*takes effect at restart/.test(stdout), "workers logged");
  await sleep(1100);
  const burst = await Promise.allSettled([0, 1, 2].map(() => client.DetectPet({ ImageBase64: dogB64() })));
  const limited = burst.filter((r) => r.status === "rejected" && r.reason.code === "RequestLimitExceeded");
  assert.ok(limited.length >= 1, `a burst of 3 under qps 1: ${JSON.stringify(burst.map((r) => r.status))}`);

  // SIGUSR1 after logrotate moved the file: the next lines go to a new file.
  // (Signals wait while a reload runs: let the SIGHUP's models reload end.)
  await waitFor(() => /models reloaded/.test(stdout), "the models reload");
  fs.renameSync(logFile, `${logFile}.1`);
  proc.kill("SIGUSR1");
  await sleep(300);
  proc.kill("SIGHUP"); // logs a line (the models reload)
  await waitFor(() => /models reloaded/.test(logText()), "a line in the reopened file");
  assert.ok(!logText().includes("listening on"), "the new file starts after the reopen");
  assert.ok(fs.readFileSync(`${logFile}.1`, "utf8").includes("listening on"));

  proc.kill("SIGTERM");
  const code = await new Promise((r) => proc.on("exit", r));
  assert.equal(code, 0, stdout.slice(-2000));
});
