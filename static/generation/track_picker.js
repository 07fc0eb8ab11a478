// Track pickers on the song path and generate pages: type to search (GET /api/tracks/?q=), click or Enter to put the
// track's Spotify id in the field beside (appended when the field takes several). Without JavaScript, ids are typed.
(function () {
  "use strict";
  for (const picker of document.querySelectorAll("[data-track-picker]")) {
    const input = picker.querySelector(".picker-query");
    const field = picker.querySelector(".picker-value");
    const list = picker.querySelector(".suggestions");
    let timer = null, controller = null, active = -1, items = [];

    function choose(track) {
      if (field.hasAttribute("data-many")) {
        const ids = field.value.split(",").map((id) => id.trim()).filter(Boolean);
        if (!ids.includes(track.spotify_id)) ids.push(track.spotify_id);
        field.value = ids.join(",");
      } else {
        field.value = track.spotify_id;
      }
      input.value = track.name;
      list.hidden = true;
      list.replaceChildren();
    }

    function render(results) {
      items = results;
      active = -1;
      list.replaceChildren();
      for (const [index, track] of results.entries()) {
        const li = window.songrec.trackOption(track, index, choose);
        li.id = `${field.id}-option-${index}`;
        list.append(li);
      }
      list.hidden = results.length === 0;
    }

    function highlight(index) {
      const options = list.querySelectorAll("li");
      options.forEach((li, i) => li.setAttribute("aria-selected", i === index ? "true" : "false"));
      active = index;
      if (options[index]) input.setAttribute("aria-activedescendant", options[index].id);
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      const query = input.value.trim();
      if (query.length < 2) { render([]); return; }
      timer = setTimeout(async () => {
        if (controller) controller.abort();
        controller = new AbortController();
        try {
          const response = await fetch(`/api/tracks/?q=${encodeURIComponent(query)}`,
                                       { signal: controller.signal, headers: { Accept: "application/json" } });
          if (!response.ok) return;
          const data = await response.json();
          render((data.results || []).slice(0, 8));
        } catch (error) {
          if (error.name !== "AbortError") render([]);
        }
      }, 150);
    });
    input.addEventListener("keydown", (event) => {
      if (list.hidden || !items.length) return;
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(items[active]); }
      else if (event.key === "Escape") { list.hidden = true; }
    });
    input.addEventListener("blur", () => { list.hidden = true; });
  }
})();
