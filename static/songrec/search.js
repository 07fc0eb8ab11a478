// Search-as-you-type: query the JSON API after a short pause and redraw the result list. For a signed-in
// listener each result gets the like / dislike buttons (personal/reactions.js), set from their reactions.
(function () {
  "use strict";
  var input = document.getElementById("search");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var popular = document.getElementById("popular");
  if (!input || !list) return;
  var timer = null;
  var latest = 0;

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  // Ask which of the shown tracks the listener already liked or disliked, and light those buttons.
  function showReactions(forms, ticket) {
    var ids = Object.keys(forms);
    if (!ids.length) return;
    fetch("/api/me/reactions/?tracks=" + ids.map(encodeURIComponent).join(","),
          { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (reactions) {
        if (ticket !== latest) return;
        reactions.forEach(function (r) { if (forms[r.track]) window.songrecReactions.paint(forms[r.track], r.reaction); });
      })
      .catch(function () {});  // the buttons still work; they just start unlit
  }

  function render(results, query, ticket) {
    var reactions = window.songrecReactions;  // loaded for signed-in listeners only
    var forms = {};
    list.replaceChildren();
    results.forEach(function (track) {
      var item = element("li");
      var main = element("div");
      var link = element("a");
      link.href = track.url;
      link.appendChild(element("strong", track.name));
      main.appendChild(link);
      var names = track.artists.map(function (a) { return a.name; }).join(", ");
      main.appendChild(element("div", names + (track.album ? " · " + track.album : ""), "meta"));
      item.appendChild(main);
      var side = element("div", null, "meta");
      track.genres.forEach(function (g) { side.appendChild(element("span", g, "tag")); });
      side.appendChild(document.createTextNode(" " + Math.round(track.score) + "% match "));
      if (reactions) {
        forms[track.spotify_id] = reactions.buttons(track.spotify_id, "", track.name + (names ? " by " + names : ""));
        side.appendChild(forms[track.spotify_id]);
      }
      item.appendChild(side);
      list.appendChild(item);
    });
    status.textContent = results.length ? results.length + " result" + (results.length === 1 ? "" : "s") + " for “" + query + "”"
      : "No matches for “" + query + "”. Try fewer words or another spelling.";
    if (reactions) showReactions(forms, ticket);
  }

  function search() {
    var query = input.value.trim();
    var ticket = ++latest;
    if (!query) { list.replaceChildren(); status.textContent = ""; if (popular) popular.hidden = false; return; }
    if (popular) popular.hidden = true;
    fetch(input.dataset.api + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (answer) {
        if (ticket !== latest) return;  // a newer keystroke already asked
        if (!answer.ok) { status.textContent = (answer.body.q || ["Search failed."])[0]; return; }
        render(answer.body.results, query, ticket);
        history.replaceState(null, "", "?q=" + encodeURIComponent(query));
      })
      .catch(function () { if (ticket === latest) status.textContent = "Search is unavailable right now."; });
  }

  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 150); });
})();
