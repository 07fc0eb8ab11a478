// Search-as-you-type: query the JSON API after a short pause and redraw the result list, saying "Searching…"
// while a query is out. ↓ from the box goes to the first result, ↓/↑ move through the results, Escape goes back to
// the box. For a signed-in listener each result gets the like / dislike buttons (personal/reactions.js) and
// "Add to playlist" (playlists/playlists.js).
(function () {
  "use strict";
  var input = document.getElementById("search");
  var list = document.getElementById("search-results");
  var artistList = document.getElementById("artist-results");
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

  // The match score (0–100) in words: the first results of "norah jones" all name her equally well, and one
  // percentage each ("90% match") read as if they differed.
  function closeness(score) {
    if (score >= 95) return "exact match";
    if (score >= 80) return "close match";
    return "loose match";
  }

  // Artists the query names, above the tracks, each with a few of their most popular songs (same markup as
  // templates/catalog/_artist_match.html).
  function renderArtists(artists) {
    if (!artistList) return;
    artistList.replaceChildren();
    (artists || []).forEach(function (match) {
      var item = element("li", null, "artist-match");
      var main = element("div");
      var link = element("a");
      link.href = match.url;
      link.appendChild(element("strong", match.name));
      main.appendChild(link);
      var meta = element("div", "Artist · " + match.track_count + " track" + (match.track_count === 1 ? "" : "s"), "meta");
      match.top_tracks.forEach(function (track, index) {
        meta.appendChild(document.createTextNode(index ? ", " : " · "));
        var song = element("a", track.name);
        song.href = track.url;
        meta.appendChild(song);
      });
      main.appendChild(meta);
      item.appendChild(main);
      artistList.appendChild(item);
    });
    artistList.hidden = !(artists && artists.length);
  }

  // The same markup as templates/catalog/_cover.html: a lazy image of fixed size, or the neutral placeholder.
  function cover(url) {
    if (!url) {
      var placeholder = element("span", null, "cover cover-row cover-placeholder");
      placeholder.setAttribute("aria-hidden", "true");
      return placeholder;
    }
    var image = element("img", null, "cover cover-row");
    image.src = url; image.alt = ""; image.loading = "lazy"; image.decoding = "async";
    image.width = 48; image.height = 48;
    return image;
  }

  function render(results, query, ticket) {
    var reactions = window.songrecReactions;  // loaded for signed-in listeners only
    var forms = {};
    list.replaceChildren();
    var covers = list.dataset.covers === "on";  // off with COVER_ART=0 (templates/catalog/_cover.html)
    results.forEach(function (track) {
      var item = element("li", null, "track-row");
      if (covers) item.appendChild(cover(track.cover_url));
      var main = element("div", null, "track-text");
      var link = element("a");
      link.href = track.url;
      link.appendChild(element("strong", track.name));
      main.appendChild(link);
      var names = track.artists.map(function (a) { return a.name; }).join(", ");
      main.appendChild(element("div", names + (track.album ? " · " + track.album : ""), "meta"));
      item.appendChild(main);
      var side = element("div", null, "meta");
      track.genres.forEach(function (g) { side.appendChild(element("span", g, "tag")); });
      var match = element("span", closeness(track.score), "closeness");
      match.title = "match score " + Math.round(track.score) + " of 100";
      side.appendChild(document.createTextNode(" "));
      side.appendChild(match);
      side.appendChild(document.createTextNode(" "));
      if (reactions) {
        forms[track.spotify_id] = reactions.buttons(track.spotify_id, "", track.name + (names ? " by " + names : ""));
        side.appendChild(forms[track.spotify_id]);
      }
      if (window.songrecPlaylists) {  // signed-in listeners: "Add to playlist" (playlists/playlists.js)
        var adder = window.songrecPlaylists.adder(track.spotify_id, track.name);
        if (adder) side.appendChild(adder);
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
    if (!query) {
      list.replaceChildren(); renderArtists([]); status.textContent = ""; if (popular) popular.hidden = false; return;
    }
    if (popular) popular.hidden = true;
    status.textContent = "Searching…";
    list.setAttribute("aria-busy", "true");
    fetch(input.dataset.api + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (answer) {
        if (ticket !== latest) return;  // a newer keystroke already asked
        list.removeAttribute("aria-busy");
        if (!answer.ok) { status.textContent = (answer.body.q || ["Search failed."])[0]; return; }
        renderArtists(answer.body.artists);
        render(answer.body.results, query, ticket);
        history.replaceState(null, "", "?q=" + encodeURIComponent(query));
      })
      .catch(function () {
        if (ticket !== latest) return;
        list.removeAttribute("aria-busy");
        status.textContent = "Search is unavailable right now.";
      });
  }

  // The result links, in order: the arrow keys move the focus through them.
  function resultLinks() {
    var lists = artistList ? [artistList, list] : [list];
    return lists.reduce(function (links, ul) {
      return links.concat(Array.prototype.slice.call(ul.querySelectorAll("li > div > a:first-child")));
    }, []);
  }

  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 150); });
  input.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowDown") return;
    var links = resultLinks();
    if (links.length) { event.preventDefault(); links[0].focus(); }
  });
  function onResultKey(event) {
    var links = resultLinks();
    var index = links.indexOf(document.activeElement);
    if (event.key === "Escape") { event.preventDefault(); input.focus(); return; }
    if (index < 0 || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) return;
    event.preventDefault();
    if (event.key === "ArrowUp" && index === 0) input.focus();
    else links[Math.max(0, Math.min(links.length - 1, index + (event.key === "ArrowDown" ? 1 : -1)))].focus();
  }
  list.addEventListener("keydown", onResultKey);
  if (artistList) artistList.addEventListener("keydown", onResultKey);
})();
