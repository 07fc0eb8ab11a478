// A history import's page while the import is queued or running: polls its JSON every 2 s, moves the progress
// bar, and reloads the page (summary, unmatched songs) once the import is done or failed.
(function () {
  var card = document.getElementById("import");
  if (!card || (card.dataset.status !== "queued" && card.dataset.status !== "running")) return;
  setInterval(function () {
    fetch(card.dataset.url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
      var bar = document.getElementById("import-progress");
      if (bar) bar.value = data.progress;
      if (data.status === "done" || data.status === "failed") location.reload();
    });
  }, 2000);
})();
