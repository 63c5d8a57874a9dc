// SlugBase pages: small helpers on top of pages that already work without JavaScript.
// Loaded as a module (deferred); the CSP allows only our own files, so no inline handlers.

document.documentElement.classList.add("js");

const live = (() => {
  let el = document.getElementById("js-live");
  if (!el) {
    el = document.createElement("p");
    el.id = "js-live";
    el.className = "visually-hidden";
    el.setAttribute("role", "status");
    document.body.append(el);
  }
  return (text) => { el.textContent = ""; setTimeout(() => { el.textContent = text; }, 30); };
})();

// A <select data-autosubmit> submits its form when changed (the button stays for no-JS).
for (const select of document.querySelectorAll("select[data-autosubmit]")) {
  select.addEventListener("change", () => select.form?.requestSubmit());
}

// <button data-copy="text" data-copied="Copied">: copies and says so.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  event.preventDefault();
  try {
    await navigator.clipboard.writeText(button.dataset.copy);
    live(button.dataset.copied || "Copied");
  } catch {
    window.prompt("", button.dataset.copy);
  }
});

// <input type="checkbox" data-select-all="name">: ticks every checkbox called `name` in the
// same form; <output data-selected-count> shows how many are ticked.
for (const all of document.querySelectorAll("input[data-select-all]")) {
  const form = all.form || all.closest("form");
  const boxes = () => form ? [...form.querySelectorAll(`input[type=checkbox][name="${all.dataset.selectAll}"]`)] : [];
  const update = () => {
    const n = boxes().filter((b) => b.checked).length;
    for (const out of document.querySelectorAll("[data-selected-count]")) out.textContent = String(n);
    all.checked = n > 0 && n === boxes().length;
    all.indeterminate = n > 0 && n < boxes().length;
  };
  all.addEventListener("change", () => { for (const b of boxes()) b.checked = all.checked; update(); });
  form?.addEventListener("change", (e) => { if (e.target !== all) update(); });
}

// <details data-bulk-bar> in a form: hidden (by the stylesheet) until a bookmark is ticked, then
// shown open; without JavaScript it stays a folded line above the list.
for (const bar of document.querySelectorAll("details[data-bulk-bar]")) {
  const form = bar.closest("form");
  if (!form) continue;
  const show = () => {
    const n = [...form.querySelectorAll('input[type=checkbox][name="ids"]')].filter((b) => b.checked).length;
    for (const out of document.querySelectorAll("[data-selected-count]")) out.textContent = String(n);
    bar.classList.toggle("active", n > 0);
    if (n > 0 && !bar.open) bar.open = true;
  };
  form.addEventListener("change", show);
  // The select-all box may sit outside the form (form="…"): its change reaches the document.
  document.addEventListener("change", (e) => { if (e.target.form === form && !form.contains(e.target)) show(); });
  show();
}

// <form method="get" data-clean-get>: blank fields stay out of the address (`?q=rust`, not
// `?q=rust&scope=&folder_id=…`); the server reads both the same. A typed field paired with a
// hidden id (`data-id-field`) sends the id while it is unchanged, itself once changed.
for (const form of document.querySelectorAll("form[data-clean-get]")) {
  form.addEventListener("submit", () => {
    for (const typed of form.querySelectorAll("input[data-id-field]")) {
      const id = document.getElementById(typed.dataset.idField);
      const off = typed.value === typed.defaultValue ? typed : id;
      for (const el of [off, typed.value.trim() === "" ? typed : null]) {
        if (el) { el.disabled = true; setTimeout(() => { el.disabled = false; }, 0); }
      }
    }
    for (const el of form.elements) {
      if (el.name && !el.disabled && el.value === "" && el.type !== "checkbox") {
        el.disabled = true;
        setTimeout(() => { el.disabled = false; }, 0);
      }
    }
  });
}

// <form data-progress>: shows upload progress in its <progress> while sending the file.
for (const form of document.querySelectorAll("form[data-progress]")) {
  form.addEventListener("submit", (event) => {
    const bar = form.querySelector("progress");
    if (!bar || !window.XMLHttpRequest) return;
    event.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open(form.method || "post", form.action);
    bar.hidden = false;
    xhr.upload.addEventListener("progress", (e) => { if (e.lengthComputable) bar.value = e.loaded / e.total; });
    xhr.addEventListener("load", () => {
      // Sent on to another page (an import's progress page): load it as a page, so that what
      // its answer says (such as reloading itself) applies.
      const sent = xhr.responseURL && new URL(xhr.responseURL).pathname !== new URL(form.action, location.href).pathname;
      if (sent && xhr.status < 400) { location.assign(xhr.responseURL); return; }
      document.open();
      document.write(xhr.responseText);
      document.close();
      history.replaceState(null, "", xhr.responseURL || form.action);
    });
    xhr.addEventListener("error", () => form.submit());
    xhr.send(new FormData(form));
  });
}

// The header's <details class="menu">: on a wide screen the stylesheet shows what it folds, and
// here it is marked open too, so that what assistive technology reads agrees with the screen;
// going narrow folds it again.
const wide = window.matchMedia("(min-width: 75rem)");
const fold = () => { for (const menu of document.querySelectorAll("details.menu")) menu.open = wide.matches; };
if (CSS.supports("selector(::details-content)")) {
  wide.addEventListener("change", fold);
  fold();
}

// A listbox of suggestions under a text field: the field becomes an ARIA combobox; Up/Down
// move through the options, Enter takes one, Escape closes, a click takes one too.
// `pick(option)` is called with the chosen {label, value, detail}; with `firstOnEnter`, Enter
// takes the first option when none is marked (rather than submitting the form).
const combobox = (input, label, pick, firstOnEnter = false) => {
  const list = document.createElement("ul");
  list.id = `${input.id}-list`;
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", label);
  list.hidden = true;
  input.after(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  let items = [];
  let active = -1;

  const mark = (i) => {
    active = i;
    for (const [n, li] of [...list.children].entries()) li.setAttribute("aria-selected", String(n === i));
    const li = list.children[i];
    if (li) { input.setAttribute("aria-activedescendant", li.id); li.scrollIntoView({ block: "nearest" }); }
    else input.removeAttribute("aria-activedescendant");
  };
  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    mark(-1);
  };
  const show = (options) => {
    items = options;
    list.replaceChildren(...items.map((item, i) => {
      const li = document.createElement("li");
      li.id = `${list.id}-${i}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      const text = document.createElement("span");
      text.textContent = item.label;
      li.append(text);
      if (item.detail) {
        const kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = item.detail;
        li.append(kind);
      }
      // mousedown, not click: the field keeps its focus.
      li.addEventListener("mousedown", (e) => { e.preventDefault(); take(i); });
      return li;
    }));
    const open = items.length > 0;
    list.hidden = !open;
    input.setAttribute("aria-expanded", String(open));
    mark(-1);
  };
  const take = (i) => {
    const item = items[i];
    close();
    if (item) pick(item);
  };
  input.addEventListener("keydown", (e) => {
    const open = !list.hidden;
    if (e.key === "ArrowDown" && items.length) {
      e.preventDefault();
      if (!open) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
      mark(Math.min(active + 1, items.length - 1));
    } else if (e.key === "ArrowUp" && open) {
      e.preventDefault();
      mark(Math.max(active - 1, 0));
    } else if (e.key === "Enter" && open && (active >= 0 || (firstOnEnter && items.length))) {
      e.preventDefault();
      take(Math.max(active, 0));
    } else if (e.key === "Escape" && open) {
      e.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", close);
  return { show, close };
};

// <input data-suggest="/tags/suggest">: a field of comma-separated names; the name being
// typed is completed from the JSON list the URL answers for ?q=. With `data-single` the
// field holds one value (a folder's path, which may hold commas); with `data-chosen="<id>"`
// a suggestion taken is ticked in that list of checkboxes (the bookmark form's folders) and
// the field is emptied for the next one.
for (const input of document.querySelectorAll("input[data-suggest]")) {
  let timer = 0;
  let asked = "";
  const single = input.hasAttribute("data-single");
  const chosen = input.dataset.chosen ? document.getElementById(input.dataset.chosen) : null;
  // The entry around the caret: [start, end) of the value.
  const entry = () => {
    const v = input.value;
    if (single) return [0, v.length];
    const at = input.selectionStart ?? v.length;
    const start = v.lastIndexOf(",", at - 1) + 1;
    const next = v.indexOf(",", at);
    return [start, next < 0 ? v.length : next];
  };
  const typed = () => { const [s, e] = entry(); return input.value.slice(s, e).trim(); };
  const others = () => {
    if (single) return new Set();
    const [s, e] = entry();
    const rest = input.value.slice(0, s) + input.value.slice(e);
    return new Set(rest.split(",").map((n) => n.trim().replace(/^"|"$/g, "").toLowerCase()).filter(Boolean));
  };
  const tick = (item) => {
    let box = chosen.querySelector(`input[value="${CSS.escape(item.id)}"]`);
    if (!box) {
      const li = document.createElement("li");
      const wrap = document.createElement("label");
      wrap.className = "chip-check";
      wrap.htmlFor = `${chosen.id}-${chosen.children.length}`;
      box = document.createElement("input");
      box.type = "checkbox";
      box.name = "folder_ids";
      box.value = item.id;
      box.id = wrap.htmlFor;
      wrap.append(box, item.label);
      li.append(wrap);
      chosen.append(li);
    }
    box.checked = true;
    chosen.hidden = false;
    input.value = "";
    live((input.dataset.added || "{folder}").replace("{folder}", item.label));
  };
  const box = combobox(input, input.dataset.listLabel || "", (item) => {
    if (chosen && item.id) { tick(item); return; }
    if (single) {
      input.value = item.value;
      live(item.label);
      return;
    }
    const [s, e] = entry();
    const before = input.value.slice(0, s).replace(/\s*$/, "");
    const after = input.value.slice(e).replace(/^\s*,?\s*/, "");
    const head = before ? `${before} ` : "";
    const text = `${head}${item.value}, `;
    input.value = text + after;
    input.setSelectionRange(text.length, text.length);
    live(item.label);
  }, Boolean(chosen));
  const load = async () => {
    const q = typed();
    asked = q;
    if (!q) { box.close(); return; }
    try {
      const res = await fetch(`${input.dataset.suggest}?q=${encodeURIComponent(q)}`, { headers: { accept: "application/json" } });
      if (!res.ok || asked !== q) return;
      const taken = others();
      const found = (await res.json()).filter((i) => !taken.has(i.label.toLowerCase()));
      if (asked === q && document.activeElement === input) box.show(found);
    } catch { /* offline: typing still works */ }
  };
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(load, 120); });
}

