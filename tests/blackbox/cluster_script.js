// scripts/cluster.sh driven from a test (cluster.test.js, cluster_pg.test.js).
const assert = require("node:assert/strict");
const { spawn, spawnSync } = require("node:child_process");
const path = require("node:path");
const { REPO, childEnv } = require("./harness");

const SCRIPT = path.join(REPO, "scripts", "cluster.sh");

// Runs `cluster.sh ARGS…` to the end; its stdout. `env` adds to the
// environment (KANJIAN_BIN: the binary the nodes start from).
function cluster(args, env = {}) {
  const r = spawnSync(SCRIPT, args, { env: childEnv(env), encoding: "utf8", timeout: 180000 });
  assert.equal(r.status, 0, `cluster.sh ${args.join(" ")}: ${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

// The same without blocking the event loop (the SDK load keeps running).
function clusterAsync(args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT, args, { env: childEnv(env) });
    let out = "", err = "";
    child.stdout.on("data", (d) => { out += d; });
    child.stderr.on("data", (d) => { err += d; });
    child.on("error", reject);
    child.on("exit", (code) => code === 0 ? resolve(out)
      : reject(new Error(`cluster.sh ${args.join(" ")}: exit ${code}: ${out}\n${err}`)));
  });
}

module.exports = { SCRIPT, cluster, clusterAsync };
