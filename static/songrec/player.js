// In-page player: a "Play" button loads Spotify's embed player for its track only when pressed, so no
// third-party request happens before someone asks to listen. Pressing it again hides (and stops) the player.
// No inline script or style: the Content-Security-Policy only has to allow the embed's frame origin.
(function () {
  "use strict";

  function toggle(button) {
    var holder = document.getElementById(button.getAttribute("aria-controls"));
    if (!holder) return;
    var open = button.getAttribute("aria-expanded") === "true";
    holder.replaceChildren();  // removing the frame stops the music
    holder.hidden = open;
    button.setAttribute("aria-expanded", String(!open));
    button.querySelector(".player-label").textContent = open ? "Play" : "Hide player";
    if (open) return;
    var frame = document.createElement("iframe");
    frame.src = button.dataset.embed;
    frame.title = "Spotify player: " + button.dataset.title;
    frame.className = "player-frame";
    frame.loading = "eager";
    frame.allow = "autoplay; clipboard-write; encrypted-media; fullscreen; picture-in-picture";
    holder.appendChild(frame);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.player-toggle") : null;
    if (!button) return;
    event.preventDefault();
    toggle(button);
  });

  // For keyboard shortcuts elsewhere (the rating page's "p" and "s"): toggle the player inside ``container``.
  window.songrecPlayer = {
    toggleIn: function (container) {
      var button = container && container.querySelector("button.player-toggle");
      if (button) toggle(button);
      return !!button;
    },
  };
})();
