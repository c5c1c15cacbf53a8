// Small pieces the operator pages share.
import { h } from "../../dom.js";
import { errorText as words } from "../../i18n.js";

// A message line: text starting with "!" is an error; data-code carries
// the error code so tests and people can read the rule by name, and the
// server's own message (with its figures) is the line's title.
export function message(id, text = "", code = "", detail = "") {
  return h(
    "div",
    {
      id,
      role: "status",
      class: text.startsWith("!") ? "error" : "notice",
      "data-code": code || null,
      title: detail || null,
    },
    text.replace(/^!/, ""),
  );
}

// The parameters after "?" in the page's hash (#/settlement?month=…), so a
// link can open a page at one month, bill or account.
export function hashParams() {
  const hash = location.hash;
  const at = hash.indexOf("?");
  return new URLSearchParams(at < 0 ? "" : hash.slice(at + 1));
}

// An error as message() takes it: "!" and the words for its code.
export function errorText(e) {
  return `!${words(e)}`;
}

// The parsed JSON of the file chosen in <input type=file>.
export async function readJsonFile(input) {
  const file = input.files?.[0];
  if (!file) throw Object.assign(new Error("choose a JSON file"), { code: "MissingParameter" });
  try {
    return JSON.parse(await file.text());
  } catch (e) {
    throw Object.assign(new Error(`${file.name} is not JSON: ${e.message}`), {
      code: "InvalidParameterValue",
    });
  }
}

// A catalog document edited in the page: a JSON text area started from
// `start` (the version in force), checked as it is typed, and a file input
// that loads a file into it. `read()` gives the parsed document or throws
// the problem with an error code.
export function draftEditor(prefix, start, t) {
  const area = h("textarea", {
    id: `${prefix}-json`,
    class: "json-editor",
    rows: 14,
    spellcheck: "false",
    "aria-describedby": `${prefix}-json-check`,
  });
  area.value = start ? JSON.stringify(start, null, 2) : "";
  const check = h("div", { id: `${prefix}-json-check`, class: "muted", role: "status" });
  const file = h("input", { type: "file", id: `${prefix}-file`, accept: "application/json,.json" });
  const problem = (text) => {
    try {
      const doc = JSON.parse(text);
      for (const field of ["version", "effective_from"])
        if (typeof doc?.[field] !== "string")
          return [t("fieldMissing").replace("{field}", field), null];
      return ["", doc];
    } catch (e) {
      return [t("jsonInvalid").replace("{msg}", e.message), null];
    }
  };
  const validate = () => {
    const [p] = problem(area.value);
    area.setAttribute("aria-invalid", p ? "true" : "false");
    check.className = p ? "error" : "muted";
    check.textContent = p || t("jsonOk");
  };
  const loadFile = async () => {
    if (!file.files?.length) return;
    area.value = JSON.stringify(await readJsonFile(file), null, 2);
    file.value = "";
    validate();
  };
  area.addEventListener("input", validate);
  file.addEventListener("change", () =>
    loadFile().catch((e) => {
      check.className = "error";
      check.textContent = e.message;
    }),
  );
  validate();
  return {
    fields: [
      h("label", { for: `${prefix}-json` }, t("draftEditor")),
      area,
      check,
      h("label", { for: `${prefix}-file` }, t("loadFile")),
      file,
    ],
    async read() {
      await loadFile(); // a file chosen just before submitting
      const [p, doc] = problem(area.value);
      if (p) throw Object.assign(new Error(p), { code: "InvalidParameterValue" });
      return doc;
    },
  };
}
