// "Add to playlist" without leaving the page: the form of templates/playlists/_add_to_playlist.html posts to the
// API instead (POST /api/playlists/<id>/tracks/, or POST /api/me/playlists/ for a new one) and says what happened
// in the form's status line. Lists drawn in the browser (search-as-you-type) get the same form from adder().
(function () {
  "use strict";

  // A copy of the page's <template id="add-to-playlist-template"> for one track, or null where the page has none.
  function adder(spotifyId, name) {
    var template = document.getElementById("add-to-playlist-template");
    if (!template) return null;
    var node = template.content.firstElementChild.cloneNode(true);
    var form = node.querySelector("form");
    form.dataset.track = spotifyId;
    form.querySelector("[name=track]").value = spotifyId;
    form.querySelector("[name=next]").value = window.location.pathname + window.location.search;
    node.querySelector("summary .visually-hidden").textContent = "Add " + name + " to a playlist";
    return node;
  }

  function send(url, token, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token},
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    });
  }

  function problem(data) {
    if (data && data.detail) return data.detail;
    var first = data && Object.keys(data)[0];
    return first ? String([].concat(data[first])[0]) : "Could not add the track.";
  }

  // A new playlist joins every "Add to playlist" list on the page (and the template search results copy).
  function offer(pk, name) {
    var selects = Array.prototype.slice.call(document.querySelectorAll(".add-to-playlist-form select[name=playlist]"));
    var template = document.getElementById("add-to-playlist-template");
    if (template) selects.push(template.content.querySelector("select[name=playlist]"));
    selects.forEach(function (select) {
      var option = document.createElement("option");
      option.value = String(pk);
      option.textContent = name;
      select.insertBefore(option, select.firstChild);
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("add-to-playlist-form")) return;
    event.preventDefault();
    var token = form.querySelector("[name=csrfmiddlewaretoken]").value;
    var track = form.querySelector("[name=track]").value;
    var select = form.querySelector("[name=playlist]");
    var status = form.querySelector(".add-status");
    var choice = select.value;
    status.textContent = "Adding…";
    var request;
    if (choice === "new") {
      var name = form.querySelector("[name=name]").value.trim() || "New playlist";
      request = send("/api/me/playlists/", token, {name: name, tracks: [track]}).then(function (answer) {
        if (!answer.ok) throw new Error(problem(answer.data));
        offer(answer.data.id, answer.data.name);
        select.value = String(answer.data.id);
        form.querySelector("[name=name]").value = "";
        return "Added to the new playlist “" + answer.data.name + "”.";
      });
    } else {
      var label = select.options[select.selectedIndex].textContent;
      request = send("/api/playlists/" + encodeURIComponent(choice) + "/tracks/", token, {tracks: [track]})
        .then(function (answer) {
          if (!answer.ok) throw new Error(problem(answer.data));
          return (answer.data.added.length ? "Added to “" : "Already in “") + label + "”.";
        });
    }
    request.then(function (text) { status.textContent = text; })
      .catch(function (error) { status.textContent = error.message || "Could not add the track."; });
  });

  window.songrecPlaylists = {adder: adder};
})();
