import { get, post } from "../api.js";
import { h, card, table, when } from "../dom.js";
import { t, fmt, errorText } from "../i18n.js";
import { confirmAction, copyText } from "../dialog.js";

// A SecretKey just made stays on screen (through other key actions and
// re-renders) until its owner dismisses it: it is never shown again.
let shown = null;

function secretBox(app, ctx) {
  const key = h("span", { id: "new-secret-key" }, shown.SecretKey);
  const status = h("span", { class: "muted", id: "copy-status", role: "status" });
  return h(
    "div",
    { class: "secret", id: "new-secret", role: "alert" },
    t("createdKey"),
    h("br"),
    "SecretId: ",
    h("span", { id: "new-secret-id" }, shown.SecretId),
    h("br"),
    "SecretKey: ",
    key,
    h("br"),
    h(
      "button",
      {
        type: "button",
        class: "primary",
        id: "new-secret-copy",
        onclick: async () => {
          status.textContent = (await copyText(`${shown.SecretKey}`, key)) ? ` ${t("copied")}` : "";
        },
      },
      t("copy"),
    ),
    " ",
    h(
      "button",
      {
        type: "button",
        class: "link",
        id: "new-secret-dismiss",
        onclick: () => {
          shown = null;
          render(app, ctx);
        },
      },
      t("dismiss"),
    ),
    status,
  );
}

export async function render(app, ctx, message = null) {
  const data = await get("keys");
  const asks = {
    create: () => ({ title: t("confirmTitleCreateKey"), consequence: t("createKeyConsequence") }),
    rotate: (id) => ({
      title: t("confirmTitleRotate"),
      consequence: fmt("rotateConsequence", { id }),
    }),
    disable: (id) => ({
      title: t("confirmTitleDisable"),
      consequence: fmt("disableConsequence", { id }),
    }),
    enable: (id) => ({
      title: t("confirmTitleEnable"),
      consequence: fmt("enableConsequence", { id }),
    }),
  };
  const act = async (verb, secretId) => {
    if (
      !(await confirmAction({
        ...asks[verb](secretId),
        rows: secretId ? [["SecretId", secretId]] : [],
      }))
    )
      return;
    try {
      const r = await post(`keys/${verb}`, secretId ? { SecretId: secretId } : {});
      if (r.SecretKey) shown = r;
      await render(app, ctx);
    } catch (e) {
      await render(app, ctx, e);
    }
  };
  app.replaceChildren(
    card(
      t("keys"),
      message
        ? h(
            "div",
            {
              class: "error",
              id: "keys-error",
              role: "alert",
              "data-code": message.code,
              title: message.message,
            },
            errorText(message),
          )
        : null,
      shown ? secretBox(app, ctx) : null,
      h(
        "div",
        { class: "toolbar" },
        h(
          "button",
          { class: "primary", type: "button", id: "create-key", onclick: () => act("create") },
          t("createKey"),
        ),
      ),
      table(
        [t("secretId"), t("status"), t("keyCreatedAt"), t("lastUsed"), ""],
        data.Keys.map((k) => [
          k.SecretId,
          k.Status === "enabled" ? t("enabled") : t("disabled"),
          when(k.CreatedAt),
          h(
            "span",
            { class: "last-used", "data-last-used": k.SecretId, "data-at": k.LastUsedAt ?? null },
            k.LastUsedAt ? when(k.LastUsedAt) : t("never"),
          ),
          h(
            "span",
            { "data-key": k.SecretId },
            h(
              "button",
              {
                class: "link",
                type: "button",
                "data-action": "rotate",
                onclick: () => act("rotate", k.SecretId),
              },
              t("rotate"),
            ),
            k.Status === "enabled"
              ? h(
                  "button",
                  {
                    class: "link",
                    type: "button",
                    "data-action": "disable",
                    onclick: () => act("disable", k.SecretId),
                  },
                  t("disable"),
                )
              : h(
                  "button",
                  {
                    class: "link",
                    type: "button",
                    "data-action": "enable",
                    onclick: () => act("enable", k.SecretId),
                  },
                  t("enable"),
                ),
          ),
        ]),
      ),
    ),
  );
}
