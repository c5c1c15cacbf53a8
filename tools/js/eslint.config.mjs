// ESLint for the web console's ES modules (console/), run from the
// repository root by scripts/lint_js.sh: the recommended rules, browser
// globals, and the newest syntax (i18n.js imports error_messages.json with
// an import attribute, `with { type: "json" }`).
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["console/**/*.js"],
    languageOptions: {
      ecmaVersion: "latest",
      sourceType: "module",
      globals: { ...globals.browser },
    },
  },
];
