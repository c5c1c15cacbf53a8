// The operator log: every state-changing action taken here, who and when.
import { get } from "../api.js";
import { h, card, table, when } from "../../dom.js";
import { t } from "../i18n.js";

export async function render(app) {
  const data = await get("log");
  app.replaceChildren(
    card(
      t("log"),
      table(
        [t("at"), t("who"), t("what"), t("target"), t("detail"), t("outcome")],
        data.Actions.map((a) => [
          when(a.At),
          a.Login,
          h("span", { "data-log-action": a.Action }, a.Action),
          a.Target,
          h("pre", { class: "detail" }, a.Detail),
          h("span", { class: a.Outcome === "OK" ? "notice" : "error" }, a.Outcome),
        ]),
      ),
    ),
  );
}
