"use strict";
// Upgrade fixtures (docs/operators/upgrades.md): each database in
// tests/fixtures/ was written by an earlier release: NAME.db a SQLite file
// (tests/fixtures/make_sqlite_fixture.sh), NAME.sql a plain pg_dump
// (tests/fixtures/make_pg_fixture.sh). Today's binary opens a copy — the
// SQLite ones on SQLite, the dumps restored with psql into a fresh database
// on PostgreSQL (scripts/blackbox_pg.sh) —: it migrates to the schema it
// knows, `audit` is Ok, and every answer the old release gave about
// balances, packs, usage and bills is given again, field for field (today's
// answers may add fields, never change one).
const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { Sandbox, REPO } = require("./harness");

const FIXTURES = path.join(REPO, "tests", "fixtures");

// Every field of `old` is in `now` with the same value; arrays element by element.
function assertContains(now, old, where) {
  if (Array.isArray(old)) {
    assert.ok(Array.isArray(now), `${where}: not an array now`);
    assert.equal(now.length, old.length, `${where}: length`);
    old.forEach((v, i) => assertContains(now[i], v, `${where}[${i}]`));
  } else if (old !== null && typeof old === "object") {
    assert.ok(now !== null && typeof now === "object", `${where}: not an object now`);
    for (const k of Object.keys(old)) assertContains(now[k], old[k], `${where}.${k}`);
  } else {
    assert.deepEqual(now, old, where);
  }
}

const fixtures = fs.readdirSync(FIXTURES).filter((f) => f.endsWith(".expected.json"));

test("there is at least one upgrade fixture", () => {
  assert.ok(fixtures.length >= 1, `no *.expected.json in ${FIXTURES}`);
});

for (const expectedFile of fixtures) {
  const name = expectedFile.replace(/\.expected\.json$/, "");
  test(`${name}: today's binary migrates it and answers as the release that wrote it`, async (t) => {
    const sb = new Sandbox(`upgrade-${name}`);
    try {
      const dump = path.join(FIXTURES, `${name}.sql`);
      const isDump = fs.existsSync(dump);
      if (isDump !== Boolean(sb.pgName)) {
        t.skip(`a ${isDump ? "PostgreSQL" : "SQLite"} fixture: not this run's store`);
        return;
      }
      const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, expectedFile), "utf8"));
      if (isDump) {
        const r = spawnSync("psql", [sb.db, "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
          "-f", dump], { encoding: "utf8" });
        assert.equal(r.status, 0, `psql -f ${dump}: ${r.stderr}`);
      } else {
        fs.copyFileSync(path.join(FIXTURES, `${name}.db`), sb.db);
        fs.chmodSync(sb.db, 0o600);
      }

      const before = sb.cliOk(["--version"]);
      assert.equal(before.SchemaVersion.Database, expected.schema_version);
      assert.ok(before.SchemaVersion.Database < before.SchemaVersion.Binary,
        "the fixture predates this binary's schema");

      const started = process.hrtime.bigint();
      const audit = sb.cli(["--at", expected.at, "audit"]);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      t.diagnostic(`${name}: migrated from schema ${expected.schema_version} and audited in ${ms.toFixed(0)} ms`);
      assert.equal(audit.code, 0, audit.stdout + audit.stderr);
      assert.equal(audit.json.Ok, true, audit.stdout);
      const after = sb.cliOk(["--version"]);
      assert.equal(after.SchemaVersion.Database, after.SchemaVersion.Binary);

      for (const { args, json } of expected.answers) {
        const now = sb.cliOk(["--at", expected.at, ...args]);
        assertContains(now, json, args.join(" "));
      }
    } finally {
      await sb.cleanup();
    }
  });
}
