// Keyboard rating on the task page: 1–5 rate the focused track (and move on), 0/n "don't know" and x "can't play"
// (and move on), j/k or ↓/↑ move, Enter submits, p plays the focused track and s the seed (static/songrec/player.js).
(function () {
  "use strict";
  var form = document.getElementById("rating-form");
  if (!form) return;
  var items = Array.prototype.slice.call(form.querySelectorAll(".rate-item"));
  if (!items.length) return;
  var current = 0;
  var UNRATED_KEYS = { "0": "unknown", "n": "unknown", "x": "unplayable" };

  function focusItem(index, quiet) {
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach(function (item, i) { item.classList.toggle("focused", i === current); });
    items[current].focus({ preventScroll: true });
    if (!quiet) items[current].scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  function itemOf(element) {
    var index = items.indexOf(element && element.closest ? element.closest(".rate-item") : null);
    return index < 0 ? current : index;
  }

  function firstUnrated(after) {
    for (var i = after + 1; i < items.length; i++) {
      if (!items[i].querySelector("input[type=radio]:checked")) return i;
    }
    return Math.min(after + 1, items.length - 1);
  }

  // A rated track loses its "Rate track N" message; the summary above goes once no track is missing.
  function clearError(item) {
    item.classList.remove("has-error");
    item.querySelectorAll(".score-error").forEach(function (message) { message.remove(); });
    var summary = document.getElementById("rating-errors");
    if (summary && !form.querySelector(".rate-item.has-error")) summary.remove();
  }

  items.forEach(function (item, index) {
    item.addEventListener("focusin", function () {
      current = index;
      items.forEach(function (other, i) { other.classList.toggle("focused", i === index); });
    });
    item.addEventListener("change", function (event) {
      if (event.target.type === "radio") clearError(item);
    });
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (target && (target.tagName === "TEXTAREA" || (target.tagName === "INPUT" && target.type !== "radio"))) return;
    // Enter on a button, link or comment toggle keeps its own meaning ("Submit and stop" must stop).
    if (target && event.key === "Enter" && /^(SUMMARY|BUTTON|A)$/.test(target.tagName)) return;
    var key = event.key;
    var answer = (key >= "1" && key <= "5") ? key : UNRATED_KEYS[key];
    if (answer) {
      var index = itemOf(target);
      var radio = items[index].querySelector("input[type=radio][value='" + answer + "']");
      if (!radio || radio.disabled) return;
      radio.checked = true;
      radio.dispatchEvent(new Event("change", { bubbles: true }));
      event.preventDefault();
      focusItem(firstUnrated(index));
    } else if (key === "j" || key === "ArrowDown") {
      event.preventDefault();
      focusItem(itemOf(target) + 1);
    } else if (key === "k" || key === "ArrowUp") {
      event.preventDefault();
      focusItem(itemOf(target) - 1);
    } else if ((key === "p" || key === "s") && window.songrecPlayer) {
      var container = key === "p" ? items[itemOf(target)] : document.getElementById("seed-player");
      if (window.songrecPlayer.toggleIn(container)) event.preventDefault();
    } else if (key === "Enter") {
      event.preventDefault();
      var next = form.querySelector("button[name=then][value=next]");
      if (next) form.requestSubmit ? form.requestSubmit(next) : next.click();
    }
  });

  // Start on the first track still unrated (or with an error), without scrolling the seed out of view.
  var start = items.findIndex(function (item) {
    return item.classList.contains("has-error") || !item.querySelector("input[type=radio]:checked");
  });
  focusItem(start < 0 ? 0 : start, true);
})();
