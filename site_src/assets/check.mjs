/*
 * The "Check a request" page (site_src/check.md): reads the form as a request file's data, asks
 * the engine (decide.mjs) for `check` (with a lender) or `route` (without one), and shows the
 * answer. A request file chosen or dropped on the page is read as `rsdir` reads it and fills the
 * form. The address bar holds the request, so an answer can be bookmarked or sent on.
 *
 * Problems are shown GOV.UK-style: each message beside its field (tied to it with
 * aria-describedby, the field marked aria-invalid) and all of them in a summary above the form
 * that takes the focus, so that a screen reader reads it at once and each link leads to its field.
 */

import { numberFromText } from "./engine/numbers.mjs";
import { Suggestions, searchable } from "./suggest.mjs";
import { t } from "./i18n.mjs";
import { TEXT as SHARED, channelDetails, codeWithWords, el, feeText, fill, institutionLink, loadEngine, message } from "./ui.mjs";

const TEXT = {
  ready: t("Fill in the request and choose “Check the request”."),
  checking: t("Checking…"),
  accept: t("{lender} would accept it"),
  unfilled: t("{lender} would not accept it (unfilled): do not send it"),
  retry: t("{lender} could accept it if you change the request (retry possible)"),
  acceptStatus: t("Answer: {lender} would accept this request."),
  refusedStatus: t("Answer: {lender} would not accept this request ({decision})."),
  reason: t("Reason"),
  decidedBy: t("Decided by"),
  service: t("Service asked for"),
  also: t("Also to change"),
  send: t("How to send it"),
  fee: t("Fee"),
  findLenders: t("Find every library that would accept this request"),
  lenders: t("{count} libraries would accept this request from {borrower}, best first"),
  oneLender: t("1 library would accept this request from {borrower}"),
  noLender: t("No library would accept this request from {borrower}"),
  routeStatus: t("Answer: {count} libraries would accept this request."),
  routeStatusOne: t("Answer: 1 library would accept this request."),
  ranking: t("Ranked as rsdir route ranks them: a pod you share first, then the lower fee, fewer days to answer, your own country."),
  days: t("answers within {days} days"),
  noDays: t("answer time not stated"),
  pods: t("shares {pods}"),
  checkWith: t("Check with this lender"),
  refused: t("Would not accept it ({count})"),
  showMore: t("Show {count} more ({left} not shown)"),
  problems: t("The request has {count} problems; they are listed above the form."),
  oneProblem: t("The request has a problem; it is listed above the form."),
  fileProblem: t("{file}, line {line}, column {column}: {message}"),
  fileRead: t("Read {file}."),
  fileTooLarge: t("{file} is larger than the 512 KB a request file may have; it was not read."),
  errorPrefix: t("Error:"),
  failed: t("The request could not be checked: {message}"),
};
const FIELDS = ["id", "borrower", "lender", "service_type", "publication_type", "title", "author", "publication_date",
  "item_format", "service_level", "delivery_method", "payment_method", "pages", "need_before", "date"];
const PAGE_SIZE = 100;
const REFERENCE = /^(?:[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?|[A-Z][A-Z0-9_-]{0,31}:[!-~]{1,100})$/;

function text(node, template, values) {
  node.textContent = fill(template, values);
}

class CheckPage {
  constructor(root, { decide, directory, lang, words }) {
    Object.assign(this, { root, decide, directory, lang, words });
    this.form = root.querySelector("#rs-check-form");
    this.status = root.querySelector("#rs-check-status");
    this.summary = root.querySelector("#rs-check-errors");
    this.summaryList = root.querySelector("#rs-check-error-list");
    this.answer = root.querySelector("#rs-answer");
    this.answerBody = root.querySelector("#rs-answer-body");
    this.answerTitle = root.querySelector("#rs-answer-title");
    this.fillCodes();
    const countries = new Intl.DisplayNames([lang], { type: "region" });
    const libraries = searchable(directory, (code) => words.countries[code] ?? countries.of(code) ?? code);
    this.libraries = libraries;
    this.suggestions = ["borrower", "lender"].map((name) => new Suggestions(this.form.elements[name], libraries));
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.run({ focus: true });
    });
    this.form.addEventListener("reset", () => setTimeout(() => {
      this.clearProblems();
      this.answer.hidden = true;
      this.suggestions.forEach((suggestion) => suggestion.describe());
      history.replaceState(history.state, "", location.pathname);
    }, 0));
    const file = this.form.querySelector("#rs-c-file");
    file.addEventListener("change", () => file.files[0] && this.readFile(file.files[0]));
    for (const type of ["dragenter", "dragover"]) {
      root.addEventListener(type, (event) => {
        if (![...(event.dataTransfer?.types ?? [])].includes("Files")) return;
        event.preventDefault();
        root.classList.add("rs-check--dropping");
      });
    }
    root.addEventListener("dragleave", (event) => {
      if (!root.contains(event.relatedTarget)) root.classList.remove("rs-check--dropping");
    });
    root.addEventListener("drop", (event) => {
      const dropped = event.dataTransfer?.files?.[0];
      if (!dropped) return;
      event.preventDefault();
      root.classList.remove("rs-check--dropping");
      this.readFile(dropped);
    });
    // A shared request is answered at once; a link that only names the libraries (as the
    // institution pages give) fills them in and leaves the rest to the reader.
    const params = new URLSearchParams(location.search);
    this.applyQuery(params);
    if (params.has("borrower") && params.has("title")) this.run({ focus: false });
    else this.status.textContent = TEXT.ready;
    root.classList.add("rs-ready");
  }

  /** The ISO 18626 code lists as choices: the code, and beside it the plain words for it. */
  fillCodes() {
    const schema = this.directory.requestSchema.root;
    const currencyNames = new Intl.DisplayNames([this.lang], { type: "currency" });
    for (const select of this.form.querySelectorAll("select[data-codes]")) {
      const list = select.dataset.codes;
      const codes = list === "currency"
        ? schema.$defs.currency.enum.map((code) => [code, currencyNames.of(code)])
        : this.words.codes[list];
      if (select.options.length === 0) select.add(new Option(t("Choose one"), ""));
      for (const [code, plain] of codes) select.add(new Option(plain && plain !== code ? `${code} (${plain})` : code, code));
    }
  }

  /** A library the user named: as typed (an id or agency id), or the one library of that name. */
  reference(value) {
    const typed = value.trim();
    if (typed === "" || REFERENCE.test(typed)) return typed;
    const named = this.libraries.filter((library) => library.name.toLowerCase() === typed.toLowerCase());
    return named.length === 1 ? named[0].id : typed;
  }

  /** The form as a request file's data: what is left empty is left out, numbers are read as
   *  the loader reads a plain YAML value (so `12` is a number and `12 pages` is not). */
  readForm() {
    const elements = this.form.elements;
    const value = (name) => elements[name].value;
    const data = {};
    for (const name of FIELDS) {
      const raw = name === "service_type" ? (this.form.querySelector("input[name=service_type]:checked")?.value ?? "") : value(name);
      if (raw === "" || (name !== "title" && raw.trim() === "")) continue;
      if (name === "borrower" || name === "lender") data[name] = this.reference(raw);
      else if (name === "pages") data[name] = numberFromText(raw.trim()) ?? raw;
      else data[name] = raw;
    }
    data.id ??= "check";
    const amount = value("max_cost_amount").trim();
    const currency = value("max_cost_currency");
    if (amount !== "" || currency !== "") {
      data.max_cost = {};
      if (amount !== "") data.max_cost.amount = numberFromText(amount) ?? amount;
      if (currency !== "") data.max_cost.currency = currency;
    }
    return data;
  }

  writeQuery() {
    const params = new URLSearchParams();
    for (const element of this.form.elements) {
      if (!element.name || element.type === "file" || element.type === "submit" || element.type === "reset") continue;
      if ((element.type === "radio" || element.type === "checkbox") && !element.checked) continue;
      if (element.value.trim() !== "") params.set(element.name, element.value);
    }
    const query = params.toString();
    history.replaceState(history.state, "", location.pathname + (query ? `?${query}` : "") + location.hash);
  }

  applyQuery(params) {
    for (const element of this.form.elements) {
      if (!element.name || element.type === "file") continue;
      const wanted = params.get(element.name);
      if (element.type === "radio") element.checked = wanted === null ? element.defaultChecked : element.value === wanted;
      else if (element.type === "checkbox") element.checked = wanted === element.value;
      else if (element.tagName === "SELECT") {
        // A value no option offers is ignored, as on the directory page.
        element.value = [...element.options].some((option) => option.value === wanted) ? wanted : "";
      } else if (element.tagName === "INPUT" || element.tagName === "TEXTAREA") element.value = wanted ?? "";
    }
    this.suggestions.forEach((suggestion) => suggestion.describe());
  }

  /** Puts a request file's values into the form, as far as they fit. */
  fillForm(data) {
    const params = new URLSearchParams();
    for (const name of FIELDS) {
      if (data[name] !== undefined && data[name] !== null && typeof data[name] !== "object") params.set(name, String(data[name]));
    }
    if (data.max_cost && typeof data.max_cost === "object") {
      if (data.max_cost.amount !== undefined) params.set("max_cost_amount", String(data.max_cost.amount));
      if (typeof data.max_cost.currency === "string") params.set("max_cost_currency", data.max_cost.currency);
    }
    if (this.form.elements.all.checked) params.set("all", "1");
    this.applyQuery(params);
  }

  async readFile(file) {
    this.clearProblems();
    if (file.size > 512 * 1024) {
      // Refused before anything is read: the file could be of any size.
      this.showProblems([{ message: fill(TEXT.fileTooLarge, { file: file.name }) }], { focus: true });
      return;
    }
    try {
      const bytes = new Uint8Array(await file.slice(0, 512 * 1024 + 1).arrayBuffer());
      const loaded = await this.decide.readRequestFile(this.directory, bytes, file.name, { lang: this.lang });
      this.fillForm(loaded.data);
      text(this.status, TEXT.fileRead, { file: file.name });
      this.run({ focus: true, request: loaded });
    } catch (error) {
      const problem = error.problem ?? { message: fill(TEXT.failed, { message: error.message }) };
      this.showProblems([{ ...problem, fromFile: true }], { focus: true });
    }
  }

  run({ focus, request = null }) {
    this.clearProblems();
    const data = request ?? this.readForm();
    const all = this.form.elements.all.checked;
    const lender = request ? request.data.lender : data.lender;
    try {
      const answer = lender === undefined || lender === null || lender === ""
        ? this.decide.route(this.directory, data, { all, lang: this.lang })
        : this.decide.check(this.directory, data, { lang: this.lang });
      this.writeQuery();
      this.show(answer, { all, focus, borrower: request ? request.data.borrower : data.borrower });
    } catch (error) {
      this.answer.hidden = true;
      if (error instanceof this.decide.RequestError) {
        this.writeQuery();
        this.showProblems(error.problems.map((problem) => ({ ...problem, fromFile: request !== null })), { focus });
      } else {
        this.showProblems([{ message: fill(TEXT.failed, { message: error.message }) }], { focus });
      }
    }
  }

  // --- problems -------------------------------------------------------------------------------

  fieldOf(problem) {
    if (problem.code === "request-lender-missing") return ["lender"];
    if (problem.missing) {
      const prefix = problem.path === "$.max_cost" ? "max_cost_" : "";
      return problem.missing.map((name) => prefix + name);
    }
    const path = problem.path ?? "$";
    const match = /^\$\.([a-z_]+)(?:\.([a-z_]+))?$/.exec(path);
    if (!match) return [];
    return [match[2] ? `${match[1]}_${match[2]}` : match[1]];
  }

  control(name) {
    return this.root.querySelector(name === "service_type" ? "#rs-c-service_type" : `#rs-c-${name}`);
  }

  clearProblems() {
    this.summary.hidden = true;
    this.summaryList.replaceChildren();
    for (const shown of this.root.querySelectorAll(".rs-error")) shown.remove();
    for (const field of this.root.querySelectorAll("[aria-invalid]")) {
      field.removeAttribute("aria-invalid");
      field.setAttribute("aria-describedby", (field.getAttribute("aria-describedby") ?? "")
        .split(" ").filter((id) => id && !id.endsWith("-error")).join(" "));
    }
    for (const group of this.root.querySelectorAll(".rs-field--error")) group.classList.remove("rs-field--error");
  }

  showProblems(problems, { focus }) {
    const seen = new Map();
    for (const problem of problems) {
      const wording = problem.fromFile && problem.line
        ? fill(TEXT.fileProblem, { file: problem.file, line: problem.line, column: problem.column, message: problem.message })
        : problem.message;
      const fields = this.fieldOf(problem).filter((name) => this.control(name));
      const target = fields[0] ? this.control(fields[0]) : null;
      this.summaryList.append(el("li", {}, target ? el("a", { href: `#${target.id}` }, message(wording)) : message(wording)));
      for (const name of fields) {
        const control = this.control(name);
        const id = `${control.id}-error`;
        const messages = seen.get(id) ?? [];
        messages.push(problem.message);
        seen.set(id, messages);
        let shown = this.root.querySelector(`#${id}`);
        if (!shown) {
          shown = el("p", { className: "rs-error", id });
          const field = control.closest(".rs-field");
          field.classList.add("rs-field--error");
          const hint = field.querySelector(".rs-hint");
          (hint ?? field.querySelector("label, legend")).after(shown);
          control.setAttribute("aria-invalid", "true");
          control.setAttribute("aria-describedby", [control.getAttribute("aria-describedby"), id].filter(Boolean).join(" "));
        }
        shown.replaceChildren(el("span", { className: "rs-visually-hidden" }, TEXT.errorPrefix, " "), ...message(messages.join(" ")));
      }
    }
    this.summary.hidden = false;
    this.status.textContent = problems.length === 1 ? TEXT.oneProblem : fill(TEXT.problems, { count: problems.length });
    if (focus) this.summary.focus();
    this.answered("problems");
  }

  // --- answers --------------------------------------------------------------------------------

  name(id) {
    return this.directory.institutions.get(id)?.name ?? id;
  }

  show(answer, { all, focus, borrower }) {
    const body = "lenders" in answer ? this.route(answer, all, borrower) : this.decision(answer);
    this.answerBody.replaceChildren(...body);
    this.answer.hidden = false;
    if (focus) this.answerTitle.focus();
    this.answered("answer");
  }

  /** Tests and measurements wait for this event instead of guessing how long an answer takes. */
  answered(kind) {
    this.root.dispatchEvent(new CustomEvent("rs:answered", { detail: { kind } }));
  }

  decision(answer) {
    const lender = this.name(answer.lender);
    text(this.status, answer.decision === "accept" ? TEXT.acceptStatus : TEXT.refusedStatus, { lender, decision: answer.decision });
    const parts = [
      el("p", { className: `rs-verdict rs-verdict--${answer.decision}` }, el("strong", {}, fill(TEXT[answer.decision], { lender }))),
      el("p", { className: "rs-verdict__message" }, answer.message),
    ];
    const facts = el("dl", { className: "rs-facts" }, el("dt", {}, TEXT.service), el("dd", {}, el("code", {}, answer.service_type)));
    if (answer.reason) {
      facts.append(el("dt", {}, TEXT.reason), el("dd", {}, codeWithWords(this.words, "reason", answer.reason)),
        el("dt", {}, TEXT.decidedBy), el("dd", {}, el("code", {}, answer.rule)));
    }
    parts.push(facts);
    if (answer.also.length) {
      parts.push(el("h3", {}, TEXT.also), el("ul", { className: "rs-also" }, answer.also.map((later) =>
        el("li", {}, later.message, " ", el("span", { className: "rs-meta" }, "(", codeWithWords(this.words, "reason", later.reason),
          ", ", el("code", {}, later.rule), ")")))));
    }
    if (answer.decision === "accept") {
      parts.push(el("h3", {}, TEXT.send), channelDetails(this.words, answer.channel),
        el("p", { className: "rs-fee" }, el("strong", {}, feeText(answer.fee, this.words))));
    }
    const params = new URLSearchParams(location.search);
    params.delete("lender");
    parts.push(el("p", {}, el("a", { href: `?${params}` }, TEXT.findLenders)));
    return parts;
  }

  route(answer, all, reference) {
    const borrower = this.name(this.directory.resolve(reference).id);
    const count = answer.lenders.length;
    text(this.status, count === 1 ? TEXT.routeStatusOne : TEXT.routeStatus, { count });
    const heading = count === 0 ? TEXT.noLender : count === 1 ? TEXT.oneLender : TEXT.lenders;
    const parts = [el("p", { className: "rs-verdict" }, el("strong", {}, fill(heading, { count, borrower })))];
    if (count) {
      parts.push(el("p", { className: "rs-hint" }, TEXT.ranking));
      parts.push(el("ol", { className: "rs-lenders" }, answer.lenders.map((lender) => {
        const params = new URLSearchParams(location.search);
        params.set("lender", lender.id);
        params.delete("all");
        const facts = [feeText(lender.fee, this.words),
          lender.days_to_respond === null ? TEXT.noDays : fill(TEXT.days, { days: lender.days_to_respond }),
          this.words.channels[lender.channel.method] ?? lender.channel.method];
        if (lender.shared_pods.length) {
          facts.push(fill(TEXT.pods, { pods: lender.shared_pods.map((id) => this.directory.pods.get(id)?.name ?? id).join(", ") }));
        }
        return el("li", {}, institutionLink(this.directory, lender.id), " ",
          el("span", { className: "rs-meta" }, facts.join(" · ")), " ", el("a", { href: `?${params}`, className: "rs-check-with" }, TEXT.checkWith));
      })));
    }
    if (all) parts.push(...this.refusals(answer.refused));
    return parts;
  }

  refusals(refused) {
    const list = el("ul", { className: "rs-refused" });
    const more = el("button", { type: "button", className: "md-button rs-more" });
    let shown = 0;
    const showMore = () => {
      const next = refused.slice(shown, shown + PAGE_SIZE).map((decision) => el("li", {},
        institutionLink(this.directory, decision.lender), ": ", el("strong", {}, decision.decision), " ",
        el("span", { className: "rs-meta" }, "(", el("code", {}, decision.reason), ")"), " ", decision.message));
      list.append(...next);
      shown += next.length;
      more.hidden = shown >= refused.length;
      text(more, TEXT.showMore, { count: Math.min(PAGE_SIZE, refused.length - shown), left: refused.length - shown });
      return next[0];
    };
    more.addEventListener("click", () => {
      // Keep keyboard users where they were reading: on the first newly shown library.
      showMore()?.querySelector("a")?.focus();
    });
    showMore();
    return [el("h3", {}, fill(TEXT.refused, { count: refused.length })), list, more];
  }
}

function init() {
  const root = document.getElementById("rs-check");
  if (!root || root.classList.contains("rs-ready")) return;
  const status = root.querySelector("#rs-check-status");
  status.textContent = SHARED.loading;
  loadEngine().then((engine) => new CheckPage(root, engine)).catch(() => {
    status.textContent = SHARED.loadFailed;
  });
}

init();
