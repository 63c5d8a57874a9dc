// The Ctrl/⌘+K command palette: bookmarks, folders, tags and pages; "go <prefix>" lists
// go-links. Data comes from /palette (signed-in pages only); Enter opens, Esc closes.

const dialog = document.getElementById("palette");
const input = document.getElementById("palette-input");
const list = document.getElementById("palette-results");
// Says "Searching…" while an answer is awaited, and when nothing matched or the server could
// not be reached (a screen reader hears it: it is a status region).
const status = document.getElementById("palette-status");

if (dialog && input && list) {
  let items = [];
  let active = -1;
  let timer = 0;
  let asked = "";

  const select = (i) => {
    active = i;
    for (const [n, li] of [...list.children].entries()) li.setAttribute("aria-selected", String(n === i));
    const li = list.children[i];
    if (li) { input.setAttribute("aria-activedescendant", li.id); li.scrollIntoView({ block: "nearest" }); }
    else input.removeAttribute("aria-activedescendant");
  };

  const render = () => {
    list.replaceChildren(...items.map((item, i) => {
      const li = document.createElement("li");
      li.id = `palette-item-${i}`;
      li.setAttribute("role", "option");
      const label = document.createElement("span");
      label.textContent = item.label;
      const kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = item.detail;
      li.append(label, kind);
      li.addEventListener("click", () => go(i));
      return li;
    }));
    select(items.length ? 0 : -1);
  };

  const say = (key) => { if (status) status.textContent = key ? status.dataset[key] || "" : ""; };
  const load = async () => {
    const q = input.value;
    asked = q;
    // Only a wait long enough to notice is announced.
    const slow = setTimeout(() => { if (asked === q) say("loading"); }, 150);
    try {
      const res = await fetch(`/palette?q=${encodeURIComponent(q)}`, { headers: { accept: "application/json" } });
      if (asked !== q) return;
      if (!res.ok) { say("failed"); return; }
      items = await res.json();
      render();
      say(items.length ? "" : "none");
    } catch { if (asked === q) say("failed"); } finally { clearTimeout(slow); }
  };

  const go = (i) => {
    const item = items[i];
    if (item) window.location.assign(item.href);
  };

  const open = () => {
    if (dialog.open) return;
    dialog.showModal();
    input.select();
    load();
  };

  document.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") { e.preventDefault(); open(); }
  });
  for (const button of document.querySelectorAll("[data-palette-open]")) button.addEventListener("click", open);
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(load, 120); });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown") { e.preventDefault(); select(Math.min(active + 1, items.length - 1)); }
    else if (e.key === "ArrowUp") { e.preventDefault(); select(Math.max(active - 1, 0)); }
    else if (e.key === "Enter") { e.preventDefault(); go(active); }
  });
  dialog.addEventListener("click", (e) => { if (e.target === dialog) dialog.close(); });
}
