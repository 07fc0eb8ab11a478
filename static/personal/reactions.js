// One-click like / dislike / undo without leaving the page: PUT /api/me/reactions/<id>/ and update the buttons.
// Lists drawn in the browser (search-as-you-type) build the same form with songrecReactions.buttons() and
// set its state with songrecReactions.paint(); clicks on any .reaction form are handled here.
(function () {
  "use strict";
  var KINDS = {like: "👍", dislike: "👎"};

  function paint(form, current) {
    form.dataset.current = current || "";
    form.querySelectorAll("button").forEach(function (button) {
      var kind = button.classList.contains("reaction-like") ? "like" : "dislike";
      var on = current === kind;
      button.classList.toggle("on", on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.value = on ? "" : kind;
      button.title = (on ? "Undo " : "") + (on ? kind : kind.charAt(0).toUpperCase() + kind.slice(1));
      // Named after the track ("Like Butter by BTS"), as aria-pressed says whether it is on.
      if (form.dataset.label) button.setAttribute("aria-label", kind.charAt(0).toUpperCase() + kind.slice(1) + " " + form.dataset.label);
    });
  }

  // The same markup as templates/personal/_reaction_buttons.html (it works without JavaScript too).
  function buttons(spotifyId, current, label) {
    var form = document.createElement("form");
    form.className = "reaction inline";
    form.method = "post";
    form.action = "/me/reactions/" + encodeURIComponent(spotifyId) + "/";
    form.dataset.track = spotifyId;
    if (label) form.dataset.label = label;
    var token = document.querySelector("[name=csrfmiddlewaretoken]");
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = "csrfmiddlewaretoken";
    hidden.value = token ? token.value : "";
    form.appendChild(hidden);
    Object.keys(KINDS).forEach(function (kind) {
      var button = document.createElement("button");
      button.type = "submit";
      button.name = "reaction";
      button.className = "link reaction-" + kind;
      button.textContent = KINDS[kind];
      form.appendChild(button);
    });
    paint(form, current);
    return form;
  }

  window.songrecReactions = {buttons: buttons, paint: paint};

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("reaction")) return;
    event.preventDefault();
    var value = event.submitter ? event.submitter.value : "";
    fetch("/api/me/reactions/" + encodeURIComponent(form.dataset.track) + "/", {
      method: "PUT",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json",
                "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value},
      body: JSON.stringify({reaction: value || null})
    }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then(function (data) { paint(form, data.reaction); })
      .catch(function () { form.submit(); });
  });
})();
