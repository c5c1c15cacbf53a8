// Small pieces the operator pages share.
import { h } from "../../dom.js";
import { errorText as words } from "../../i18n.js";

// A message line: text starting with "!" is an error; data-code carries
// the error code so tests and people can read the rule by name, and the
// server's own message (with its figures) is the line's title.
export function message(id, text = "", code = "", detail = "") {
  return h("div", { id, role: "status", class: text.startsWith("!") ? "error" : "notice", "data-code": code || null, title: detail || null },
    text.replace(/^!/, ""));
}

// An error as message() takes it: "!" and the words for its code.
export function errorText(e) { return `!${words(e)}`; }

// The parsed JSON of the file chosen in <input type=file>.
export async function readJsonFile(input) {
  const file = input.files?.[0];
  if (!file) throw Object.assign(new Error("choose a JSON file"), { code: "MissingParameter" });
  try { return JSON.parse(await file.text()); } catch (e) {
    throw Object.assign(new Error(`${file.name} is not JSON: ${e.message}`), { code: "InvalidParameterValue" });
  }
}
