// Alerts (提醒): the notices sent by e-mail and/or a signed webhook when
// the tenant is not looking at the console (docs/tenants/alerts.md), and
// the log of their deliveries. A section of the Notices page.
import { get, post } from "../api.js";
import { h, card, table, when } from "../dom.js";
import { t, errorText } from "../i18n.js";

// A delivery's notice: its kind, and the subject and threshold its key
// (KIND|SUBJECT|PERCENT|MONTH) names.
function noticeOf(d) {
  const [, subject, percent] = d.NoticeKey.split("|");
  return [t(`kind_${d.Kind}`), subject, percent !== "0" ? `${percent}%` : ""]
    .filter(Boolean)
    .join(" ");
}

export async function renderAlerts(rerender, message = null) {
  const a = await get("alerts");
  const sub = a.Subscription ?? {
    Email: "",
    WebhookUrl: "",
    Kinds: [],
    Language: "en",
    Secret: "",
  };
  const email = h("input", {
    id: "alert-email",
    type: "email",
    autocomplete: "email",
    value: sub.Email,
  });
  const webhook = h("input", {
    id: "alert-webhook",
    type: "url",
    placeholder: "https://",
    value: sub.WebhookUrl,
  });
  const language = h(
    "select",
    { id: "alert-language" },
    ["zh-CN", "en"].map((l) =>
      h("option", { value: l, selected: sub.Language === l }, l === "en" ? "English" : "中文"),
    ),
  );
  const boxes = a.Kinds.map((k) =>
    h("input", {
      type: "checkbox",
      id: `alert-kind-${k}`,
      value: k,
      checked: sub.Kinds.length === 0 || sub.Kinds.includes(k),
    }),
  );
  const save = async (newSecret) => {
    const kinds = boxes.filter((b) => b.checked).map((b) => b.value);
    try {
      await post("alerts", {
        Email: email.value.trim(),
        WebhookUrl: webhook.value.trim(),
        Language: language.value,
        Kinds: kinds.length === boxes.length ? [] : kinds,
        NewSecret: newSecret,
      });
      await rerender({ text: t("saved") });
    } catch (e) {
      await rerender({ error: true, text: errorText(e), code: e.code });
    }
  };
  const rows = a.Deliveries.map((d) => [
    when(d.CreatedAt),
    t(`channel_${d.Channel}`),
    noticeOf(d),
    d.Target,
    h(
      "span",
      { class: `delivery-${d.Status}`, "data-status": d.Status },
      t(`delivery_${d.Status}`),
    ),
    String(d.Attempts),
    d.Log.length ? d.Log[d.Log.length - 1].Result : "",
    d.NextAttemptAt ? when(d.NextAttemptAt) : "",
  ]);
  return card(
    t("alerts"),
    message
      ? h(
          "div",
          {
            id: "alert-message",
            role: "status",
            class: message.error ? "error" : "notice",
            "data-code": message.code ?? null,
          },
          message.text,
        )
      : "",
    h("p", { class: "muted" }, t("alertsHelp")),
    h("div", { class: "toolbar" }, h("label", { for: "alert-email" }, t("alertEmail")), email),
    h(
      "div",
      { class: "toolbar" },
      h("label", { for: "alert-webhook" }, t("alertWebhook")),
      webhook,
    ),
    h(
      "div",
      { class: "toolbar" },
      h("label", { for: "alert-language" }, t("alertLanguage")),
      language,
    ),
    h(
      "fieldset",
      { id: "alert-kinds" },
      h("legend", {}, t("alertKinds")),
      boxes.map((b) => h("label", { for: b.id }, b, " ", t(`kind_${b.value}`), " ")),
    ),
    sub.Secret
      ? h("p", {}, `${t("alertSecret")}: `, h("code", { id: "alert-secret" }, sub.Secret))
      : "",
    h(
      "div",
      { class: "toolbar" },
      h(
        "button",
        { class: "primary", type: "button", id: "alert-save", onclick: () => save(false) },
        t("save"),
      ),
      sub.Secret
        ? h(
            "button",
            { class: "link", type: "button", id: "alert-new-secret", onclick: () => save(true) },
            t("alertNewSecret"),
          )
        : "",
    ),
    h("h3", {}, t("alertLog")),
    rows.length === 0
      ? h("p", { class: "muted", id: "no-deliveries" }, t("alertNoDeliveries"))
      : table(
          [
            t("time"),
            t("alertChannel"),
            t("alertNotice"),
            t("alertTarget"),
            t("alertStatus"),
            t("alertAttempts"),
            t("alertResult"),
            t("alertNextRetry"),
          ],
          rows,
          [5],
          { id: "alert-log" },
        ),
  );
}
