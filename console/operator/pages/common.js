// Small pieces the operator pages share.
import { h } from "../../dom.js";

// A message line: text starting with "!" is an error; data-code carries
// the error code so tests and people can read the rule by name.
export function message(id, text = "", code = "") {
  return h("div", { id, class: text.startsWith("!") ? "error" : "notice", "data-code": code || null }, text.replace(/^!/, ""));
}

export function errorText(e) { return `!${e.code}: ${e.message}`; }

// The parsed JSON of the file chosen in <input type=file>.
export async function readJsonFile(input) {
  const file = input.files?.[0];
  if (!file) throw Object.assign(new Error("choose a JSON file"), { code: "MissingParameter" });
  try { return JSON.parse(await file.text()); } catch (e) {
    throw Object.assign(new Error(`${file.name} is not JSON: ${e.message}`), { code: "InvalidParameterValue" });
  }
}

