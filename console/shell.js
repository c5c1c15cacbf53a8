// What both consoles' shells share: the skip link, the menu that folds
// away on a phone, and the page heading.
import { h } from "./dom.js";

export function setUpChrome() {
  const main = document.getElementById("app");
  document.getElementById("skip").addEventListener("click", (ev) => {
    ev.preventDefault();
    main.focus();
  });
  const toggle = document.getElementById("menu-toggle");
  toggle.addEventListener("click", () => {
    const open = document.getElementById("top").classList.toggle("menu-open");
    toggle.setAttribute("aria-expanded", String(open));
  });
}

// Skip link, menu button and navigation in the current language; the menu
// folds again whenever a page is shown.
export function renderNav(t, items, current) {
  document.getElementById("skip").textContent = t("skip");
  const toggle = document.getElementById("menu-toggle");
  toggle.textContent = t("menu");
  toggle.hidden = items.length === 0;
  toggle.setAttribute("aria-expanded", "false");
  document.getElementById("top").classList.remove("menu-open");
  const nav = document.getElementById("nav");
  nav.setAttribute("aria-label", t("menu"));
  nav.replaceChildren(
    ...items.map(([p, label, extra]) =>
      h(
        "a",
        {
          href: `#/${p}`,
          id: `nav-${p}`,
          class: p === current ? "active" : null,
          "aria-current": p === current ? "page" : null,
        },
        label,
        extra ?? null,
      ),
    ),
  );
}

// The view's <h1> (hidden while the sign-in form, which has its own, shows).
export function setHeading(text) {
  const h1 = document.getElementById("page-title");
  h1.textContent = text ?? "";
  h1.hidden = !text;
}
