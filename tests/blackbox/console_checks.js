"use strict";
// Checks the console browser tests run on every view: axe-core (pinned in
// package.json) for accessibility, and the widest element against the
// viewport for phones.
const fs = require("node:fs");

const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

// axe-core's serious and critical violations on the page as it stands:
// [{id, impact, nodes: [selector…]}]. Injected through the DevTools
// protocol, so the page's CSP (script-src 'self') stays as served.
async function axeViolations(page) {
  if (!await page.evaluate(() => typeof window.axe === "object")) await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")) }));
  });
  return result.filter((v) => v.impact === "serious" || v.impact === "critical");
}

// How much wider than the viewport the page is (0 when it fits), and the
// widest elements when it does not.
async function overflow(page) {
  return page.evaluate(() => {
    const over = document.documentElement.scrollWidth - window.innerWidth;
    const wide = over <= 0 ? [] : [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
      .slice(0, 5).map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ""}.${e.className}`);
    return { over: Math.max(0, over), scrollWidth: document.documentElement.scrollWidth, wide };
  });
}

module.exports = { axeViolations, overflow };
