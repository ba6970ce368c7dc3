/*
 * The profile form, generated from the institution schema: a labelled control for every field,
 * with the schema's title as its label and its description as the hint; a fieldset for every
 * mapping and list; lists of mappings that can be added to, removed from and reordered; the
 * fields of a request channel's method shown when it is chosen; rule conditions chosen from the
 * ones the schema allows. The form edits one record in place (`form.record`) and calls
 * `onChange` after every change; it knows nothing of the checks, which hand their problems back
 * through `showProblems`.
 *
 * Record text from strangers reaches the page only as `value` and `textContent`. Labels, hints and
 * error messages are tied to their control with `for` and `aria-describedby`, GOV.UK style: the
 * error above the control, its first word "Error:" for screen readers.
 */
import { today } from "../engine/days.mjs";
import { MAX_SCALAR_CHARS } from "../engine/loader.mjs";
import { DECIMAL_TEXT, INTEGER_TEXT } from "../engine/numbers.mjs";
import { fill, t } from "../i18n.mjs";

const CHOOSER_AFTER = 5;       // a mapping of more optional fields than this lets you pick them
const CHECKBOXES_UP_TO = 30;   // a code list this short is a set of checkboxes, a longer one a search

/* What the schema cannot say: which fields pick from the directory or from the time zones. */
const PICKERS = {
  '["timezone"]': "zones",
  '["partners","*"]': "partners",
  '["pods","*"]': "pods",
  '["lending","rules","*","unless","requester","*"]': "institutions",
  '["lending","rules","*","unless","requester_pod","*"]': "pods",
};

function isMapping(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function has(object, key) {
  return isMapping(object) && Object.prototype.hasOwnProperty.call(object, key);
}

function element(tag, attributes = {}, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "className") node.className = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  if (text !== undefined) node.textContent = text;
  return node;
}

export function pathKey(path) {
  return JSON.stringify(path);
}

function pattern(path) {
  return JSON.stringify(path.map((part) => (typeof part === "number" ? "*" : part)));
}

/* A stable element id for a path; any character outside [A-Za-z0-9_] is spelled as its code. */
export function controlId(path) {
  return "rs-f-" + path.map((part) => (typeof part === "number" ? String(part)
    : part.replace(/[^A-Za-z0-9_]/gu, (char) => "." + char.codePointAt(0).toString(16)))).join("-");
}

function codePointLength(text) {
  return Array.from(text).length;
}

export class ProfileForm {
  constructor(root, { schema, record, lists, labels, rules, onChange, announce }) {
    this.root = root;
    this.schema = schema;
    this.record = record;
    this.lists = lists;          // {countries, currencies, zones, institutions, pods, partners}: [{value, label}]
    this.labels = labels;        // code → plain words for country and currency codes
    this.rules = rules;
    this.onChange = onChange;
    this.announce = announce;
    this.targets = new Map();    // path key → {focus, error, control, wrapper}
    this.touched = new Set();
    this.revealed = false;
    this.stash = new Map();      // values of sections switched off or fields of another method
    this.problems = [];
    this.sequence = 0;
  }

  /* --- the schema ------------------------------------------------------------------------- */

  resolve(node) {
    let name = null;
    if (!isMapping(node)) return { node: {}, name };
    while (typeof node.$ref === "string" && node.$ref.startsWith("#/$defs/")) {
      const { $ref, ...rest } = node;
      name = $ref.slice("#/$defs/".length);
      node = { ...this.schema.$defs[name], ...rest };
    }
    return { node, name };
  }

  childNode(node, key) {
    const properties = node.properties || {};
    return this.resolve(has(properties, key) ? properties[key] : node.additionalProperties);
  }

  /* The fields a mapping shows: all of them, or for a mapping whose `allOf` branches depend on one
   * field (a channel's `method`), that field and the ones its branch allows. */
  visibleKeys(node, value) {
    const keys = Object.keys(node.properties || {});
    const { selector, chosen } = this.branch(node, value);
    if (!selector) return keys;
    if (!chosen) return [selector];
    return keys.filter((key) => key === selector || has(chosen.then.properties, key));
  }

  branch(node, value) {
    const branches = (node.allOf || []).filter((branch) => branch.if && branch.if.properties);
    if (!branches.length) return { selector: null, chosen: null };
    const selector = Object.keys(branches[0].if.properties)[0];
    const chosen = branches.find((branch) => has(value, selector) && branch.if.properties[selector].const === value[selector]);
    return { selector, chosen: chosen || null };
  }

  /* The fields a mapping needs: its own required ones and those of its chosen branch. */
  requiredKeys(node, value) {
    const { chosen } = this.branch(node, value);
    return [...(node.required || []), ...((chosen && chosen.then.required) || [])];
  }

  choices(node, name) {
    const words = node.enumDescriptions || [];
    return node.enum.map((code, index) => {
      const plain = this.labels[name] && this.labels[name][code] ? this.labels[name][code] : words[index];
      return { value: code, label: plain && plain !== code ? `${plain} (${code})` : String(code) };
    });
  }

  /* --- reading and writing the record ----------------------------------------------------- */

  valueAt(path) {
    return path.reduce((value, part) => (value == null ? undefined : value[part]), this.record);
  }

  parentOf(path, create) {
    let value = this.record;
    for (const part of path.slice(0, -1)) {
      if (!has(value, part) && !Array.isArray(value)) {
        if (!create) return undefined;
        value[part] = {};
      }
      value = value[part];
    }
    return value;
  }

  write(path, value) {
    const parent = this.parentOf(path, true);
    const key = path[path.length - 1];
    if (value === undefined) {
      if (Array.isArray(parent)) parent[key] = "";
      else delete parent[key];
      this.dropEmptySections(path.slice(0, -1));
    } else if (Array.isArray(parent) || typeof key === "number") {
      parent[key] = value;
    } else {
      Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }

  /* A mapping of optional fields (identifiers, a rule's `unless`) goes when its last field does. */
  dropEmptySections(path) {
    while (path.length) {
      const value = this.valueAt(path);
      const required = this.requiredAt(path);
      if (!isMapping(value) || Object.keys(value).length || required || this.isToggled(path)) return;
      const parent = this.parentOf(path, false);
      if (Array.isArray(parent)) return;
      delete parent[path[path.length - 1]];
      path = path.slice(0, -1);
    }
  }

  nodeAt(path) {
    let resolved = this.resolve(this.schema);
    for (const part of path) {
      resolved = typeof part === "number" ? this.resolve(resolved.node.items) : this.childNode(resolved.node, part);
    }
    return resolved;
  }

  requiredAt(path) {
    if (!path.length) return true;
    const parent = this.nodeAt(path.slice(0, -1)).node;
    const key = path[path.length - 1];
    return typeof key === "number" || (parent.required || []).includes(key);
  }

  isToggled(path) {
    const { node } = this.nodeAt(path);
    return !this.requiredAt(path) && (node.required || []).length > 0;
  }

  changed(path) {
    this.touched.add(pathKey(path));
    this.onChange(this.record);
  }

  /* --- building the form ------------------------------------------------------------------ */

  render() {
    this.targets.clear();
    const { node } = this.resolve(this.schema);
    this.root.replaceChildren(...this.objectFields(node, [], this.record));
    this.showProblems(this.problems);
  }

  /* Re-render one part of the form after its structure changed, keeping the rest as it is. */
  rerender(path, container, build) {
    for (const key of [...this.targets.keys()]) {
      const parts = JSON.parse(key);
      if (parts.length > path.length && path.every((part, n) => parts[n] === part)) this.targets.delete(key);
    }
    container.replaceWith(build());
    this.showProblems(this.problems);
  }

  register(path, entry) {
    this.targets.set(pathKey(path), entry);
  }

  objectFields(node, path, value) {
    const required = this.requiredKeys(node, value);
    const keys = this.visibleKeys(node, value);
    if (!required.length && keys.length > CHOOSER_AFTER && path.length) return [this.chooser(node, path, value)];
    return keys.map((key) => this.field(path.concat(key), required.includes(key)));
  }

  field(path, required) {
    const { node, name } = this.nodeAt(path);
    const value = this.valueAt(path);
    if (node.type === "object" && node.properties) return this.section(path, node, value, required);
    if (node.type === "object") return this.namedValues(path, node, value);
    if (node.type === "array") return this.list(path, node, value, required);
    return this.scalar(path, node, name, value, required);
  }

  heading(legend, node, path, required, hintId) {
    const title = node.title || String(path[path.length - 1]);
    legend.textContent = title;
    if (!required) legend.append(" ", element("span", { className: "rs-optional" }, t("(optional)")));
    return node.description ? element("p", { className: "rs-hint", id: hintId }, node.description) : null;
  }

  errorSlot(id) {
    return element("p", { className: "rs-error", id, hidden: true });
  }

  /* A fieldset for a mapping or a list: its title as the legend, its description as the hint,
   * the place for its errors, all tied to it. */
  group(className, path, node, required) {
    const id = controlId(path);
    const fieldset = element("fieldset", { className, id: `${id}-group`, tabindex: "-1",
      "aria-describedby": `${id}-hint ${id}-error` });
    const legend = element("legend");
    const hint = this.heading(legend, node, path, required, `${id}-hint`);
    const error = this.errorSlot(`${id}-error`);
    fieldset.append(legend, ...(hint ? [hint] : []), error);
    return { fieldset, error };
  }

  /* A mapping: a fieldset; an optional one with required fields of its own is switched on first. */
  section(path, node, value, required) {
    const id = controlId(path);
    const { fieldset, error } = this.group("rs-section", path, node, required);
    const entry = { focus: fieldset, error, wrapper: fieldset };
    if (!required && (node.required || []).length) {
      const on = isMapping(value);
      const toggle = element("input", { type: "checkbox", id: `${id}-on`, "aria-controls": `${id}-fields` });
      toggle.checked = on;
      const label = element("label", { for: `${id}-on` }, fill(t("{section}: fill in this section"), { section: node.title }));
      const fields = element("div", { className: "rs-fields", id: `${id}-fields` });
      if (on) fields.append(...this.objectFields(node, path, value));
      toggle.addEventListener("change", () => this.toggleSection(path, node, toggle, fields));
      const row = element("div", { className: "rs-toggle" });
      row.append(toggle, label);
      fieldset.append(row, fields);
      entry.focus = toggle;
    } else {
      fieldset.append(...this.objectFields(node, path, isMapping(value) ? value : {}));
    }
    this.register(path, entry);
    return fieldset;
  }

  toggleSection(path, node, toggle, fields) {
    const key = pathKey(path);
    if (toggle.checked) {
      this.write(path, this.stash.get(key) || this.starting(node));
      this.stash.delete(key);
    } else {
      this.stash.set(key, this.valueAt(path));
      this.write(path, undefined);
    }
    for (const stale of [...this.targets.keys()]) if (stale.startsWith(key.slice(0, -1) + ",")) this.targets.delete(stale);
    fields.replaceChildren(...(toggle.checked ? this.objectFields(node, path, this.valueAt(path)) : []));
    this.announce(fill(toggle.checked ? t("The section “{section}” is open.") : t("The section “{section}” is left out."),
      { section: node.title }));
    this.changed(path);
  }

  /* What a newly added mapping starts with: its required lists empty, its required switches on
   * (borrowing's default), nothing chosen for the user. */
  starting(node) {
    const value = {};
    for (const key of node.required || []) {
      const child = this.childNode(node, key).node;
      if (child.type === "array") value[key] = [];
      else if (child.type === "object" && child.properties) value[key] = this.starting(child);
      else if (child.type === "boolean") value[key] = true;
    }
    return value;
  }

  /* A mapping of many optional fields (a rule's `when`): add the ones wanted from a list. */
  chooser(node, path, value) {
    const id = controlId(path);
    const wrapper = element("div", { className: "rs-chooser" });
    const build = () => {
      const current = this.valueAt(path) || {};
      const box = element("div", { className: "rs-chooser" });
      for (const key of Object.keys(node.properties)) {
        if (!has(current, key)) continue;
        const part = this.field(path.concat(key), true);
        const remove = element("button", { type: "button", className: "md-button rs-remove",
          "aria-label": fill(t("Remove: {name}"), { name: this.childNode(node, key).node.title }) }, t("Remove"));
        remove.addEventListener("click", () => {
          delete this.valueAt(path)[key];
          this.rerender(path, box, build);
          document.getElementById(`${id}-add-choice`).focus();
          this.announce(fill(t("The condition “{condition}” is removed."), { condition: this.childNode(node, key).node.title }));
          this.changed(path);
        });
        const row = element("div", { className: "rs-chosen" });
        row.append(part, remove);
        box.append(row);
      }
      const free = Object.keys(node.properties).filter((key) => !has(current, key));
      if (free.length) {
        const adder = element("div", { className: "rs-add-choice" });
        const label = element("label", { for: `${id}-add-choice` }, node.title ? fill(t("Add to “{section}”"), { section: node.title }) : t("Add to this section"));
        const select = element("select", { id: `${id}-add-choice` });
        for (const key of free) select.add(new Option(this.childNode(node, key).node.title || key, key));
        const add = element("button", { type: "button", className: "md-button" }, t("Add"));
        add.addEventListener("click", () => {
          const key = select.value;
          const child = this.childNode(node, key).node;
          this.write(path.concat(key), child.type === "array" ? [] : child.enum ? child.enum[0] : null);
          this.rerender(path, box, build);
          const target = this.targets.get(pathKey(path.concat(key)));
          if (target) target.focus.focus();
          this.announce(fill(t("The condition “{condition}” is added."), { condition: child.title || key }));
          this.changed(path);
        });
        adder.append(label, select, add);
        box.append(adder);
      }
      return box;
    };
    wrapper.append(build());
    return wrapper.firstChild;
  }

  /* A list: of mappings (each a fieldset), of codes (checkboxes) or of single values. */
  list(path, node, value, required) {
    const { node: items, name } = this.resolve(node.items);
    if (items.enum && items.enum.length <= CHECKBOXES_UP_TO) return this.checkboxes(path, node, items, name, value, required);
    const id = controlId(path);
    const build = () => {
      const current = Array.isArray(this.valueAt(path)) ? this.valueAt(path) : [];
      const { fieldset, error } = this.group("rs-list", path, node, required);
      const itemTitle = items.title || t("Entry");
      current.forEach((_, index) => fieldset.append(this.listItem(path, items, index, current.length, itemTitle, fieldset, build)));
      const add = element("button", { type: "button", className: "md-button rs-add", id: `${id}-add` }, fill(t("Add: {item}"), { item: itemTitle }));
      add.addEventListener("click", () => {
        const list = Array.isArray(this.valueAt(path)) ? this.valueAt(path) : [];
        list.push(items.type === "object" ? this.starting(items) : "");
        if (!Array.isArray(this.valueAt(path))) this.write(path, list);
        const index = list.length - 1;
        this.rerender(path, this.targets.get(pathKey(path)).wrapper, build);
        this.focusFirst(path.concat(index));
        this.announce(`${itemTitle} ${index + 1} is added.`);
        this.changed(path);
      });
      fieldset.append(add);
      this.register(path, { focus: fieldset, error, wrapper: fieldset });
      return fieldset;
    };
    return build();
  }

  listItem(path, items, index, count, itemTitle, fieldset, build) {
    const itemPath = path.concat(index);
    const name = `${itemTitle} ${index + 1}`;
    const id = controlId(itemPath);
    let body;
    if (items.type === "object") {
      body = element("fieldset", { className: "rs-item", id: `${id}-group`, tabindex: "-1", "aria-describedby": `${id}-error` });
      body.append(element("legend", {}, name), this.errorSlot(`${id}-error`));
      const value = this.valueAt(itemPath);
      body.append(...this.objectFields(items, itemPath, isMapping(value) ? value : {}));
      this.register(itemPath, { focus: body, error: body.querySelector(".rs-error"), wrapper: body });
      if (items.allOf) this.watchSelector(itemPath, items, body);
    } else {
      body = element("div", { className: "rs-item rs-item--value" });
      body.append(this.scalar(itemPath, items, this.resolve(this.nodeAt(path).node.items).name, this.valueAt(itemPath), true, name));
    }
    const actions = element("div", { className: "rs-item-actions" });
    const move = (step, label) => {
      const button = element("button", { type: "button", className: "md-button rs-move", "aria-label": `${label}: ${name}`,
        disabled: index + step < 0 || index + step >= count }, label);
      button.addEventListener("click", () => {
        const list = this.valueAt(path);
        [list[index], list[index + step]] = [list[index + step], list[index]];
        this.rerender(path, this.targets.get(pathKey(path)).wrapper, build);
        // The focus stays with the moved entry: on the same button, or at the top or bottom of
        // the list, where that one is off, on the other.
        const wrap = document.querySelector(`#${CSS.escape(controlId(path))}-group > .rs-item-wrap:nth-of-type(${index + step + 1})`);
        const same = wrap.querySelector(`.rs-move[data-step="${step}"]`);
        (same.disabled ? wrap.querySelector(`.rs-move[data-step="${-step}"]`) : same).focus();
        this.announce(fill(t("{item} {from} is now {item} {to}."), { item: itemTitle, from: index + 1, to: index + step + 1 }));
        this.changed(path);
      });
      button.dataset.step = String(step);
      return button;
    };
    const remove = element("button", { type: "button", className: "md-button rs-remove", "aria-label": fill(t("Remove: {name}"), { name }) }, t("Remove"));
    remove.addEventListener("click", () => {
      const list = this.valueAt(path);
      list.splice(index, 1);
      if (!list.length && !this.requiredAt(path)) this.write(path, undefined);
      this.rerender(path, this.targets.get(pathKey(path)).wrapper, build);
      const next = document.querySelectorAll(`#${CSS.escape(controlId(path))}-group > .rs-item-wrap .rs-remove`)[Math.min(index, list.length - 1)];
      (next || document.getElementById(`${controlId(path)}-add`)).focus();
      this.announce(fill(t("{name} is removed."), { name }));
      this.changed(path);
    });
    actions.append(move(-1, t("Move up")), move(1, t("Move down")), remove);
    const wrap = element("div", { className: "rs-item-wrap" });
    wrap.append(body, actions);
    return wrap;
  }

  /* When a channel's method changes, its fields change: the other method's are put aside. */
  watchSelector(path, node, body) {
    const keys = this.visibleKeys(node, {});
    const selector = keys[0];
    const control = body.querySelector(`#${CSS.escape(controlId(path.concat(selector)))}`);
    if (!control) return;
    control.addEventListener("change", () => {
      const value = this.valueAt(path);
      const allowed = this.visibleKeys(node, value);
      const stashKey = pathKey(path);
      const stashed = this.stash.get(stashKey) || {};
      for (const key of Object.keys(value)) {
        if (!allowed.includes(key)) { stashed[key] = value[key]; delete value[key]; }
      }
      for (const key of allowed) if (!has(value, key) && has(stashed, key)) { value[key] = stashed[key]; delete stashed[key]; }
      this.stash.set(stashKey, stashed);
      const selectorKey = pathKey(path.concat(selector));
      for (const stale of [...this.targets.keys()]) {
        if (stale.startsWith(stashKey.slice(0, -1) + ",") && stale !== selectorKey) this.targets.delete(stale);
      }
      // The method's own field stays (and keeps the focus); the fields after it are the new method's.
      const selectorField = control.closest(".rs-field");
      while (selectorField.nextSibling) selectorField.nextSibling.remove();
      const required = this.requiredKeys(node, value);
      body.append(...allowed.filter((key) => key !== selector).map((key) => this.field(path.concat(key), required.includes(key))));
      this.announce(fill(t("The fields for {choice} are shown."), { choice: control.options[control.selectedIndex].text }));
      this.showProblems(this.problems);
    });
  }

  /* A list of codes from a short code list: checkboxes, in the order they were ticked. */
  checkboxes(path, node, items, name, value, required) {
    const id = controlId(path);
    const { fieldset, error } = this.group("rs-checkboxes", path, node, required);
    const chosen = Array.isArray(value) ? value : [];
    this.choices(items, name).forEach((choice, index) => {
      const box = element("input", { type: "checkbox", id: `${id}-${index}`, value: choice.value });
      box.checked = chosen.includes(choice.value);
      box.addEventListener("change", () => {
        const list = Array.isArray(this.valueAt(path)) ? this.valueAt(path).filter((code) => code !== choice.value) : [];
        if (box.checked) list.push(choice.value);
        this.write(path, list.length || required ? list : undefined);
        this.changed(path);
      });
      const row = element("div", { className: "rs-checkbox" });
      row.append(box, element("label", { for: `${id}-${index}` }, choice.label));
      fieldset.append(row);
    });
    this.register(path, { focus: fieldset.querySelector("input"), error, wrapper: fieldset });
    return fieldset;
  }

  /* A mapping of free names to texts (ILLiad's `parameters`): rows of name and value. */
  namedValues(path, node, value) {
    const id = controlId(path);
    const build = () => {
      const current = isMapping(this.valueAt(path)) ? this.valueAt(path) : {};
      const { fieldset, error } = this.group("rs-list", path, node, false);
      const rows = Object.entries(current);
      const rewrite = () => {
        const entries = [...fieldset.querySelectorAll(".rs-pair")].map((pair) => [
          pair.querySelector(".rs-pair-name").value, pair.querySelector(".rs-pair-value").value]);
        // Object.fromEntries makes every name an own field, `__proto__` included.
        this.write(path, entries.length ? Object.fromEntries(entries) : undefined);
        this.changed(path);
      };
      rows.forEach(([name, text], index) => {
        const pair = element("div", { className: "rs-pair" });
        const nameId = `${id}-name-${index}`, valueId = `${id}-value-${index}`;
        const nameInput = element("input", { type: "text", id: nameId, className: "rs-pair-name", spellcheck: "false",
          "aria-describedby": `${id}-error` });
        nameInput.value = name;
        const valueInput = element("input", { type: "text", id: valueId, className: "rs-pair-value", spellcheck: "false",
          "aria-describedby": `${valueId}-error` });
        valueInput.value = typeof text === "string" ? text : JSON.stringify(text);
        for (const input of [nameInput, valueInput]) input.addEventListener("input", () => this.limited(input, node, rewrite));
        const remove = element("button", { type: "button", className: "md-button rs-remove", "aria-label": fill(t("Remove: parameter {number}"), { number: index + 1 }) }, t("Remove"));
        remove.addEventListener("click", () => {
          pair.remove();
          rewrite();
          this.rerender(path, this.targets.get(pathKey(path)).wrapper, build);
          document.getElementById(`${id}-add`).focus();
          this.announce(fill(t("Parameter {number} is removed."), { number: index + 1 }));
        });
        pair.append(element("label", { for: nameId }, fill(t("Name {number}"), { number: index + 1 })), nameInput,
          element("label", { for: valueId }, fill(t("Value {number}"), { number: index + 1 })), this.errorSlot(`${valueId}-error`), valueInput, remove);
        fieldset.append(pair);
        this.register(path.concat(name), { focus: valueInput, error: pair.querySelector(".rs-error"), control: valueInput, wrapper: pair });
      });
      const add = element("button", { type: "button", className: "md-button rs-add", id: `${id}-add` }, t("Add a parameter"));
      add.addEventListener("click", () => {
        const current = isMapping(this.valueAt(path)) ? this.valueAt(path) : {};
        let name = "Name";
        for (let n = 2; has(current, name); n++) name = `Name${n}`;
        this.write(path, Object.fromEntries([...Object.entries(current), [name, ""]]));
        this.rerender(path, this.targets.get(pathKey(path)).wrapper, build);
        const inputs = document.querySelectorAll(`#${CSS.escape(id)}-group .rs-pair-name`);
        inputs[inputs.length - 1].focus();
        this.announce("A parameter is added.");
        this.changed(path);
      });
      fieldset.append(add);
      this.register(path, { focus: fieldset, error, wrapper: fieldset });
      return fieldset;
    };
    return build();
  }

  /* --- single values ---------------------------------------------------------------------- */

  scalar(path, node, name, value, required, itemLabel) {
    const id = controlId(path);
    const wrapper = element("div", { className: "rs-field" });
    const label = element("label", { for: id });
    const title = itemLabel || node.title || String(path[path.length - 1]);
    label.textContent = title;
    if (!required) label.append(" ", element("span", { className: "rs-optional" }, t("(optional)")));
    const describedBy = [];
    const parts = [label];
    if (node.description && !itemLabel) {
      parts.push(element("p", { className: "rs-hint", id: `${id}-hint` }, node.description));
      describedBy.push(`${id}-hint`);
    }
    const error = this.errorSlot(`${id}-error`);
    const note = element("p", { className: "rs-note", id: `${id}-note`, hidden: true });
    parts.push(error);
    describedBy.push(`${id}-error`, `${id}-note`);
    const control = this.control(path, node, name, value, id);
    control.setAttribute("aria-describedby", describedBy.join(" "));
    parts.push(control, note);
    if (control.list) {
      const meaning = element("p", { className: "rs-meaning", id: `${id}-meaning`, "aria-live": "polite" });
      control.setAttribute("aria-describedby", `${describedBy.join(" ")} ${id}-meaning`);
      parts.push(meaning);
      this.showMeaning(control, meaning);
    }
    if (pattern(path) === '["last_reviewed"]') parts.push(this.confirmButton(path, control));
    wrapper.append(...parts);
    this.register(path, { focus: control, error, control, wrapper, note });
    return wrapper;
  }

  control(path, node, name, value, id) {
    if (node.type === "boolean") {
      const box = element("input", { type: "checkbox", id });
      box.checked = value === true;
      box.addEventListener("change", () => { this.write(path, box.checked); this.changed(path); });
      return box;
    }
    const choices = node.enum ? this.choices(node, name) : null;
    if (choices && choices.length <= CHECKBOXES_UP_TO) return this.select(path, node, name, choices, value, id);
    const multiline = typeof node.pattern === "string" && new RegExp(node.pattern, "u").test("a\nb");
    const control = multiline ? element("textarea", { id, rows: "5" }) : element("input", { type: "text", id });
    control.setAttribute("spellcheck", multiline ? "true" : "false");
    if (node.type === "integer") control.setAttribute("inputmode", "numeric");
    if (node.type === "number") control.setAttribute("inputmode", "decimal");
    const list = choices ? (name === "currency" ? "currencies" : "countries") : this.pickerFor(path, node);
    if (list) {
      control.setAttribute("list", `rs-list-${list}`);
      control.setAttribute("autocomplete", "off");
    }
    control.value = value === undefined || value === null ? "" : typeof value === "string" ? value : String(value);
    control.addEventListener("input", () => this.limited(control, node, () => this.fromText(path, node, control, list)));
    if (list) control.addEventListener("change", () => this.fromText(path, node, control, list, true));
    return control;
  }

  pickerFor(path, node) {
    if (PICKERS[pattern(path)]) return PICKERS[pattern(path)];
    // `lending.countries`: a country code, or "*" for every country.
    if (node.else && this.resolve(node.else).name === "country") return "lends-to";
    return null;
  }

  select(path, node, name, choices, value, id) {
    const select = element("select", { id });
    if (!(node.enum || []).includes(value)) select.add(new Option(value === undefined ? t("Choose…") : String(value), ""));
    if (name === "reason") {
      // Grouped by the outcome each reason belongs to, in the order the outcomes are offered.
      for (const outcome of this.schema.$defs.rule.properties.outcome.enum) {
        const codes = this.rules.reasons[outcome];
        const group = element("optgroup", { label: fill(t("Reasons when the outcome is {outcome}"), { outcome }) });
        for (const choice of choices.filter((c) => codes.includes(c.value))) group.append(new Option(choice.label, choice.value));
        select.append(group);
      }
    } else {
      for (const choice of choices) select.add(new Option(choice.label, choice.value));
    }
    select.value = (node.enum || []).includes(value) ? value : "";
    select.addEventListener("change", () => {
      this.write(path, select.value === "" ? undefined : select.value);
      this.changed(path);
    });
    return select;
  }

  /* The typed text as the record's value: a number where the field holds numbers and the text is
   * one, nothing for an empty field, and for a field with suggestions a name typed in full
   * becomes its code ("Germany" → DE). */
  fromText(path, node, control, list, settle) {
    let text = control.value;
    if (list && settle) {
      const options = this.lists[list] || [];
      const folded = text.trim().toLowerCase();
      const match = options.find((option) => option.value === text.trim())
        || options.find((option) => option.value.toLowerCase() === folded || option.label.toLowerCase() === folded);
      if (match && match.value !== text) {
        control.value = match.value;
        text = match.value;
      }
    }
    let value = text;
    if (text === "") value = this.keepsEmpty(path) ? null : undefined;
    else if ((node.type === "integer" || node.type === "number") && (INTEGER_TEXT.test(text) || DECIMAL_TEXT.test(text))) {
      value = Number(text);
    }
    this.write(path, value);
    const meaning = document.getElementById(`${control.id}-meaning`);
    if (meaning) this.showMeaning(control, meaning);
    this.changed(path);
  }

  /* A chosen rule condition stays chosen while its field is emptied. */
  keepsEmpty(path) {
    const parent = this.nodeAt(path.slice(0, -1)).node;
    return !(parent.required || []).length && Object.keys(parent.properties || {}).length > CHOOSER_AFTER;
  }

  showMeaning(control, meaning) {
    const options = this.lists[control.getAttribute("list").slice("rs-list-".length)] || [];
    const found = options.find((option) => option.value === control.value);
    meaning.textContent = found && found.label !== found.value ? found.label : "";
  }

  /* Text longer than the field may hold (a 5 MB paste) is cut to the limit, and the note says so. */
  limited(control, node, then) {
    const limit = Math.min(typeof node.maxLength === "number" ? node.maxLength : Infinity, MAX_SCALAR_CHARS);
    const length = codePointLength(control.value);
    const target = this.targets.get([...this.targets].find(([, entry]) => entry.control === control)?.[0]);
    const note = target && target.note;
    if (length > limit) {
      control.value = Array.from(control.value).slice(0, limit).join("");
      const message = fill(t("The text was {length} characters long; it was cut to the {limit} characters this field can hold."),
        { length: length.toLocaleString(document.documentElement.lang || "en"), limit: limit.toLocaleString(document.documentElement.lang || "en") });
      if (note) { note.textContent = message; note.hidden = false; }
      this.announce(message);
    } else if (note && !note.hidden) {
      note.hidden = true;
      note.textContent = "";
    }
    then();
  }

  confirmButton(path, control) {
    const button = element("button", { type: "button", className: "md-button", id: "rs-editor-confirm" },
      t("I have checked the profile: set to today"));
    button.addEventListener("click", () => {
      control.value = today();
      this.write(path, control.value);
      this.announce(fill(t("Last reviewed is set to today, {date}."), { date: control.value }));
      this.changed(path);
    });
    return button;
  }

  focusFirst(path) {
    const target = this.targets.get(pathKey(path));
    const first = target && target.wrapper.querySelector("input, select, textarea");
    (first || (target && target.focus))?.focus();
  }

  /* --- problems beside their fields ------------------------------------------------------- */

  /* The place a problem is shown: its own field, the field a missing one would be, or the
   * nearest section around it. */
  targetFor(problem) {
    let path = problem.path;
    // Shown where the fix is made: the channels a profile lacks, the currency a fee lacks.
    if (problem.code === "no-request-channels") path = ["request_channels"];
    if (problem.code === "fee-without-currency" && path[0] === "lending") path = ["lending", "currency"];
    for (let end = path.length; end >= 0; end--) {
      const key = pathKey(path.slice(0, end));
      if (this.targets.has(key)) return { key, entry: this.targets.get(key) };
    }
    return null;
  }

  isShown(key) {
    if (this.revealed) return true;
    for (const touched of this.touched) if (key.startsWith(touched.slice(0, -1))) return true;
    return false;
  }

  showProblems(problems) {
    this.problems = problems;
    const byTarget = new Map();
    for (const problem of problems) {
      const found = this.targetFor(problem);
      if (!found) continue;
      problem.target = found.entry.focus.id || null;
      if (!this.isShown(found.key)) continue;
      if (!byTarget.has(found.key)) byTarget.set(found.key, []);
      byTarget.get(found.key).push(problem);
    }
    for (const [key, entry] of this.targets) {
      const mine = byTarget.get(key) || [];
      if (entry.error) {
        entry.error.replaceChildren();
        mine.forEach((problem, index) => {
          if (index) entry.error.append(element("br"));
          entry.error.append(element("span", { className: "rs-visually-hidden" },
            `${{ error: t("Error:"), warning: t("Warning:"), notice: t("Note:") }[problem.severity]} `), problem.message);
        });
        entry.error.hidden = !mine.length;
        entry.error.classList.toggle("rs-error--warning", mine.length > 0 && mine.every((p) => p.severity !== "error"));
      }
      const invalid = mine.some((problem) => problem.severity === "error");
      if (entry.control) entry.control.setAttribute("aria-invalid", invalid ? "true" : "false");
      entry.wrapper.classList.toggle("rs-field--error", invalid);
    }
  }

  reveal() {
    this.revealed = true;
    this.showProblems(this.problems);
  }
}
