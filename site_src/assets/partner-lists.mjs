/*
 * The partner lists of an institution page, by name. The page carries each list's heading with
 * its count, in the page's language; the lists themselves are the same in every language, so
 * they are not written into every copy of every page (at 10,000 institutions in four languages
 * they were most of the site's bytes). The ids come from the profile's feed file (`derived`), the
 * names from the directory's index, which the directory page and the editor read too, so the
 * browser usually has it already. Names are record text: they go in through textContent only.
 */

import { t } from "./i18n.mjs";
import { SITE_ROOT, el } from "./ui.mjs";

const TEXT = {
  loading: t("Loading the names of the partners…"),
  failed: t("The names of the partners could not be loaded. Reload the page; this profile as JSON lists their directory ids."),
};

async function fetchJson(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`${url} could not be loaded (HTTP ${response.status})`);
  return response.json();
}

/** Directory id → name, from assets/directory-index.json (builder/site/directory_index.py). */
async function loadNames() {
  const index = await fetchJson(new URL("assets/directory-index.json", SITE_ROOT));
  return new Map(index.institutions.map((entry) => [entry.i, entry.n]));
}

async function fillLists(root) {
  const status = root.querySelector(".rs-partners__status");
  status.textContent = TEXT.loading;
  try {
    const id = encodeURIComponent(root.dataset.institution);
    const [profile, names] = await Promise.all([fetchJson(new URL(`feed/v1/institutions/${id}.json`, SITE_ROOT)), loadNames()]);
    for (const list of root.querySelectorAll("[data-partners]")) {
      // The same ids the page counted: those of institutions in the directory, in the feed's order.
      const partners = (profile.derived[list.dataset.partners] ?? []).filter((partner) => names.has(partner));
      // Institution pages are siblings in every language's folder.
      list.replaceChildren(...partners.map((partner) =>
        el("li", {}, el("a", { href: `../${encodeURIComponent(partner)}/` }, names.get(partner)))));
    }
    status.textContent = "";
  } catch {
    status.textContent = TEXT.failed;
  }
}

for (const root of document.querySelectorAll("[data-module=rs-partners]")) {
  if (root.querySelector("[data-partners]")) fillLists(root);
}
