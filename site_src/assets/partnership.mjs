/*
 * "Can my library request from here?" on every institution page: the reader chooses their own
 * library and sees both directions of `rsdir partners ID OTHER`, with the reason for each, and a
 * link to /check/ with both libraries filled in.
 *
 * The page carries only the heading and a sentence; the form is built here, and the directory is
 * downloaded only when the reader starts to use it, so that reading a profile costs nothing more.
 */

import { Suggestions, searchable } from "./suggest.mjs";
import { t } from "./i18n.mjs";
import { PAGES_ROOT, TEXT as SHARED, channelDetails, el, fill, loadEngine, message } from "./ui.mjs";

const TEXT = {
  label: t("Your library"),
  hint: t("Its name, directory id, ISIL or OCLC symbol"),
  show: t("Show the partnership"),
  ready: t("Type your library and choose it from the list."),
  toHere: t("{other} → {me}: requests from your library to this one"),
  fromHere: t("{me} → {other}: requests from this library to yours"),
  yes: t("Yes: requests can be sent by {channel}."),
  no: t("No."),
  notMutual: t("They are not mutual partners, so no requests flow either way."),
  waitingOnThem: t("{me} lists {other} as a partner and waits for {other} to list it back."),
  waitingOnUs: t("{other} lists {me} as a partner; {me} has not listed it back."),
  check: t("Check a request from {other} to {me}"),
  answered: t("Shown: the partnership of {other} with {me}."),
  empty: t("Type your library first."),
};

class PartnershipBox {
  constructor(root) {
    this.root = root;
    this.me = root.dataset.institution;
    this.started = null;
    this.input = el("input", { type: "text", id: "rs-pair-other", name: "other", autocomplete: "off", spellcheck: "false",
      "aria-describedby": "rs-pair-hint" });
    this.form = el("form", { className: "rs-pair__form", novalidate: true },
      el("div", { className: "rs-field" }, el("label", { for: "rs-pair-other" }, TEXT.label),
        el("span", { className: "rs-hint", id: "rs-pair-hint" }, TEXT.hint), this.input),
      el("button", { type: "submit", className: "md-button" }, TEXT.show));
    this.status = el("p", { className: "rs-pair__status", role: "status", "aria-live": "polite" });
    this.result = el("div", { className: "rs-pair__answer", id: "rs-pair-answer", tabindex: "-1" });
    root.append(this.form, this.status, this.result);
    this.input.addEventListener("focus", () => this.start(), { once: true });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.start().then(() => this.answer());
    });
  }

  /** Loads the directory on first use; the suggestions come once it is there. */
  start() {
    if (this.started === null) {
      this.status.textContent = SHARED.loading;
      this.started = loadEngine().then((engine) => {
        this.engine = engine;
        const { directory, lang, words } = engine;
        const countries = new Intl.DisplayNames([lang], { type: "region" });
        new Suggestions(this.input, searchable(directory, (code) => words.countries[code] ?? countries.of(code) ?? code), {
          exclude: (id) => id === this.me,
          onChoose: () => this.answer(),
        });
        this.status.textContent = TEXT.ready;
      }).catch(() => {
        this.status.textContent = SHARED.loadFailed;
        this.engine = null;
      });
    }
    return this.started;
  }

  name(id) {
    return this.engine.directory.institutions.get(id)?.name ?? id;
  }

  direction(title, direction) {
    const { words } = this.engine;
    const parts = [el("h4", {}, title)];
    if (direction.ok) {
      parts.push(el("p", { className: "rs-verdict rs-verdict--accept" },
        fill(TEXT.yes, { channel: words.channels[direction.channel.method] ?? direction.channel.method })),
      channelDetails(words, direction.channel));
    } else {
      parts.push(el("p", { className: "rs-verdict rs-verdict--unfilled" }, el("strong", {}, TEXT.no), " ", direction.message,
        " ", el("span", { className: "rs-meta" }, "(", el("code", {}, direction.rule), ")")));
    }
    return parts;
  }

  answer() {
    if (!this.engine) return;
    const typed = this.input.value.trim();
    if (typed === "") {
      this.status.textContent = TEXT.empty;
      return;
    }
    const { decide, directory, lang } = this.engine;
    let entry;
    try {
      entry = decide.partners(directory, this.me, typed, { lang });
    } catch (error) {
      this.result.replaceChildren(el("p", { className: "rs-error" }, message(error.message)));
      this.status.textContent = error.message;
      return;
    }
    const other = directory.resolve(typed).id;
    const names = { me: this.name(this.me), other: this.name(other) };
    const parts = [];
    if (entry.mutual.length) {
      const [pair] = entry.mutual;
      parts.push(...this.direction(fill(TEXT.toHere, names), pair.lend), ...this.direction(fill(TEXT.fromHere, names), pair.borrow));
    } else {
      parts.push(el("p", { className: "rs-verdict rs-verdict--unfilled" }, el("strong", {}, TEXT.notMutual), " ", entry.not_mutual.message));
      if (entry.waiting_on_them.length) parts.push(el("p", {}, fill(TEXT.waitingOnThem, names)));
      if (entry.waiting_on_us.length) parts.push(el("p", {}, fill(TEXT.waitingOnUs, names)));
    }
    const check = new URL("check/", PAGES_ROOT);
    check.search = new URLSearchParams({ borrower: other, lender: this.me }).toString();
    parts.push(el("p", {}, el("a", { href: check.href }, fill(TEXT.check, names))));
    this.result.replaceChildren(...parts);
    this.status.textContent = fill(TEXT.answered, names);
  }
}

for (const root of document.querySelectorAll("[data-module=rs-partnership]")) new PartnershipBox(root);
