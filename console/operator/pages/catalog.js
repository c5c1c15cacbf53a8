// Catalog: versions (the one in force marked), publishing a new one edited
// in the page (started from the version in force) or loaded from a file;
// the engine enforces the 30-day notice rule and names it when it refuses;
// the change notices publications sent.
import { get, post } from "../api.js";
import { h, card, table, when } from "../../dom.js";
import { confirmAction } from "../../dialog.js";
import { t } from "../i18n.js";
import { message, errorText, draftEditor } from "./common.js";

export async function render(app, note = "", code = "", detail = "") {
  const data = await get("catalog");
  const editor = draftEditor("catalog", data.InForceDocument, t);
  const form = h(
    "form",
    { class: "editor", id: "catalog-form" },
    editor.fields,
    h(
      "div",
      {},
      h("button", { class: "primary", type: "submit", id: "catalog-publish" }, t("publish")),
    ),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const doc = await editor.read();
      if (
        !(await confirmAction({
          t,
          title: t("confirmPublish"),
          ok: t("publish"),
          consequence: t("publishConsequence"),
          rows: [
            [t("version"), String(doc.version ?? "")],
            [t("effectiveFrom"), when(doc.effective_from)],
          ],
        }))
      )
        return;
      const r = await post("catalog/publish", { Document: doc });
      await render(app, `${t("published")}: ${r.Published.join(", ")}`);
    } catch (e) {
      await render(app, errorText(e), e.code, e.message);
    }
  });
  app.replaceChildren(
    message("catalog-message", note, code, detail),
    card(
      t("catalog"),
      form,
      table(
        [t("version"), t("effectiveFrom"), t("publishedAt"), t("status")],
        data.Versions.map((v) => [
          v.Version,
          when(v.EffectiveFrom),
          v.PublishedAt ? when(v.PublishedAt) : t("bundled"),
          v.InForce ? h("span", { class: "badge ok", id: "in-force" }, t("inForce")) : "",
        ]),
      ),
    ),
    card(
      t("notices"),
      data.Notices.length === 0
        ? h("p", { class: "muted" }, t("none"))
        : h(
            "div",
            { id: "notices" },
            table(
              [t("at"), t("message"), t("noticeAccounts")],
              data.Notices.map((n) => [when(n.At), n.Message, n.Accounts]),
              [2],
            ),
          ),
    ),
  );
}
