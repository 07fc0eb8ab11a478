// One search suggestion as pages list them (title, then artists): the recommend page's seed search and the track
// pickers share it. Loaded before their scripts (both deferred, so in order).
(function () {
  "use strict";
  window.songrec = window.songrec || {};
  window.songrec.trackOption = function (track, index, onChoose) {
    const li = document.createElement("li");
    li.setAttribute("role", "option");
    li.dataset.index = index;
    li.dataset.spotifyId = track.spotify_id;
    const title = document.createElement("strong");
    title.textContent = track.name;
    const meta = document.createElement("div");
    meta.className = "meta";
    meta.textContent = (track.artists || []).map((artist) => artist.name).join(", ");
    li.append(title, meta);
    li.addEventListener("mousedown", (event) => { event.preventDefault(); onChoose(track); });
    return li;
  };
})();
