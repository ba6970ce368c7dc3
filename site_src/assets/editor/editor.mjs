/*
 * The profile editor page (/edit/, /edit/?id=<id>): loads the schema, the editor's rules, the
 * feed's compact file (the directory the request check reads too), the site's sentences and,
 * to edit a profile, its feed file; builds the form; after every change
 * checks the profile, puts each message beside its field and in the summary, and shows the file
 * in #rs-editor-yaml once nothing stops it. Download, copy and "Propose on GitHub" hand the file
 * on; nothing is sent anywhere else.
 *
 * Started from the element with data-module="rs-editor". Everything from the feed is record
 * text from strangers: it reaches the page through `value` and `textContent` only.
 */
import { today } from "../engine/days.mjs";
import { say, speaking } from "../engine/messages.mjs";
import { fill, nt, t } from "../i18n.mjs";
import { LANG } from "../ui.mjs";
import { directoryFromCompact } from "./directory-data.mjs";
import { ProfileForm } from "./form.mjs";
import { checkProfile, recordPath } from "./profile-check.mjs";

const SITE = new URL("../../", import.meta.url);
// The branch the site is published from (.github/workflows/publish.yml): proposals start there.
const BRANCH = "main";
// GitHub answers a longer address with an error; a file that makes the link longer is copied instead.
const LONGEST_LINK = 8000;
const ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const ANNOUNCE_AFTER_MS = 600;
const SEVERITY_WORDS = { error: "{where}: {message}", warning: t("Warning: {where}: {message}"),
  notice: t("Note: {where}: {message}") };

/* A field's label as the summary names it: without its "(optional)". */
function withoutOptional(label) {
  const copy = label.cloneNode(true);
  for (const mark of copy.querySelectorAll(".rs-optional")) mark.remove();
  return copy.textContent.trim();
}

/* The schema as the form shows it, in the page's language: its titles (the labels) and
 * descriptions (the hints) from the site's catalog, the plain words beside its codes (the
 * choices) from the engine's (`code_words`). The checks keep the schema as published, so that
 * they word their messages as `rsdir validate` does. */
function inPageLanguage(node, codeWords) {
  if (Array.isArray(node)) return node.map((value) => inPageLanguage(value, codeWords));
  if (node === null || typeof node !== "object") return node;
  const shown = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, inPageLanguage(value, codeWords)]));
  for (const key of ["title", "description"]) if (typeof node[key] === "string") shown[key] = t(node[key]);
  if (Array.isArray(node.enum) && Array.isArray(node.enumDescriptions)) {
    shown.enumDescriptions = node.enumDescriptions.map((words, index) => {
      const key = `${node.enum[index]}\u0004${words}`;
      return Object.hasOwn(codeWords, key) ? codeWords[key] : words;
    });
  }
  return shown;
}

async function fetchJson(path) {
  const response = await fetch(new URL(path, SITE), { credentials: "same-origin" });
  if (!response.ok) {
    const error = new Error(`HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return response.json();
}

function element(tag, attributes = {}, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function newProfile() {
  return {
    status: "active",
    maintainers: [""],
    contacts: [{ role: "lending" }],
    request_channels: [{ method: "email" }],
  };
}

/* Suggestions for the fields that pick from a long list, and the names shown beside codes. */
function pickerLists(schema, compact, words, rules) {
  const countries = Object.entries(words.countries).map(([value, label]) => ({ value, label }));
  let currencyName = (code) => code;
  try {
    const names = new Intl.DisplayNames([LANG], { type: "currency" });
    currencyName = (code) => names.of(code) || code;
  } catch (error) {
    // A browser without Intl.DisplayNames shows the codes alone.
  }
  const currencies = schema.$defs.currency.enum.map((value) => ({ value, label: currencyName(value) }));
  const institutions = compact.institutions.map((entry) => ({ value: entry.i, label: entry.n }));
  const pods = compact.pods.map(([value, label]) => ({ value, label }));
  return {
    lists: {
      countries, currencies, institutions, pods,
      "lends-to": [{ value: "*", label: t("Every country") }, ...countries],
      zones: rules.time_zones.map((value) => ({ value, label: value })),
      partners: [...institutions, ...pods.map(({ value, label }) => ({ value: `pod:${value}`, label: fill(t("Pod: {pod}"), { pod: label }) }))],
    },
    labels: {
      country: words.countries,
      currency: Object.fromEntries(currencies.map(({ value, label }) => [value, label])),
    },
  };
}

function datalists(lists) {
  return Object.entries(lists).map(([name, options]) => {
    const list = element("datalist", { id: `rs-list-${name}` });
    for (const { value, label } of options) {
      const option = document.createElement("option");
      option.value = value;
      if (label !== value) option.label = label;
      list.append(option);
    }
    return list;
  });
}

/* `rsdir validate` names all the missing fields of a mapping in one message at the mapping; the
 * form says the same of each missing field beside the field itself, in the page's language
 * (`words`: the engine's sentences). */
function eachMissingField(problem, words) {
  if (problem.code !== "schema-required") return [problem];
  return problem.missing.map((name) => ({ ...problem, path: [...problem.path, name],
    message: speaking(words, () => say("schema.required", { names: `\`${name}\``, count: 1 })) }));
}

/* Problems in the order their fields come in the form (those without a field first). */
function inFormOrder(problems) {
  const place = (problem) => (problem.target ? document.getElementById(problem.target) : null);
  return [...problems].sort((a, b) => {
    const first = place(a), second = place(b);
    if (!first || !second) return (first ? 1 : 0) - (second ? 1 : 0);
    if (first === second) return 0;
    return first.compareDocumentPosition(second) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
  });
}

function errorCount(problems) {
  return problems.filter((problem) => problem.severity === "error").length;
}

class Editor {
  constructor(root) {
    this.root = root;
    this.status = root.querySelector("#rs-editor-status");
    this.announcer = root.querySelector("#rs-editor-announce");
    this.summary = root.querySelector("#rs-editor-summary");
    this.yaml = root.querySelector("#rs-editor-yaml");
    this.path = root.querySelector("#rs-editor-path");
    this.fileNote = root.querySelector("#rs-editor-file-note");
    this.actionStatus = root.querySelector("#rs-editor-action-status");
    this.repoUrl = (root.dataset.repoUrl || "").replace(/\/+$/, "");
    this.original = null;
    this.result = { problems: [], file: null };
    this.lastCount = null;
    this.timer = null;
  }

  async start() {
    const wanted = new URLSearchParams(location.search).get("id");
    let schema, rules, compact, words, record = newProfile();
    try {
      [schema, rules, compact, words] = await Promise.all([
        fetchJson("schema/institution.schema.json"), fetchJson("assets/editor-rules.json"),
        fetchJson("feed/v1/compact.json"), fetchJson(`assets/messages/${LANG}.json`)]);
    } catch (error) {
      this.status.textContent = t("The editor could not load what it needs. Reload the page; if it happens again, "
        + "write the profile as the guide to joining describes.");
      return;
    }
    if (wanted !== null) {
      if (!ID.test(wanted)) {
        this.status.textContent = fill(t("There is no profile with the id “{id}”. Check the address, or start a new profile."), { id: wanted });
        return;
      }
      try {
        record = await fetchJson(`feed/v1/institutions/${encodeURIComponent(wanted)}.json`);
        delete record.derived;
        this.original = { id: wanted, path: recordPath(record) };
      } catch (error) {
        this.status.textContent = error.status === 404
          ? fill(t("There is no profile with the id “{id}” in the directory. Check the address, or start a new profile."), { id: wanted })
          : fill(t("The profile “{id}” could not be loaded. Reload the page to try again."), { id: wanted });
        return;
      }
    }
    this.context = { schema, rules, words, directory: directoryFromCompact(compact, { leaving: wanted }), today: null };
    const { lists, labels } = pickerLists(schema, compact, words, rules);
    const formRoot = this.root.querySelector("#rs-editor-form");
    this.root.append(...datalists(lists));
    this.form = new ProfileForm(formRoot, {
      schema: inPageLanguage(schema, words.code_words), record, lists, labels, rules,
      onChange: () => this.update(),
      announce: (message) => { this.announcer.textContent = message; },
    });
    this.form.render();
    if (this.original) this.form.revealed = true;
    this.wire();
    this.update();
    this.root.querySelector("#rs-editor-heading").textContent = this.original
      ? fill(t("Editing the profile {id}"), { id: this.original.id }) : t("A new profile");
    this.root.classList.add("rs-ready");
  }

  wire() {
    this.root.querySelector("#rs-editor-download").addEventListener("click", () => this.download());
    this.root.querySelector("#rs-editor-copy").addEventListener("click", () => this.copy());
    this.root.querySelector("#rs-editor-propose").addEventListener("click", () => this.propose());
    this.root.querySelector("#rs-editor-show").addEventListener("click", () => this.showProblems());
    this.summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[data-target]");
      if (!link) return;
      event.preventDefault();
      const target = document.getElementById(link.dataset.target);
      if (!target) return;
      // Scroll the field's label into view too, then put the cursor in the field.
      (target.closest(".rs-field, fieldset") || target).scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
    });
  }

  update() {
    this.context.today = today();
    this.result = checkProfile(this.form.record, this.context);
    this.result.problems = this.result.problems.flatMap((problem) => eachMissingField(problem, this.context.words));
    this.form.showProblems(this.result.problems);
    this.renderSummary();
    const errors = errorCount(this.result.problems);
    const path = recordPath(this.form.record);
    this.path.textContent = path || t("The file's place follows from the id and the country.");
    this.yaml.value = this.result.file || "";
    this.fileNote.textContent = this.result.file
      ? (this.original ? t("This is the file as it will be saved. Comments in the old file are not kept.")
        : t("This is the file as it will be saved."))
      : nt("The file is shown here once the problem in the form is fixed.",
        "The file is shown here once the {count} problems in the form are fixed.", errors, { count: errors });
    this.root.querySelector("#rs-editor-show").hidden = !errors;
    clearTimeout(this.timer);
    if (this.lastCount === null) this.announceCount(errors);
    else this.timer = setTimeout(() => this.announceCount(errors), ANNOUNCE_AFTER_MS);
  }

  /* The count is said when it changes, not on every keystroke. */
  announceCount(errors) {
    if (errors === this.lastCount) return;
    this.lastCount = errors;
    this.status.textContent = errors
      ? nt("{count} problem to fix before the file can be saved.", "{count} problems to fix before the file can be saved.",
        errors, { count: errors })
      : t("The profile has no problems: the file is ready to save.");
  }

  renderSummary() {
    const list = this.summary.querySelector("ul");
    list.replaceChildren();
    const shown = this.form.revealed ? inFormOrder(this.result.problems) : [];
    for (const problem of shown) {
      const item = element("li", { class: problem.severity === "error" ? "rs-summary-error" : "rs-summary-warning" });
      const label = problem.target && document.querySelector(`label[for="${CSS.escape(problem.target)}"]`);
      const where = label ? withoutOptional(label) : t("The profile");
      const text = fill(SEVERITY_WORDS[problem.severity], { where, message: problem.message });
      if (problem.target) {
        const link = element("a", { href: `#${problem.target}`, "data-target": problem.target }, text);
        item.append(link);
      } else {
        item.textContent = text;
      }
      list.append(item);
    }
    const errors = errorCount(shown);
    this.summary.querySelector("h2").textContent = errors
      ? nt("{count} problem to fix before the file can be saved", "{count} problems to fix before the file can be saved",
        errors, { count: errors })
      : t("Worth checking before you save");
    this.summary.hidden = !shown.length;
  }

  /* Show every problem, and take the reader to the list of them (GOV.UK's error summary). */
  showProblems() {
    this.form.reveal();
    this.renderSummary();
    // The count waits for a pause in typing; here it has to agree with the list at once.
    clearTimeout(this.timer);
    this.announceCount(errorCount(this.result.problems));
    this.summary.focus();
  }

  ready() {
    if (this.result.file) return true;
    this.showProblems();
    this.actionStatus.textContent = t("The file is not ready yet: fix the problems listed at the top first.");
    return false;
  }

  fileName() {
    return `${this.form.record.id}.yaml`;
  }

  download() {
    if (!this.ready()) return;
    const link = element("a", { download: this.fileName() });
    link.href = URL.createObjectURL(new Blob([this.result.file], { type: "application/yaml;charset=utf-8" }));
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 0);
    this.actionStatus.textContent = fill(t("The file {file} is downloaded. Put it into {path} in your copy of the directory."),
      { file: this.fileName(), path: recordPath(this.form.record) });
  }

  async writeClipboard() {
    try {
      await navigator.clipboard.writeText(this.result.file);
      return true;
    } catch (error) {
      // Without the clipboard API (or its permission), copy the selected text the older way.
      this.yaml.focus();
      this.yaml.select();
      return document.execCommand("copy");
    }
  }

  async copy() {
    if (!this.ready()) return;
    this.actionStatus.textContent = await this.writeClipboard()
      ? t("The file is copied. Paste it where you need it.")
      : t("The file could not be copied: select the text in the box and copy it yourself (Ctrl+C or ⌘C).");
  }

  async propose() {
    if (!this.ready()) return;
    if (!this.repoUrl) {
      this.actionStatus.textContent = t("This site does not say where its repository is; download the file instead.");
      return;
    }
    const path = recordPath(this.form.record);
    let address, message;
    if (this.original) {
      address = `${this.repoUrl}/edit/${BRANCH}/${this.original.path.split("/").map(encodeURIComponent).join("/")}`;
      const copied = await this.writeClipboard();
      message = copied
        ? t("The file is copied. On GitHub's page, select everything in the editor (Ctrl+A), paste (Ctrl+V), then "
          + "choose “Commit changes…” and “Propose changes”.")
        : t("The file could not be copied: select the text in the box and copy it, then paste it into GitHub's editor.");
      if (path !== this.original.path) {
        message += " " + fill(t("The id or the country changed, so rename the file on GitHub's page to {path}."), { path });
      }
    } else {
      const base = `${this.repoUrl}/new/${BRANCH}?filename=${encodeURIComponent(path)}`;
      const withFile = `${base}&value=${encodeURIComponent(this.result.file)}`;
      if (withFile.length <= LONGEST_LINK) {
        address = withFile;
        message = t("GitHub's page for a new file opens with your file filled in. Choose “Commit changes…” and "
          + "“Propose changes” there.");
      } else {
        address = base;
        const copied = await this.writeClipboard();
        message = copied
          ? t("Your file is too long to put into the link, so it is copied: paste it into GitHub's editor (Ctrl+V), "
            + "then choose “Commit changes…” and “Propose changes”.")
          : t("Your file is too long to put into the link and could not be copied: select the text in the box, copy it "
            + "and paste it into GitHub's editor.");
      }
    }
    this.actionStatus.textContent = message;
    window.open(address, "_blank", "noopener");
  }
}

function init() {
  const root = document.querySelector('[data-module="rs-editor"]');
  if (!root || root.classList.contains("rs-started")) return;
  root.classList.add("rs-started");
  new Editor(root).start();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();
