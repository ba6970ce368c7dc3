/*
 * The directory page: loads assets/directory-index.json (written by builder/site/directory_index.py),
 * filters it in memory and lists the matching libraries.
 *
 * Record text comes from strangers, so it only ever reaches the page through textContent and
 * createElement; nothing here builds HTML from strings.
 */
(function () {
  "use strict";

  // Resolve URLs against this script, not the page: the script always sits in assets/, while
  // the page's own URL depends on mkdocs' use_directory_urls and on instant navigation.
  var SCRIPT_URL = document.currentScript ? document.currentScript.src : new URL("../assets/directory.js", location.href).href;
  var INDEX_URL = new URL("directory-index.json", SCRIPT_URL).href;
  // The institution pages of this page's language: the theme names where they start as `base`.
  var CONFIG = document.getElementById("__config");
  var PAGES_ROOT = CONFIG ? new URL(JSON.parse(CONFIG.textContent).base + "/", location.href).href : new URL("../", SCRIPT_URL).href;
  // The page's language, and its words once assets/i18n.mjs has read them (English until then).
  var LANG = document.documentElement.lang || "en";
  var t = function (message) { return message; };
  var nt = function (singular, plural, count) { return count === 1 ? singular : plural; };
  var PAGE_SIZE = 100;
  var TYPING_DELAY_MS = 15;  // just enough to skip work between keys of a fast typist
  var FILTERS = ["country", "service", "type", "channel", "pod", "lendsto"];
  // The request channels' names and the ISO 18626 codes in plain words come from the engine's
  // words in the page's language (assets/messages/<lang>.json), as on the check page.
  var METHOD_LABELS = {};
  var TYPE_LABELS = {};

  function typeLabel(code) {
    return TYPE_LABELS[code] || code;
  }

  function fold(text) {
    // Case- and accent-insensitive matching: "malmo" finds "Malmö".
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function addOptions(select, entries) {
    entries.forEach(function (entry) { select.add(new Option(entry[1], entry[0])); });
  }

  /* Turns the compact index into objects the filters can test quickly. */
  function prepare(index) {
    var countries = index.countries;
    var lends = index.lends.map(function (list) {
      var everyone = list[0] === "*";
      var codes = Object.create(null);
      list.forEach(function (code) { codes[code.replace("-", "")] = true; });
      return { everyone: everyone, codes: codes };
    });
    var libraries = index.institutions.map(function (entry) {
      var countryName = countries[entry.c] || entry.c;
      var library = {
        id: entry.i, name: entry.n, country: entry.c, countryName: countryName, city: entry.t || "",
        loanTypes: entry.pl, copyTypes: entry.pc, methods: entry.m || 0, pods: entry.o || [],
        lends: entry.l === undefined ? null : lends[entry.l], isil: entry.k || "", oclc: entry.q || "",
        active: !entry.z
      };
      library.haystack = fold([library.name, library.id, library.city, countryName, library.country,
        library.isil, library.oclc].join("\n"));
      library.identifiers = [library.id, library.isil, library.oclc].filter(Boolean).map(fold);
      library.nameFolded = fold(library.name);
      return library;
    });
    var collator = new Intl.Collator(undefined, { sensitivity: "base" });
    libraries.sort(function (a, b) { return collator.compare(a.name, b.name) || (a.id < b.id ? -1 : 1); });
    var podPositions = Object.create(null);
    index.pods.forEach(function (pod, position) { podPositions[pod[0]] = position; });
    return { index: index, libraries: libraries, podPositions: podPositions };
  }

  function lendsTo(library, country) {
    var lends = library.lends;
    if (!lends) return false;
    // For "*" lists the codes are the exceptions; otherwise they are the countries served.
    return lends.everyone ? !lends.codes[country] : !!lends.codes[country];
  }

  /* Libraries matching the query and filters: exact identifier hits first, then names that
   * start with the query, then the rest, each group in name order. */
  function select(prepared, state) {
    var terms = fold(state.q).split(/\s+/).filter(Boolean);
    var whole = terms.join(" ");
    // The URL names types, methods and pods; the index stores them as bits and positions.
    var index = prepared.index;
    var typeBit = state.type === "" ? 0 : 1 << index.types.indexOf(state.type);
    var methodBit = state.channel === "" ? 0 : 1 << index.methods.indexOf(state.channel);
    var pod = state.pod === "" ? -1 : prepared.podPositions[state.pod];
    var needsExchange = state.service !== "" || state.type !== "" || state.lendsto !== "";
    var exact = [], prefix = [], rest = [];
    var libraries = prepared.libraries;
    for (var n = 0; n < libraries.length; n++) {
      var library = libraries[n];
      if (state.country && library.country !== state.country) continue;
      // Inactive libraries take part in no exchange, so they never match a lending filter.
      if (needsExchange && !library.active) continue;
      if (state.service === "loan" && library.loanTypes === undefined) continue;
      if (state.service === "copy" && library.copyTypes === undefined) continue;
      if (typeBit) {
        var types = state.service === "loan" ? library.loanTypes || 0
          : state.service === "copy" ? library.copyTypes || 0
          : (library.loanTypes || 0) | (library.copyTypes || 0);
        if (!(types & typeBit)) continue;
      }
      if (methodBit && !(library.methods & methodBit)) continue;
      if (pod >= 0 && library.pods.indexOf(pod) < 0) continue;
      if (state.lendsto && !lendsTo(library, state.lendsto)) continue;
      var found = true;
      for (var t = 0; t < terms.length && found; t++) found = library.haystack.indexOf(terms[t]) >= 0;
      if (!found) continue;
      if (whole && library.identifiers.indexOf(whole) >= 0) exact.push(library);
      else if (whole && library.nameFolded.indexOf(whole) === 0) prefix.push(library);
      else rest.push(library);
    }
    return exact.concat(prefix, rest);
  }

  function tag(text, modifier) {
    return el("span", "rs-tag" + (modifier ? " rs-tag--" + modifier : ""), text);
  }

  function renderLibrary(library, index) {
    var item = el("li", "rs-result");
    var heading = el("p", "rs-result__name");
    var link = el("a", null, library.name);
    link.href = PAGES_ROOT + "institutions/" + encodeURIComponent(library.id) + "/";
    heading.appendChild(link);
    if (!library.active) heading.appendChild(tag(t("inactive"), "inactive"));
    item.appendChild(heading);

    var facts = [library.city, library.countryName].filter(Boolean).join(", ");
    var details = [facts, library.id];
    if (library.isil) details.push("ISIL " + library.isil);
    if (library.oclc) details.push("OCLC " + library.oclc);
    item.appendChild(el("p", "rs-result__meta", details.join(" · ")));

    var tags = el("p", "rs-result__tags");
    if (library.loanTypes !== undefined) tags.appendChild(tag(t("Loans"), "service"));
    if (library.copyTypes !== undefined) tags.appendChild(tag(t("Copies"), "service"));
    if (library.lends === null) tags.appendChild(tag(t("Does not lend"), "muted"));
    index.methods.forEach(function (method, bit) {
      if (library.methods & (1 << bit)) tags.appendChild(tag(METHOD_LABELS[method] || method, "channel"));
    });
    library.pods.forEach(function (pod) { tags.appendChild(tag(index.pods[pod][1], "pod")); });
    item.appendChild(tags);
    return item;
  }

  function readState(form) {
    var state = { q: form.elements.search.value };
    FILTERS.forEach(function (name) { state[name] = form.elements[name].value; });
    return state;
  }

  /* Puts a shared URL's filters into the form; values that no option offers are ignored. The
   * search words travel as `search`: the theme opens its own site search for a `q` in the URL. */
  function applyQuery(form, params) {
    form.elements.search.value = params.get("search") || "";
    FILTERS.forEach(function (name) {
      var field = form.elements[name];
      var wanted = params.get(name) || "";
      var known = Array.prototype.some.call(field.options, function (option) { return option.value === wanted; });
      field.value = known ? wanted : "";
    });
  }

  function writeQuery(state) {
    var params = new URLSearchParams();
    if (state.q.trim()) params.set("search", state.q.trim());
    FILTERS.forEach(function (name) { if (state[name]) params.set(name, state[name]); });
    var query = params.toString();
    var url = location.pathname + (query ? "?" + query : "") + location.hash;
    if (url !== location.pathname + location.search + location.hash) history.replaceState(history.state, "", url);
  }

  function start(root, prepared) {
    var index = prepared.index;
    var form = root.querySelector("#rs-filters");
    var count = root.querySelector("#rs-count");
    var list = root.querySelector("#rs-results");
    var more = root.querySelector("#rs-more");
    var present = Object.create(null);
    prepared.libraries.forEach(function (library) { present[library.country] = true; });
    var countryEntries = Object.keys(index.countries).map(function (code) { return [code, index.countries[code]]; })
      .sort(function (a, b) { return a[1].localeCompare(b[1]); });
    addOptions(form.elements.country, countryEntries.filter(function (entry) { return present[entry[0]]; }));
    addOptions(form.elements.lendsto, countryEntries);
    addOptions(form.elements.type, index.types.map(function (type) { return [type, typeLabel(type)]; }));
    addOptions(form.elements.channel, index.methods.map(function (method) {
      return [method, METHOD_LABELS[method] || method];
    }));
    addOptions(form.elements.pod, index.pods.slice().sort(function (a, b) { return a[1].localeCompare(b[1]); }));

    var matches = [];
    var shown = 0;
    var timer = null;

    function showMore() {
      var fragment = document.createDocumentFragment();
      var end = Math.min(matches.length, shown + PAGE_SIZE);
      for (var n = shown; n < end; n++) {
        // A library's row never changes, so it is built once and reused by later searches.
        var library = matches[n];
        if (!library.row) library.row = renderLibrary(library, index);
        fragment.appendChild(library.row);
      }
      var firstNew = fragment.firstChild;
      list.appendChild(fragment);
      shown = end;
      more.hidden = shown >= matches.length;
      more.textContent = nt("Show {count} more ({hidden} not shown)", "Show {count} more ({hidden} not shown)",
        Math.min(PAGE_SIZE, matches.length - shown),
        { count: Math.min(PAGE_SIZE, matches.length - shown), hidden: matches.length - shown });
      return firstNew;
    }

    function update() {
      timer = null;
      var state = readState(form);
      matches = select(prepared, state);
      shown = 0;
      list.replaceChildren();
      showMore();
      var total = prepared.libraries.length;
      count.textContent = matches.length === total
        ? nt("The {count} library is listed.", "All {count} libraries are listed.", total, { count: total })
        : matches.length === 0
          ? t("No library matches. Try fewer words or clear a filter.")
          : nt("{matches} of {count} library match.", "{matches} of {count} libraries match.", total,
            { matches: matches.length, count: total });
      writeQuery(state);
      // Tests and measurements wait for this event instead of guessing how long rendering takes.
      root.dispatchEvent(new CustomEvent("rs:rendered", { detail: { matches: matches.length } }));
    }

    function soon() {
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(update, TYPING_DELAY_MS);
    }

    form.elements.search.addEventListener("input", soon);
    form.addEventListener("change", function (event) { if (event.target !== form.elements.search) update(); });
    form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
    // The reset button empties the fields only after this event, so filter on the next turn.
    form.addEventListener("reset", function () { setTimeout(update, 0); });
    more.addEventListener("click", function () {
      var firstNew = showMore();
      // Keep keyboard users where they were reading: on the first newly shown library.
      var link = firstNew && firstNew.querySelector("a");
      if (link) link.focus();
    });

    applyQuery(form, new URLSearchParams(location.search));
    update();
    root.classList.add("rs-ready");
  }

  function init() {
    var root = document.getElementById("rs-directory");
    if (!root || root.classList.contains("rs-ready")) return;
    function json(url) {
      return fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      });
    }
    var speaking = import(new URL("i18n.mjs", SCRIPT_URL).href).then(function (i18n) {
      return i18n.speak(LANG).then(function () { t = i18n.t; nt = i18n.nt; });
    });
    Promise.all([json(INDEX_URL), json(new URL("messages/" + LANG + ".json", SCRIPT_URL).href), speaking])
      .then(function (loaded) {
        var index = loaded[0];
        var words = loaded[1];
        index.countries = words.countries;
        METHOD_LABELS = words.channels;
        (words.codes.publication_type || []).forEach(function (pair) { TYPE_LABELS[pair[0]] = pair[1] || pair[0]; });
        start(root, prepare(index));
      })
      .catch(function () {
        root.querySelector("#rs-count").textContent =
          t("The directory could not be loaded. Reload the page, or use the JSON or CSV download below.");
      });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
