"use strict";
// The README's quick start, run as written, so the front page cannot drift
// from the binary. The blocks between <!-- quickstart:NAME --> and
// <!-- /quickstart:NAME --> comments in README.md are read at run time:
//   shell    CLI commands, run in a fresh temporary directory (their
//            relative --db is a throwaway database there), `./build/kanjian`
//            replaced by the binary under test, every argument kept;
//   serve    the serve command, its 127.0.0.1:8080 replaced by a free port;
//   js       the SDK snippet, run with node, its keys replaced by the ones
//            `account create` printed and its endpoint by that port: it must
//            find a dog;
//   usage    the CLI command that lists the metered calls: exactly the one
//            call the snippet made;
//   console  the paragraph naming the console's address: the user that the
//            shell block created signs in there, in Debian's Chromium.
// Nothing here mirrors the README's commands: change them there and this
// test runs the new text (and fails if it no longer works).
const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawn, spawnSync } = require("node:child_process");
const puppeteer = require("puppeteer-core");
const { BIN, REPO, freePort, sleep } = require("./harness");
const { httpGet } = require("./tc3");

const CHROMIUM = process.env.KANJIAN_CHROMIUM || "/usr/bin/chromium";
const README = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
const README_BIN = "./build/kanjian";
const README_LISTEN = "127.0.0.1:8080";

/** The text between <!-- quickstart:NAME --> and <!-- /quickstart:NAME -->. */
function section(name) {
  const m = README.match(new RegExp(`<!-- quickstart:${name} -->\\n([\\s\\S]*?)<!-- /quickstart:${name} -->`));
  assert.ok(m, `README.md has no <!-- quickstart:${name} --> … <!-- /quickstart:${name} --> section`);
  return m[1];
}

/** The body of the one fenced code block in a section. */
function codeBlock(name) {
  const m = section(name).match(/^```\w*\n([\s\S]*?)^```$/m);
  assert.ok(m, `README quickstart:${name} holds no fenced code block`);
  return m[1];
}

/**
 * Splits a shell line into words: single and double quotes, `|`, a comment
 * from a word-starting `#`; no expansions (the quick start uses none).
 */
function shellWords(line) {
  const words = [];
  let word = null;
  const end = () => { if (word !== null) { words.push(word); word = null; } };
  for (let i = 0; i < line.length;) {
    const c = line[i];
    if (/\s/.test(c)) { end(); i++; continue; }
    if (c === "#" && word === null) break;
    if (c === "|") { end(); words.push("|"); i++; continue; }
    if (c === "'") {
      const j = line.indexOf("'", i + 1);
      assert.ok(j > i, `unterminated quote: ${line}`);
      word = (word ?? "") + line.slice(i + 1, j);
      i = j + 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let text = "";
      while (j < line.length && line[j] !== '"') {
        if (line[j] === "\\") j++;
        text += line[j++];
      }
      assert.ok(j < line.length, `unterminated quote: ${line}`);
      word = (word ?? "") + text;
      i = j + 1;
      continue;
    }
    word = (word ?? "") + c;
    i++;
  }
  end();
  return words;
}

/**
 * A command line of the README: `./build/kanjian ARGS…`, optionally fed by
 * `echo 'TEXT' |`. Returns {args, input}; anything else fails the test.
 */
function parseCommand(line) {
  let words = shellWords(line);
  let input = null;
  const pipe = words.indexOf("|");
  if (pipe >= 0) {
    const feeder = words.slice(0, pipe);
    assert.ok(feeder[0] === "echo" && feeder.length === 2, `README: only "echo 'TEXT' |" may feed a command: ${line}`);
    input = `${feeder[1]}\n`;
    words = words.slice(pipe + 1);
  }
  assert.equal(words[0], README_BIN, `README quick start: a command that is not ${README_BIN}: ${line}`);
  return { args: words.slice(1), input, line };
}

function commandLines(block) {
  return block.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#")).map(parseCommand);
}

// A newcomer's environment: no master key or database chosen beforehand.
function newcomerEnv() {
  const env = { ...process.env };
  delete env.KANJIAN_MASTER_KEY;
  delete env.KANJIAN_DB;
  return env;
}

let dir, server, serverExit, port, browser;
const printed = {};  // what the quick start's commands printed

function run({ args, input, line }) {
  const r = spawnSync(BIN, args, { cwd: dir, env: newcomerEnv(), input: input ?? "", encoding: "utf8", timeout: 60000 });
  assert.equal(r.status, 0, `README command failed: ${line}\nexit=${r.status}\nstdout=${r.stdout}\nstderr=${r.stderr}`);
  return r;
}

before(async () => {
  assert.ok(fs.existsSync(BIN), `kanjian binary not found at ${BIN} (build it, or set KANJIAN_BIN)`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "kanjian-quickstart-"));
});

after(async () => {
  if (browser) await browser.close();
  if (server && !serverExit) {
    server.kill("SIGTERM");
    let timer;
    await Promise.race([new Promise((r) => server.once("exit", r)),
                        new Promise((r) => { timer = setTimeout(r, 30000); })]);
    clearTimeout(timer);
    if (!serverExit) server.kill("SIGKILL");
  }
  if (dir && !process.env.KANJIAN_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
});

test("the account, its activation and a console user, with the README's commands", () => {
  const commands = commandLines(codeBlock("shell"));
  assert.ok(commands.length >= 3, "the shell block creates an account, activates it and adds a console user");
  for (const c of commands) {
    const r = run(c);
    const create = c.args.indexOf("create");
    if (c.args[create - 1] === "account" && create > 0) {
      assert.ok(c.args.includes("--json"), `account create must print JSON in the quick start: ${c.line}`);
      const acc = JSON.parse(r.stdout);
      assert.match(acc.SecretId, /^AKID/, r.stdout);
      assert.ok(acc.SecretKey.length > 0 && acc.AccountId.startsWith("acc-"), r.stdout);
      printed.account = acc;
      printed.accountName = c.args[create + 1];
    }
    const add = c.args.indexOf("add");
    if (c.args[add - 1] === "user" && add > 0) {
      assert.ok(c.input, `user add reads its password on stdin: ${c.line}`);
      printed.login = c.args[add + 2];
      printed.password = c.input.replace(/\n$/, "");
    }
  }
  assert.ok(printed.account, "the shell block runs `account create … --json`");
  assert.ok(printed.login, "the shell block runs `user add ACCOUNT LOGIN`");
  // The database and the master key the README tells the reader to back up.
  assert.ok(fs.existsSync(path.join(dir, "kanjian.db.key")), "the master key was minted beside the database");
});

test("serve, as the README starts it, on a free port", async () => {
  const [serve] = commandLines(codeBlock("serve"));
  const listen = serve.args.indexOf(README_LISTEN);
  assert.ok(listen > 0, `the serve command listens on ${README_LISTEN}: ${serve.line}`);
  port = await freePort();
  const args = serve.args.slice();
  args[listen] = `127.0.0.1:${port}`;
  const log = fs.openSync(path.join(dir, "serve.log"), "a");
  server = spawn(BIN, args, { cwd: dir, env: newcomerEnv(), stdio: ["ignore", log, log] });
  fs.closeSync(log);
  server.on("exit", (code, signal) => { serverExit = { code, signal }; });
  const deadline = Date.now() + 60000;
  for (;;) {
    assert.ok(!serverExit, `serve exited: ${JSON.stringify(serverExit)}\n${fs.readFileSync(path.join(dir, "serve.log"), "utf8").slice(-2000)}`);
    try { if ((await httpGet(port, "/healthz", 2000)).status === 200) break; } catch { /* not yet */ }
    assert.ok(Date.now() < deadline, "/healthz did not answer 200 within 60 s");
    await sleep(100);
  }
});

test("the SDK snippet finds a dog with the printed keys", () => {
  let js = codeBlock("js");
  const replaceOnce = (re, by, what) => {
    assert.equal((js.match(new RegExp(re, "g")) || []).length, 1, `the snippet has exactly one ${what}`);
    js = js.replace(re, by);
  };
  replaceOnce(/secretId:\s*"[^"]*"/, `secretId: ${JSON.stringify(printed.account.SecretId)}`, "secretId");
  replaceOnce(/secretKey:\s*"[^"]*"/, `secretKey: ${JSON.stringify(printed.account.SecretKey)}`, "secretKey");
  replaceOnce(new RegExp(`"${README_LISTEN.replace(/\./g, "\\.")}"`), `"127.0.0.1:${port}"`, `endpoint ${README_LISTEN}`);
  const file = path.join(dir, "quickstart.js");
  fs.writeFileSync(file, js);
  // The reader ran `npm install tencentcloud-sdk-nodejs`; here the suite's own copy.
  const r = spawnSync(process.execPath, [file], {
    cwd: dir, encoding: "utf8", timeout: 60000,
    env: { ...process.env, NODE_PATH: path.join(__dirname, "node_modules") },
  });
  assert.equal(r.status, 0, `node quickstart.js: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /Name: 'dog'/, `the snippet found no dog:\n${r.stdout}\n${r.stderr}`);
  const id = r.stdout.match(/RequestId: '([0-9a-f-]+)'/);
  assert.ok(id, `no RequestId in the answer:\n${r.stdout}`);
  printed.requestId = id[1];
});

test("the call is metered once, paid by the free pack, as the README's usage command shows", () => {
  const [usage] = commandLines(codeBlock("usage"));
  assert.ok(usage.args.includes("--json"), `the usage command prints JSON: ${usage.line}`);
  const records = JSON.parse(run(usage).stdout).Records;
  assert.deepEqual(records.map((r) => [r.Action, r.RequestId, r.Quantity, r.Source]),
    [["DetectPet", printed.requestId, 1, "free"]], `usage list: ${JSON.stringify(records)}`);
});

test("the console user signs in where the README says", async () => {
  const text = section("console");
  const url = text.match(/<(http:\/\/[^>]+)>/);
  assert.ok(url, "the console paragraph names the console's address as <http://…>");
  assert.ok(url[1].includes(README_LISTEN), `the console address is on ${README_LISTEN}: ${url[1]}`);
  assert.ok(text.includes(`\`${printed.login}\``), `the console paragraph names the login \`${printed.login}\``);
  browser = await puppeteer.launch({
    executablePath: CHROMIUM, headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const page = await browser.newPage();
  await page.goto(url[1].replace(README_LISTEN, `127.0.0.1:${port}`), { waitUntil: "networkidle0" });
  await page.waitForSelector("#login-form");
  await page.type("#login", printed.login);
  await page.type("#password", printed.password);
  await page.click("#login-submit");
  await page.waitForSelector("#balance-total");
  assert.equal(await page.$eval("#status", (e) => e.textContent), "正常", "the activated account is in service");
});
