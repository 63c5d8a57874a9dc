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
// `?q=rust&scope=&folder_id=…`); the server reads both the same.
for (const form of document.querySelectorAll("form[data-clean-get]")) {
  form.addEventListener("submit", () => {
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
