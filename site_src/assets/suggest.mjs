/*
 * Suggestions of libraries for a text field (the ARIA 1.2 combobox pattern): typing a name,
 * directory id, ISIL or OCLC symbol lists the matching libraries; the arrow keys move through
 * them, Enter or a click chooses one (the field then holds its directory id), Escape closes the
 * list. The field stays an ordinary text field: whatever is typed can still be sent as it is.
 *
 * The list is announced through the field itself (aria-activedescendant names the option in
 * view, so screen readers read it out as the arrow keys move) and its length through a
 * polite live region, which does not interrupt the typing.
 */

import { t } from "./i18n.mjs";
import { el } from "./ui.mjs";

const MAX_SHOWN = 8;
const TEXT = {
  count: t("{count} libraries match; use the up and down arrow keys to choose one."),
  one: t("1 library matches; press the down arrow key to choose it."),
  none: t("No library matches."),
  chosen: t("{name}, {country}"),
};

function fold(text) {
  // Case- and accent-insensitive matching: "malmo" finds "Malmö".
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

function say(template, values) {
  return template.replace(/\{([a-z]+)\}/g, (whole, name) => String(values[name]));
}

/** Every library as the suggestions search it. */
export function searchable(directory, countryName) {
  return [...directory.institutions.values()].map((institution) => {
    const identifiers = institution.identifiers;
    const isil = typeof identifiers.isil === "string" ? identifiers.isil : "";
    const oclc = typeof identifiers.oclc === "string" ? identifiers.oclc : "";
    return {
      id: institution.id, name: institution.name, country: countryName(institution.country), isil, oclc,
      words: fold([institution.name, institution.id, isil, oclc, isil && `ISIL:${isil}`, oclc && `OCLC:${oclc}`].join("\n")),
      name_folded: fold(institution.name),
      exact: [institution.id, isil, oclc, isil && `isil:${isil}`, oclc && `oclc:${oclc}`].filter(Boolean).map(fold),
    };
  }).sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
}

/** Libraries for `query`: an exact id or identifier first, then names starting with it, then the rest. */
export function matching(libraries, query, limit = MAX_SHOWN) {
  const terms = fold(query).split(/\s+/).filter(Boolean);
  if (terms.length === 0) return [];
  const whole = terms.join(" ");
  const exact = [];
  const prefix = [];
  const rest = [];
  for (const library of libraries) {
    if (!terms.every((term) => library.words.includes(term))) continue;
    if (library.exact.includes(whole)) exact.push(library);
    else if (library.name_folded.startsWith(whole)) prefix.push(library);
    else rest.push(library);
    if (exact.length >= limit) break;
  }
  return [...exact, ...prefix, ...rest].slice(0, limit);
}

let counter = 0;

export class Suggestions {
  /** `input` is the text field; `libraries` come from `searchable`; `onChoose` is told the id. */
  constructor(input, libraries, { onChoose = () => {}, exclude = () => false } = {}) {
    counter += 1;
    Object.assign(this, { input, libraries, onChoose, exclude, shown: [], active: -1 });
    this.list = el("ul", { id: `rs-suggest-${counter}`, role: "listbox", className: "rs-suggest", hidden: true,
      "aria-label": input.labels?.[0]?.textContent ?? "" });
    this.status = el("span", { className: "rs-visually-hidden", role: "status", "aria-live": "polite" });
    this.chosen = el("span", { className: "rs-chosen", id: `rs-suggest-${counter}-chosen` });
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.list.id);
    const describedBy = [input.getAttribute("aria-describedby"), this.chosen.id].filter(Boolean).join(" ");
    input.setAttribute("aria-describedby", describedBy);
    input.after(this.chosen, this.list, this.status);
    input.addEventListener("input", () => this.update());
    input.addEventListener("keydown", (event) => this.key(event));
    input.addEventListener("blur", () => setTimeout(() => this.close(), 0));
    this.list.addEventListener("mousedown", (event) => event.preventDefault());   // keep the focus in the field
    this.list.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]");
      if (option) this.choose(Number(option.dataset.index));
    });
    this.describe();
  }

  update() {
    this.shown = matching(this.libraries, this.input.value).filter((library) => !this.exclude(library.id));
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    this.list.replaceChildren(...this.shown.map((library, index) => el("li", {
      id: `${this.list.id}-${index}`, role: "option", "aria-selected": "false", "data-index": index,
      className: "rs-suggest__option",
    }, el("span", { className: "rs-suggest__name" }, library.name), " ",
    el("span", { className: "rs-suggest__meta" }, [library.id, library.isil && `ISIL ${library.isil}`,
      library.oclc && `OCLC ${library.oclc}`, library.country].filter(Boolean).join(" · ")))));
    const open = this.shown.length > 0 && this.input.value.trim() !== "";
    this.list.hidden = !open;
    this.input.setAttribute("aria-expanded", String(open));
    this.status.textContent = this.input.value.trim() === "" ? ""
      : this.shown.length === 0 ? TEXT.none : this.shown.length === 1 ? TEXT.one : say(TEXT.count, { count: this.shown.length });
    this.describe();
  }

  key(event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (this.list.hidden) this.update();
      if (this.shown.length === 0) return;
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.highlight((this.active + step + this.shown.length) % this.shown.length);
    } else if (event.key === "Enter" && !this.list.hidden && this.active >= 0) {
      event.preventDefault();      // choosing a library does not send the form
      this.choose(this.active);
    } else if (event.key === "Escape" && !this.list.hidden) {
      event.preventDefault();
      this.close();
    }
  }

  highlight(index) {
    this.active = index;
    for (const option of this.list.children) option.setAttribute("aria-selected", String(Number(option.dataset.index) === index));
    const option = this.list.children[index];
    this.input.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  }

  choose(index) {
    const library = this.shown[index];
    this.input.value = library.id;
    this.close();
    this.describe();
    this.onChoose(library.id);
  }

  close() {
    this.list.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }

  /** Names the library the field holds, if it holds a directory id. */
  describe() {
    const library = this.libraries.find((candidate) => candidate.id === this.input.value.trim());
    this.chosen.textContent = library ? say(TEXT.chosen, library) : "";
  }
}
