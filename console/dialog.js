// Modal dialogs (<dialog>, so focus stays inside and Escape cancels):
// the confirmation every money or credential action asks for, shared by the
// tenant and the operator console.
import { h } from "./dom.js";
import { t as sharedT } from "./i18n.js";

// Asks before acting: `rows` are [label, value] pairs (price, payment
// source, refund terms…), `consequence` says what happens. Resolves true
// on Confirm, false on Cancel or Escape; nothing is sent before that.
export function confirmAction({ title, rows = [], consequence = "", ok, t = sharedT }) {
  return new Promise((resolve) => {
    const dlg = h(
      "dialog",
      { id: "confirm-dialog", class: "dialog", "aria-labelledby": "confirm-title" },
      h("h2", { id: "confirm-title" }, title),
      rows.length
        ? h(
            "dl",
            { class: "confirm-rows" },
            rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
          )
        : null,
      consequence ? h("p", { id: "confirm-consequence" }, consequence) : null,
      h(
        "div",
        { class: "dialog-buttons" },
        h(
          "button",
          { type: "button", id: "confirm-cancel", onclick: () => dlg.close("cancel") },
          t("cancel"),
        ),
        h(
          "button",
          { type: "button", class: "primary", id: "confirm-ok", onclick: () => dlg.close("ok") },
          ok ?? t("confirm"),
        ),
      ),
    );
    dlg.addEventListener("close", () => {
      dlg.remove();
      resolve(dlg.returnValue === "ok");
    });
    document.body.append(dlg);
    dlg.showModal();
    dlg.querySelector("#confirm-cancel").focus(); // the safe choice has the focus
  });
}

// Copies text to the clipboard; a page on plain HTTP from another host has
// no Clipboard API, so the text is selected for Ctrl+C instead.
export async function copyText(text, select) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const range = document.createRange();
    range.selectNodeContents(select);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    return false;
  }
}
