"use strict";
// One signed DetectPet call through the official SDK (dog.jpg) against a
// server that is already running; prints {"RequestId","Pets"} on stdout.
// Used by scripts/test_package.sh on the installed package, so it needs
// neither the build tree's binary nor a sandbox.
//   node detect_pet_once.js PORT SECRET_ID SECRET_KEY
const { sdkClient, dogB64 } = require("./harness");

async function main() {
  const [port, secretId, secretKey] = process.argv.slice(2);
  if (!port || !secretId || !secretKey) throw new Error("usage: detect_pet_once.js PORT SECRET_ID SECRET_KEY");
  const res = await sdkClient(Number(port), secretId, secretKey).DetectPet({ ImageBase64: dogB64() });
  process.stdout.write(JSON.stringify({ RequestId: res.RequestId, Pets: res.Pets }) + "\n");
}

main().catch((e) => {
  console.error(`DetectPet failed: ${e.code || ""} ${e.message}`);
  process.exit(1);
});
