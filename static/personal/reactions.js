// One-click like / dislike / undo without leaving the page: PUT /api/me/reactions/<id>/ and update the buttons.
(function () {
  "use strict";
  function paint(form, current) {
    form.dataset.current = current || "";
    form.querySelectorAll("button").forEach(function (button) {
      var kind = button.classList.contains("reaction-like") ? "like" : "dislike";
      var on = current === kind;
      button.classList.toggle("on", on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.value = on ? "" : kind;
      button.title = (on ? "Undo " : "") + (on ? kind : kind.charAt(0).toUpperCase() + kind.slice(1));
    });
  }
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
