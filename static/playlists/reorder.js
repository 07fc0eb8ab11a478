// Reordering a playlist you own without reloading: the ↑ / ↓ buttons (plain form posts without JavaScript, so the
// keyboard path needs no dragging) and drag and drop both call POST /api/playlists/<id>/tracks/<track>/move/.
// Every element with data-position mirrors an entry's place; a move shifts them as the server does.
(function () {
  "use strict";
  var list = document.getElementById("playlist-rows");
  if (!list || !list.dataset.owner) return;
  var status = document.getElementById("reorder-status");
  var token = document.querySelector("[name=csrfmiddlewaretoken]");
  var dragged = null;

  function rows() { return Array.prototype.slice.call(list.querySelectorAll(":scope > li.playlist-row")); }

  // Each row's ↑ goes to the place of the row before it, ↓ to the one after; the ends have nowhere to go.
  function relabel() {
    var all = rows();
    all.forEach(function (row, index) {
      var up = row.querySelector(".move-up"), down = row.querySelector(".move-down");
      up.disabled = index === 0;
      up.value = index ? all[index - 1].dataset.position : "";
      down.disabled = index === all.length - 1;
      down.value = index < all.length - 1 ? all[index + 1].dataset.position : "";
    });
  }

  function shift(row, from, to) {
    list.querySelectorAll("[data-position]").forEach(function (element) {
      if (element === row) return;
      var place = Number(element.dataset.position);
      if (to < from && place >= to && place < from) element.dataset.position = place + 1;
      else if (to > from && place > from && place <= to) element.dataset.position = place - 1;
    });
    row.dataset.position = to;
    rows().sort(function (a, b) { return a.dataset.position - b.dataset.position; })
      .forEach(function (item) { list.appendChild(item); });
    relabel();
  }

  function move(row, to, focusClass) {
    var from = Number(row.dataset.position);
    return fetch("/api/playlists/" + list.dataset.playlist + "/tracks/" + encodeURIComponent(row.dataset.track) + "/move/", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token.value},
      body: JSON.stringify({position: Number(to)})
    }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then(function (data) {
      shift(row, from, data.position);
      var place = rows().indexOf(row) + 1;
      status.textContent = "Moved " + row.dataset.label + " to place " + place + " of " + rows().length + ".";
      if (focusClass) {  // keep the keyboard where it was; at an end, on the button that still works
        var button = row.querySelector(focusClass);
        (button.disabled ? row.querySelector(focusClass === ".move-up" ? ".move-down" : ".move-up") : button).focus();
      }
    });
  }

  list.addEventListener("submit", function (event) {
    var form = event.target;
    // Remove (the form's other button) goes through as a plain post.
    if (!form.classList.contains("move-form") || !event.submitter || !event.submitter.name) return;
    event.preventDefault();
    var button = event.submitter;
    move(form.closest("li.playlist-row"), button.value, "." + button.className.split(" ")[0])
      .catch(function () { status.textContent = "Could not move it; reload the page and try again."; });
  });

  rows().forEach(function (row) { row.draggable = true; });
  list.addEventListener("dragstart", function (event) {
    dragged = event.target.closest && event.target.closest("li.playlist-row");
    if (!dragged) return;
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.track);
  });
  list.addEventListener("dragover", function (event) {
    if (dragged) event.preventDefault();
  });
  list.addEventListener("drop", function (event) {
    var target = event.target.closest && event.target.closest("li.playlist-row");
    event.preventDefault();
    if (!dragged || !target || target === dragged) return;
    move(dragged, target.dataset.position, null).catch(function () { window.location.reload(); });
  });
  list.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
  });
})();
