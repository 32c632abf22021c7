// The findings list, filters and sortable tables of the backend-audit HTML report.
// Everything from the scan arrives as JSON data and enters the page through textContent and
// setAttribute only (never innerHTML), so scanned code stays text. Only one page of findings is in
// the DOM at a time, which keeps 20,000 findings fast; printing draws them all.
(function () {
  "use strict";

  const DATA = JSON.parse(document.getElementById("ba-data").textContent);
  const PAGE_SIZE = 100;
  const LEVELS = ["error", "warning", "note"];
  const FACETS = ["level", "area", "rule"];
  const CONTEXT = DATA.context;
  const RULES = DATA.rules;
  const PATHS = DATA.paths;
  const FINDINGS = DATA.findings; // [rule, path, line, col, endLine, endCol, level, message, symbol, suppressed]
  const SOURCES = DATA.sources;
  const AREA_OF = RULES.map((r) => r.area || "other");
  const AREAS = Array.from(new Set(AREA_OF)).sort();
  const PATHS_LOWER = PATHS.map((p) => p.toLowerCase());
  const BY_FILE = FINDINGS.map((_, i) => i); // the report already sorts by path, line, column, rule
  const BY_RULE = BY_FILE.slice().sort((a, b) => FINDINGS[a][0] - FINDINGS[b][0] || a - b);
  const NUMBER = new Intl.NumberFormat("en-US");

  const $ = (id) => document.getElementById(id);
  let state = defaults();
  let order = [];
  let groupCounts = new Map();
  let printing = false;

  function defaults() {
    // null means "everything"; a Set lists what is selected.
    return { view: "file", level: null, area: null, rule: null, q: "", sup: false, page: 0 };
  }

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // ---- URL fragment <-> state ------------------------------------------------------------------
  function isFilterHash(hash) {
    return hash === "" || hash.indexOf("=") >= 0;
  }

  function readHash() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ""));
    const s = defaults();
    if (params.get("view") === "rule") s.view = "rule";
    for (const key of FACETS) {
      if (params.has(key)) s[key] = new Set(params.get(key).split(",").filter(Boolean));
    }
    s.q = params.get("q") || "";
    s.sup = params.get("suppressed") === "1";
    s.page = Math.max(0, (parseInt(params.get("page"), 10) || 1) - 1);
    return s;
  }

  function writeHash() {
    const params = new URLSearchParams();
    if (state.view !== "file") params.set("view", state.view);
    for (const key of FACETS) {
      if (state[key]) params.set(key, Array.from(state[key]).sort().join(","));
    }
    if (state.q) params.set("q", state.q);
    if (state.sup) params.set("suppressed", "1");
    if (state.page) params.set("page", String(state.page + 1));
    const text = params.toString();
    const url = text ? "#" + text : location.pathname + location.search;
    if (("#" + text) === location.hash || (!text && !location.hash)) return;
    history.replaceState(null, "", url);
  }

  // ---- filtering -------------------------------------------------------------------------------
  function compute() {
    const q = state.q.trim().toLowerCase();
    const pathOk = q ? PATHS_LOWER.map((p) => p.indexOf(q) >= 0) : null;
    const counts = { level: new Map(), area: new Map(), rule: new Map() };
    const bump = (map, key) => map.set(key, (map.get(key) || 0) + 1);
    const match = new Uint8Array(FINDINGS.length);
    let inScope = 0;
    for (let i = 0; i < FINDINGS.length; i++) {
      const f = FINDINGS[i];
      if (f[9] && !state.sup) continue;
      inScope++;
      if (pathOk && !pathOk[f[1]]) continue;
      const area = AREA_OF[f[0]];
      const ruleId = RULES[f[0]].id;
      const lv = !state.level || state.level.has(f[6]);
      const ar = !state.area || state.area.has(area);
      const ru = !state.rule || state.rule.has(ruleId);
      // Each facet counts what the *other* filters let through, so a count says what a click gives.
      if (ar && ru) bump(counts.level, f[6]);
      if (lv && ru) bump(counts.area, area);
      if (lv && ar) bump(counts.rule, ruleId);
      if (lv && ar && ru) match[i] = 1;
    }
    order = (state.view === "rule" ? BY_RULE : BY_FILE).filter((i) => match[i]);
    groupCounts = new Map();
    const col = state.view === "rule" ? 0 : 1;
    for (const i of order) bump(groupCounts, FINDINGS[i][col]);
    return { counts, inScope };
  }

  // ---- filter controls -------------------------------------------------------------------------
  function buildControls() {
    const values = {
      level: LEVELS.map((l) => [l, l]),
      area: AREAS.map((a) => [a, a]),
      rule: RULES.map((r) => [r.id, r.id, r.title]),
    };
    for (const key of FACETS) {
      const box = $("f-" + key);
      for (const [value, label, title] of values[key]) {
        const lab = el("label");
        const input = el("input");
        input.type = "checkbox";
        input.name = key;
        input.value = value;
        lab.append(input, " " + label + " ", el("span", "n"));
        if (title) lab.title = title;
        lab.dataset.value = value;
        box.append(lab);
      }
    }
  }

  function syncControls(counts) {
    for (const key of FACETS) {
      for (const lab of $("f-" + key).children) {
        const value = lab.dataset.value;
        const n = counts[key].get(value) || 0;
        lab.querySelector("input").checked = !state[key] || state[key].has(value);
        lab.querySelector(".n").textContent = "(" + NUMBER.format(n) + ")";
        lab.classList.toggle("zero", n === 0);
      }
    }
    for (const radio of document.querySelectorAll("#filters input[name=view]")) {
      radio.checked = radio.value === state.view;
    }
    if ($("f-q").value !== state.q) $("f-q").value = state.q;
    $("f-sup").checked = state.sup;
  }

  function readFacet(key) {
    const boxes = Array.from($("f-" + key).querySelectorAll("input"));
    const on = boxes.filter((b) => b.checked).map((b) => b.value);
    return on.length === boxes.length ? null : new Set(on);
  }

  function update(changes) {
    Object.assign(state, changes);
    if (!("page" in changes)) state.page = 0;
    writeHash();
    apply();
  }

  function wireControls() {
    const form = $("filters");
    form.addEventListener("submit", (e) => e.preventDefault());
    form.addEventListener("change", (e) => {
      const t = e.target;
      if (FACETS.indexOf(t.name) >= 0) update({ [t.name]: readFacet(t.name) });
      else if (t.name === "view") update({ view: t.value });
      else if (t.id === "f-sup") update({ sup: t.checked });
    });
    let timer = 0;
    $("f-q").addEventListener("input", (e) => {
      clearTimeout(timer);
      timer = setTimeout(() => update({ q: e.target.value }), 120);
    });
    form.addEventListener("click", (e) => {
      const t = e.target;
      if (t.dataset.all) update({ [t.dataset.all]: null });
      else if (t.dataset.none) update({ [t.dataset.none]: new Set() });
      else if (t.id === "f-reset") update(defaults());
    });
    document.addEventListener("keydown", (e) => {
      const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
      if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        $("f-q").focus();
      }
    });
    window.addEventListener("hashchange", () => {
      if (!isFilterHash(location.hash.replace(/^#/, ""))) return;
      state = readHash();
      apply();
      $("findings").focus({ preventScroll: true });
      $("findings").scrollIntoView();
    });
  }

  // ---- drawing findings ------------------------------------------------------------------------
  function withCode(parent, text) {
    // `code` spans in rule help become <code>; everything stays text.
    String(text).split("`").forEach((part, i) => {
      if (part) parent.append(i % 2 ? el("code", null, part) : part);
    });
    return parent;
  }

  function fillHelp(details, rule) {
    if (details.dataset.filled) return;
    details.dataset.filled = "1";
    const sections = [["What it does", rule.what], ["Why it matters", rule.why], ["Use instead", rule.use_instead]];
    for (const [title, text] of sections) {
      if (!text) continue;
      details.append(el("h4", null, title), withCode(el("p"), text));
    }
    if (rule.good) {
      details.append(el("h4", null, "Example that passes"));
      const pre = el("pre");
      pre.append(el("code", null, rule.good));
      details.append(pre);
    }
    if (rule.references.length) {
      details.append(el("h4", null, "References"));
      const ul = el("ul");
      for (const ref of rule.references) {
        const li = el("li");
        if (/^https?:\/\//.test(ref)) {
          const a = el("a", null, ref);
          a.href = ref;
          a.rel = "noopener noreferrer";
          li.append(a);
        } else {
          li.textContent = ref;
        }
        ul.append(li);
      }
      details.append(ul);
    }
  }

  function helpDetails(ruleIndex) {
    const rule = RULES[ruleIndex];
    const details = el("details", "help");
    details.append(el("summary", null, "How to fix: " + rule.id + (rule.title ? " (" + rule.title + ")" : "")));
    if (printing) {
      fillHelp(details, rule);
      details.open = true;
    } else {
      details.addEventListener("toggle", () => fillHelp(details, rule), { once: true });
    }
    return details;
  }

  function shownLines(f) {
    const [first, last] = [f[2], Math.max(f[2], f[4])];
    if (last - first > 2 * CONTEXT + 4) {
      return [[Math.max(1, first - CONTEXT), first + CONTEXT], [last - CONTEXT, last + CONTEXT]];
    }
    return [[Math.max(1, first - CONTEXT), last + CONTEXT]];
  }

  function codeLine(n, text, f) {
    const line = el("span", "l");
    line.append(el("span", "ln", n));
    if (n < f[2] || n > f[4]) {
      line.append(text);
      return line;
    }
    line.classList.add("hit");
    // Columns count code points; Array.from splits by code point, not UTF-16 unit.
    const chars = Array.from(text);
    // Continuation lines are marked from their first non-blank character, not their indentation.
    let start = n === f[2] ? f[3] - 1 : chars.findIndex((c) => c !== " " && c !== "\t");
    let end = n === f[4] ? f[5] - 1 : chars.length;
    start = start < 0 ? chars.length : Math.min(start, chars.length);
    end = Math.min(Math.max(start, end), chars.length);
    if (end === start) end = chars.length; // a zero-width span marks the rest of the line
    const mark = el("mark", null, chars.slice(start, end).join(""));
    line.append(chars.slice(0, start).join(""), mark, chars.slice(end).join(""));
    return line;
  }

  function snippet(f) {
    const src = SOURCES[f[1]];
    if (!src) return null;
    if (src.error) return el("p", "nosrc", "Source not shown: " + src.error);
    const pre = el("pre", "code");
    let any = false;
    shownLines(f).forEach(([from, to], part) => {
      if (part) pre.append(el("span", "l gap", "⋯"));
      for (let n = from; n <= to; n++) {
        const text = src.lines[n];
        if (text === undefined) continue;
        pre.append(codeLine(n, text, f));
        any = true;
      }
    });
    return any ? pre : el("p", "nosrc", "Source not shown: the file no longer has line " + f[2]);
  }

  // The change `--fix` would make: removed lines (from the embedded source) and the lines put instead.
  function fixDetails(f) {
    const [title, safety, edits] = f[10];
    const details = el("details", "fix");
    details.append(el("summary", null, "Suggested fix: " + title + (safety === "safe" ? " (--fix)" : " (--unsafe-fixes)")));
    const pre = el("pre", "code diff");
    const src = SOURCES[f[1]];
    edits.forEach(([first, last, text]) => {
      for (let n = first; n < last; n++) {
        const old = src && src.lines ? src.lines[n] : undefined;
        pre.append(el("span", "l del", "- " + (old === undefined ? "(line " + n + ")" : old)));
      }
      text.replace(/\n$/, "").split("\n").forEach((line) => {
        if (text) pre.append(el("span", "l ins", "+ " + line));
      });
    });
    details.append(pre);
    return details;
  }

  function findingNode(f) {
    const node = el("article", "finding lvl-" + f[6]);
    const head = el("div", "fhead");
    head.append(el("span", "badge lvl-" + f[6], f[6]));
    if (state.view === "rule") {
      const a = el("a", "loc", PATHS[f[1]] + ":" + f[2] + ":" + f[3]);
      a.href = "#" + new URLSearchParams({ q: PATHS[f[1]] }).toString();
      head.append(a);
    } else {
      head.append(el("code", "rule", RULES[f[0]].id), el("span", "loc", "line " + f[2] + ":" + f[3]));
    }
    if (f[8]) head.append(el("span", "muted", "in " + f[8]));
    node.append(head, el("p", "msg", f[7]));
    if (f[9]) {
      node.classList.add("suppressed");
      node.append(el("p", "muted", "Suppressed (" + f[9] + ")"));
    }
    const code = snippet(f);
    if (code) node.append(code);
    if (f[10]) node.append(fixDetails(f));
    if (f[11]) node.append(traceDetails(f[11]));
    if (state.view === "file") node.append(helpDetails(f[0]));
    return node;
  }

  // A taint finding's path, source first, sink last: collapsed, one list item per step, all text.
  function traceDetails(trace) {
    const details = el("details", "trace");
    details.append(el("summary", null, "Data flow (" + trace.length + (trace.length === 1 ? " step)" : " steps)")));
    const list = el("ol");
    for (const step of trace) {
      const item = el("li");
      item.append(el("code", "loc", step[0] + ":" + step[1] + ":" + step[2]), " ", step[3]);
      list.append(item);
    }
    details.append(list);
    return details;
  }

  function groupNode(key, continued) {
    const section = el("section", "group");
    const h = el("h3");
    if (state.view === "rule") {
      const rule = RULES[key];
      h.append(rule.id + " ", el("span", "title", rule.title));
    } else {
      h.append(PATHS[key]);
    }
    const n = groupCounts.get(key) || 0;
    h.append(" ", el("span", "n", "(" + NUMBER.format(n) + (n === 1 ? " finding" : " findings") + (continued ? ", continued" : "") + ")"));
    section.append(h);
    if (state.view === "rule" && !continued) section.append(helpDetails(key));
    return section;
  }

  function pager(pages) {
    for (const nav of document.querySelectorAll("nav.pager")) {
      nav.textContent = "";
      if (pages <= 1 || printing) continue;
      const button = (label, page, aria) => {
        const b = el("button", null, label);
        b.type = "button";
        b.setAttribute("aria-label", aria);
        b.disabled = page < 0 || page >= pages || page === state.page;
        b.addEventListener("click", () => update({ page }));
        return b;
      };
      nav.append(
        button("« first", 0, "First page"),
        button("‹ previous", state.page - 1, "Previous page"),
        el("span", null, "page " + (state.page + 1) + " of " + pages),
        button("next ›", state.page + 1, "Next page"),
        button("last »", pages - 1, "Last page"),
      );
    }
  }

  function drawList() {
    const pages = Math.max(1, Math.ceil(order.length / PAGE_SIZE));
    if (state.page >= pages) state.page = pages - 1;
    const start = printing ? 0 : state.page * PAGE_SIZE;
    const slice = printing ? order : order.slice(start, start + PAGE_SIZE);
    const col = state.view === "rule" ? 0 : 1;
    const frag = document.createDocumentFragment();
    let key = -1;
    let group = null;
    slice.forEach((i, k) => {
      const f = FINDINGS[i];
      if (f[col] !== key) {
        const continued = k === 0 && start > 0 && FINDINGS[order[start - 1]][col] === f[col];
        group = groupNode(f[col], continued);
        frag.append(group);
        key = f[col];
      }
      group.append(findingNode(f));
    });
    const list = $("f-list");
    list.textContent = "";
    if (!slice.length) list.append(el("p", "empty", FINDINGS.length ? "No findings match the filters." : "No findings: the scan is clean."));
    list.append(frag);
    pager(pages);
    return { start, shown: slice.length };
  }

  function apply() {
    const { counts, inScope } = compute();
    syncControls(counts);
    const { start, shown } = drawList();
    const total = NUMBER.format(order.length);
    let text = shown
      ? "Showing " + NUMBER.format(start + 1) + "–" + NUMBER.format(start + shown) + " of " + total + " findings"
      : "0 findings";
    if (order.length !== inScope) text += " (" + NUMBER.format(inScope) + " before filtering)";
    $("f-count").textContent = text;
    $("f-count").dataset.matching = String(order.length);
  }

  // ---- sortable tables -------------------------------------------------------------------------
  function sortValue(cell) {
    const raw = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
    const num = Number(raw);
    return raw !== "" && !Number.isNaN(num) ? num : raw.toLowerCase();
  }

  function wireSorting() {
    for (const table of document.querySelectorAll("table.sortable")) {
      table.querySelector("thead").addEventListener("click", (e) => {
        const button = e.target.closest("button[data-col]");
        if (!button) return;
        const th = button.parentElement;
        const col = Number(button.dataset.col);
        const dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        for (const other of table.querySelectorAll("thead th")) other.setAttribute("aria-sort", "none");
        th.setAttribute("aria-sort", dir);
        const body = table.tBodies[0];
        const rows = Array.from(body.rows).map((row) => [sortValue(row.cells[col]), row]);
        const sign = dir === "ascending" ? 1 : -1;
        rows.sort((a, b) => {
          if (typeof a[0] === typeof b[0]) return a[0] < b[0] ? -sign : a[0] > b[0] ? sign : 0;
          return typeof a[0] === "number" ? -sign : sign;
        });
        body.append(...rows.map((r) => r[1]));
      });
    }
  }

  // ---- print: every finding, every help text, no controls -----------------------------------------
  window.addEventListener("beforeprint", () => {
    printing = true;
    drawList();
    for (const d of document.querySelectorAll("details")) d.open = true;
  });
  window.addEventListener("afterprint", () => {
    printing = false;
    drawList();
  });

  buildControls();
  wireControls();
  wireSorting();
  if (isFilterHash(location.hash.replace(/^#/, ""))) state = readHash();
  apply();
})();
