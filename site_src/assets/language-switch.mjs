/*
 * The language switch in the header (overrides/partials/alternate.html). Its links lead to this
 * page in the other languages; here they also take the page's query and fragment along, so that
 * a request on /check/ or a search on the directory page survives the switch. The list closes on
 * Escape, giving the focus back to its button, and on a click elsewhere.
 */

for (const root of document.querySelectorAll("[data-module=rs-language]")) {
  const details = root.querySelector("details");
  const summary = details.querySelector("summary");
  const links = [...root.querySelectorAll("a[hreflang]")].map((link) => [link, link.getAttribute("href")]);

  // The query can change after the page has loaded (the check page keeps its request there), so
  // the links are brought up to date when the list opens and when one is followed.
  const follow = () => {
    for (const [link, href] of links) {
      const target = new URL(href, location.href);
      target.search = location.search;
      target.hash = location.hash;
      link.href = target.href;
    }
  };
  details.addEventListener("toggle", follow);
  root.addEventListener("click", follow, true);

  details.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && details.open) {
      details.open = false;
      summary.focus();
    }
  });
  document.addEventListener("click", (event) => {
    if (details.open && !details.contains(event.target)) details.open = false;
  });
}
