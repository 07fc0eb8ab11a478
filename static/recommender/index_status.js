// Poll /api/index/status/ while a rebuild runs and move the progress bar; reload when it finishes.
(function () {
  "use strict";
  const section = document.getElementById("build");
  if (!section) return;
  const url = section.dataset.statusUrl;
  const running = document.getElementById("build-running");
  const idle = document.getElementById("build-idle");
  let wasBuilding = !running.hidden;

  async function poll() {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const status = await response.json();
        const building = status.building;
        if (building) {
          const percent = Math.round(building.progress * 100);
          document.getElementById("build-version").textContent = building.id;
          document.getElementById("build-stage").textContent = building.stage_label;
          document.getElementById("build-bar").setAttribute("width", percent);
          document.getElementById("build-percent").textContent = percent;
          running.querySelector("[role=progressbar]").setAttribute("aria-valuenow", percent);
        } else if (wasBuilding) {
          window.location.reload();  // the new version and its metrics are rendered server-side
          return;
        }
        running.hidden = !building;
        idle.hidden = Boolean(building);
        wasBuilding = Boolean(building);
      }
    } catch (error) { /* offline for a moment: try again on the next tick */ }
    setTimeout(poll, wasBuilding ? 1500 : 5000);
  }
  setTimeout(poll, 1500);
})();
