// Search-as-you-type: query the JSON API after a short pause and redraw the result list.
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

  function render(results, query) {
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
      side.appendChild(document.createTextNode(" " + Math.round(track.score) + "% match"));
      item.appendChild(side);
      list.appendChild(item);
    });
    status.textContent = results.length ? results.length + " result" + (results.length === 1 ? "" : "s") + " for “" + query + "”"
      : "No matches for “" + query + "”. Try fewer words or another spelling.";
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
        render(answer.body.results, query);
        history.replaceState(null, "", "?q=" + encodeURIComponent(query));
      })
      .catch(function () { if (ticket === latest) status.textContent = "Search is unavailable right now."; });
  }

  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 150); });
})();
