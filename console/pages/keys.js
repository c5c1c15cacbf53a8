import { get, post } from "../api.js";
import { h, card, table } from "../dom.js";
import { t } from "../i18n.js";

export async function render(app, ctx, shown = null, message = "") {
  const data = await get("keys");
  const act = async (verb, secretId) => {
    try {
      const r = await post(`keys/${verb}`, secretId ? { SecretId: secretId } : {});
      await render(app, ctx, r.SecretKey ? r : null);
    } catch (e) { await render(app, ctx, null, `${e.code}: ${e.message}`); }
  };
  app.replaceChildren(card(t("keys"),
    message ? h("div", { class: "error", id: "keys-error" }, message) : null,
    shown ? h("div", { class: "secret", id: "new-secret" }, t("createdKey"), h("br"),
      `SecretId: `, h("span", { id: "new-secret-id" }, shown.SecretId), h("br"),
      `SecretKey: `, h("span", { id: "new-secret-key" }, shown.SecretKey)) : null,
    h("div", { class: "toolbar" }, h("button", { class: "primary", type: "button", id: "create-key", onclick: () => act("create") }, t("createKey"))),
    table([t("secretId"), t("status"), t("createdAt"), t("lastUsed"), ""],
      data.Keys.map((k) => [k.SecretId, k.Status === "enabled" ? t("enabled") : t("disabled"), k.CreatedAt,
        h("span", { class: "last-used", "data-last-used": k.SecretId }, k.LastUsedAt ?? t("never")),
        h("span", { "data-key": k.SecretId },
          h("button", { class: "link", type: "button", "data-action": "rotate", onclick: () => act("rotate", k.SecretId) }, t("rotate")),
          k.Status === "enabled"
            ? h("button", { class: "link", type: "button", "data-action": "disable", onclick: () => act("disable", k.SecretId) }, t("disable"))
            : h("button", { class: "link", type: "button", "data-action": "enable", onclick: () => act("enable", k.SecretId) }, t("enable")))]))));
}
