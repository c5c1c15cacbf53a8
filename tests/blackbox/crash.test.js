"use strict";
// Crash test on the embedded store: signed DetectPet load from several official
// SDK clients against `serve`, `kill -9` at seeded random moments, restart on
// the same database, several rounds. Then, from `usage list`: every success a
// client saw is billed exactly once, no error answer is billed, and calls that
// were committed but whose answer was lost in the kill are counted apart
// (billed − successes seen, never more than the transport failures).
// Finally `kanjian audit` is clean.
//   KANJIAN_CRASH_SEED=N   replay one run (the seed is printed)
//   KANJIAN_CRASH_ROUNDS=N rounds (default 4)
const { test, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const { Sandbox, UUID_RE, DOG_JPG, EAGLE_JPG, sleep, seededRandom } = require("./harness");

const SEED = Number(process.env.KANJIAN_CRASH_SEED || Math.floor(Math.random() * 2 ** 31));
const ROUNDS = Number(process.env.KANJIAN_CRASH_ROUNDS || 4);
const CLIENTS = 4;
// The kill lands uniformly in this window after the round's first answer (a
// fresh server's first inference is slow; the kill should hit steady load).
const KILL_AFTER_MS = [300, 4000];
const FIRST_ANSWER_TIMEOUT_MS = 20000;
const EVERY_NTH_FAILS = 4;         // every 4th call of a client sends eagle.jpg → NoObjectDetected

const dog = fs.readFileSync(DOG_JPG).toString("base64");
const eagle = fs.readFileSync(EAGLE_JPG).toString("base64");
let sb;

after(async () => { if (sb) await sb.cleanup(); });

/** One client: calls until its first transport failure (the kill) or stop(). */
async function clientLoop(srv, acc, tally, stop, id, answered) {
  const client = srv.client(acc.SecretId, acc.SecretKey, { reqTimeout: 20 });
  for (let i = 0; !stop.done; i++) {
    const failing = (i + id) % EVERY_NTH_FAILS === EVERY_NTH_FAILS - 1;
    try {
      const res = await client.DetectPet({ ImageBase64: failing ? eagle : dog });
      assert.match(res.RequestId, UUID_RE);
      assert.ok(!failing, "eagle.jpg must not succeed");
      tally.successes.push(res.RequestId);
      answered();
    } catch (e) {
      if (e.code !== undefined && e.requestId) {
        tally.errors.push({ requestId: e.requestId, code: e.code });
        answered();
      } else {
        tally.transport++;
        return; // the server is gone; this client's round ends
      }
    }
  }
}

test(`kill -9 under SDK load, ${ROUNDS} seeded rounds (seed ${SEED})`, { timeout: 180000 }, async (t) => {
  t.diagnostic(`seed ${SEED} (replay: KANJIAN_CRASH_SEED=${SEED})`);
  const rand = seededRandom(SEED);
  sb = new Sandbox("crash");
  const acc = sb.createAccount("crash-owner");
  const tally = { successes: [], errors: [], transport: 0 };
  const args = { extraArgs: ["--qps", "DetectPet=1000"] };

  for (let round = 0; round < ROUNDS; round++) {
    const srv = await sb.startServer(args);
    const killAfter = Math.round(KILL_AFTER_MS[0] + rand() * (KILL_AFTER_MS[1] - KILL_AFTER_MS[0]));
    const stop = { done: false };
    const before = { s: tally.successes.length, e: tally.errors.length, x: tally.transport };
    let answered;
    const firstAnswer = new Promise((resolve) => { answered = resolve; });
    const loops = Array.from({ length: CLIENTS }, (_, i) => clientLoop(srv, acc, tally, stop, i + round, answered));
    await Promise.race([firstAnswer, sleep(FIRST_ANSWER_TIMEOUT_MS)]);
    await sleep(killAfter);
    await srv.kill(); // SIGKILL, waits for the exit
    assert.equal(srv.exit.signal, "SIGKILL", `round ${round}: the server was killed, not exited`);
    await Promise.race([Promise.all(loops), sleep(30000)]);
    stop.done = true;
    await Promise.all(loops);
    t.diagnostic(`round ${round}: killed ${killAfter} ms after the first answer; ` +
      `+${tally.successes.length - before.s} successes, +${tally.errors.length - before.e} error answers, ` +
      `+${tally.transport - before.x} transport failures`);
  }

  // A last start on the same database: it recovers and serves.
  const srv = await sb.startServer(args);
  const res = await srv.client(acc.SecretId, acc.SecretKey).DetectPet({ ImageBase64: dog });
  tally.successes.push(res.RequestId);
  assert.equal(res.Pets[0].Name, "dog");
  await srv.stopOk();

  const records = sb.usage(acc.AccountId);
  const billed = records.map((r) => r.RequestId);
  const count = new Map();
  for (const id of billed) count.set(id, (count.get(id) || 0) + 1);
  const dupes = [...count].filter(([, n]) => n > 1);
  const unbilledSuccesses = tally.successes.filter((id) => count.get(id) !== 1);
  const billedErrors = tally.errors.filter((e) => count.has(e.requestId));
  const seen = new Set(tally.successes);
  const lostAnswers = billed.filter((id) => !seen.has(id)).length;
  t.diagnostic(`successes seen ${tally.successes.length}, error answers ${tally.errors.length} ` +
    `(${[...new Set(tally.errors.map((e) => e.code))].join(", ")}), transport failures ${tally.transport}, ` +
    `billed ${billed.length}, committed but answer lost ${lostAnswers}`);
  assert.ok(tally.successes.length > ROUNDS / 2, "the load produced successes");
  assert.ok(tally.errors.length > 0, "the load produced error answers");
  assert.deepEqual(dupes, [], "no RequestId billed twice");
  assert.deepEqual(unbilledSuccesses, [], "every success a client saw is billed exactly once");
  assert.deepEqual(billedErrors, [], "no error answer is billed");
  assert.equal(billed.length - tally.successes.length, lostAnswers, "billed = successes seen + answers lost");
  assert.ok(lostAnswers <= tally.transport,
    `${lostAnswers} billed calls unseen, but only ${tally.transport} answers were lost in transport`);
  for (const r of records) assert.equal(r.Action, "DetectPet");

  const audit = sb.cli(["audit"]);
  t.diagnostic(`audit: exit ${audit.code} ${audit.stdout.trim().slice(0, 300)}`);
  assert.equal(audit.code, 0, `audit failed: ${audit.stdout} ${audit.stderr}`);
  assert.equal(audit.json.Ok, true, `audit problems: ${JSON.stringify(audit.json)}`);
});
