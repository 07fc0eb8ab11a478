// Seed picking on /recommend/: type to search (GET /api/tracks/?q=), click or Enter to add a seed.
// Without JavaScript the same form submits ?q= and the page lists matches with "Add" links.
(function () {
  "use strict";
  const MAX_SEEDS = 100;
  const input = document.getElementById("seed-query");
  const list = document.getElementById("suggestions");
  const searchForm = document.getElementById("seed-search");
  if (!input || !list || !searchForm) return;
  const seedsField = searchForm.querySelector("input[name=seeds]");
  const seeds = () => (seedsField.value ? seedsField.value.split(",").filter(Boolean) : []);
  let timer = null, controller = null, active = -1, items = [];

  function goWithSeed(spotifyId) {
    const current = seeds();
    if (current.includes(spotifyId) || current.length >= MAX_SEEDS) return;
    const params = new URLSearchParams(window.location.search);
    params.set("seeds", [...current, spotifyId].join(","));
    params.delete("q");
    window.location.search = params.toString();
  }

  function render(results) {
    items = results;
    active = -1;
    list.replaceChildren();
    for (const [index, track] of results.entries()) {
      list.append(window.songrec.trackOption(track, index, (chosen) => goWithSeed(chosen.spotify_id)));
    }
    list.hidden = results.length === 0;
  }

  function highlight(index) {
    active = index;
    for (const li of list.children) li.setAttribute("aria-selected", String(Number(li.dataset.index) === index));
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const query = input.value.trim();
    if (!query) { render([]); return; }
    timer = setTimeout(async () => {
      if (controller) controller.abort();
      controller = new AbortController();
      try {
        const response = await fetch(`/api/tracks/?q=${encodeURIComponent(query)}&limit=8`,
                                     { signal: controller.signal, headers: { Accept: "application/json" } });
        if (!response.ok) { render([]); return; }
        const body = await response.json();
        const taken = new Set(seeds());
        render((body.results || []).filter((track) => !taken.has(track.spotify_id)));
      } catch (error) {
        if (error.name !== "AbortError") render([]);
      }
    }, 150);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && items.length) { event.preventDefault(); highlight(Math.min(items.length - 1, active + 1)); }
    else if (event.key === "ArrowUp" && items.length) { event.preventDefault(); highlight(Math.max(0, active - 1)); }
    else if (event.key === "Enter" && active >= 0) { event.preventDefault(); goWithSeed(items[active].spotify_id); }
    else if (event.key === "Escape") { render([]); }
  });
  input.addEventListener("blur", () => setTimeout(() => render([]), 100));
})();
