// The cold-start genre picker: typing filters the genres (ticked ones always stay), empty families hide.
(function () {
  "use strict";
  const input = document.getElementById("genre-filter");
  if (!input) return;
  const status = document.getElementById("genre-filter-status");
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") event.preventDefault();  // filtering, not sending the form
  });
  input.addEventListener("input", function () {
    const query = input.value.trim().toLowerCase().replace(/[\s-]+/g, "");
    let shown = 0;
    document.querySelectorAll(".genre-family").forEach(function (family) {
      let any = false;
      family.querySelectorAll("label.tag").forEach(function (label) {
        const name = label.textContent.trim().toLowerCase().replace(/[\s-]+/g, "");
        const match = !query || name.includes(query) || label.querySelector("input").checked;
        label.hidden = !match;
        if (match) { any = true; shown += 1; }
      });
      family.hidden = !any;
    });
    status.textContent = query ? (shown ? shown + " genre" + (shown === 1 ? "" : "s") + " match" : "No genre matches") : "";
  });
})();
