// The catalog map: draws the /api/clusters/map/ sample on a canvas, names the dot under the pointer and opens
// it on click. Every ".cluster-map" element with data-map-src is a map; data-color is "cluster" or "genre";
// data-track (optional) highlights that track and its neighbours. No inline code: works under a strict CSP.
(function () {
  "use strict";
  var RADIUS = 2.2, HIT = 6, MARGIN = 10;

  function setup(root) {
    var canvas = root.querySelector("canvas"), tip = root.querySelector(".tip"), legend = root.querySelector(".legend");
    var mode = root.dataset.color || "cluster", track = root.dataset.track;
    var url = root.dataset.mapSrc + (track ? "?track=" + encodeURIComponent(track) : "");
    fetch(url, {headers: {"Accept": "application/json"}}).then(function (response) {
      if (!response.ok) { throw new Error("map unavailable (" + response.status + ")"); }
      return response.json();
    }).then(function (data) { draw(root, canvas, tip, legend, data, mode); }).catch(function (error) {
      tip.textContent = error.message; tip.classList.add("shown");
    });
  }

  function draw(root, canvas, tip, legend, data, mode) {
    var ctx = canvas.getContext("2d"), n = data.x.length, i;
    var points = data.x.slice(), ys = data.y.slice(), focus = data.focus;
    var extra = focus ? [focus.track].concat(focus.neighbours) : [];
    var all = points.concat(extra.map(function (p) { return p.x; }));
    var allY = ys.concat(extra.map(function (p) { return p.y; }));
    var minX = Math.min.apply(null, all), maxX = Math.max.apply(null, all);
    var minY = Math.min.apply(null, allY), maxY = Math.max.apply(null, allY);
    var sx = (canvas.width - 2 * MARGIN) / ((maxX - minX) || 1), sy = (canvas.height - 2 * MARGIN) / ((maxY - minY) || 1);
    function px(x) { return MARGIN + (x - minX) * sx; }
    function py(y) { return canvas.height - MARGIN - (y - minY) * sy; }
    var clusterColor = {};
    data.clusters.forEach(function (c) { clusterColor[c.number] = c.color; });
    function color(k) {
      if (mode === "genre") { return data.genre[k] >= 0 ? data.genres[data.genre[k]].color : data.other_color; }
      return clusterColor[data.cluster[k]] || data.other_color;
    }
    ctx.globalAlpha = focus ? 0.35 : 0.8;
    var X = new Float32Array(n), Y = new Float32Array(n);
    for (i = 0; i < n; i++) {
      X[i] = px(data.x[i]); Y[i] = py(data.y[i]);
      ctx.fillStyle = color(i); ctx.fillRect(X[i] - RADIUS / 2, Y[i] - RADIUS / 2, RADIUS, RADIUS);
    }
    ctx.globalAlpha = 1;
    var marks = [];
    extra.forEach(function (p, k) {
      var x = px(p.x), y = py(p.y);
      ctx.beginPath(); ctx.arc(x, y, k === 0 ? 7 : 5, 0, 2 * Math.PI);
      ctx.fillStyle = k === 0 ? "#111" : "#f1c40f"; ctx.fill();
      ctx.lineWidth = 1.5; ctx.strokeStyle = k === 0 ? "#fff" : "#111"; ctx.stroke();
      marks.push({x: x, y: y, id: p.id, label: (k === 0 ? "this track: " : "neighbour: ") + p.label});
    });
    var entries = mode === "genre" ? data.genres.map(function (g) { return [g.color, g.name]; }).concat([[data.other_color, "other genres"]])
      : data.clusters.map(function (c) { return [c.color, c.number + ": " + c.label]; });
    legend.textContent = "";
    entries.forEach(function (entry) {
      var item = document.createElement("li"), swatch = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      swatch.setAttribute("width", "12"); swatch.setAttribute("height", "12");
      var dot = document.createElementNS("http://www.w3.org/2000/svg", "circle");
      dot.setAttribute("cx", "6"); dot.setAttribute("cy", "6"); dot.setAttribute("r", "5"); dot.setAttribute("fill", entry[0]);
      swatch.appendChild(dot); item.appendChild(swatch); item.appendChild(document.createTextNode(" " + entry[1]));
      legend.appendChild(item);
    });

    function nearest(event) {
      var rect = canvas.getBoundingClientRect();
      var x = (event.clientX - rect.left) * canvas.width / rect.width, y = (event.clientY - rect.top) * canvas.height / rect.height;
      var best = null, bestD = HIT * HIT, k, dx, dy, d;
      for (k = 0; k < marks.length; k++) {
        dx = marks[k].x - x; dy = marks[k].y - y; d = dx * dx + dy * dy;
        if (d < bestD * 4) { return {id: marks[k].id, label: marks[k].label, x: marks[k].x, y: marks[k].y}; }
      }
      for (k = 0; k < n; k++) {
        dx = X[k] - x; dy = Y[k] - y; d = dx * dx + dy * dy;
        if (d < bestD) { bestD = d; best = k; }
      }
      return best === null ? null : {id: data.id[best], label: data.label[best], x: X[best], y: Y[best]};
    }
    canvas.addEventListener("mousemove", function (event) {
      var hit = nearest(event);
      if (!hit) { tip.classList.remove("shown"); canvas.title = ""; return; }
      var rect = canvas.getBoundingClientRect();
      tip.textContent = hit.label;
      tip.classList.add("shown");
      positionTip(tip, canvas, rect, hit);
    });
    canvas.addEventListener("mouseleave", function () { tip.classList.remove("shown"); });
    canvas.addEventListener("click", function (event) {
      var hit = nearest(event);
      if (hit) { window.location.href = "/tracks/" + encodeURIComponent(hit.id) + "/"; }
    });
  }

  function positionTip(tip, canvas, rect, hit) {
    // CSSOM property writes are not style attributes in the markup: allowed under style-src 'self'.
    tip.style.left = (hit.x * rect.width / canvas.width + 12) + "px";
    tip.style.top = (hit.y * rect.height / canvas.height + 12) + "px";
  }

  document.querySelectorAll(".cluster-map[data-map-src]").forEach(function (root) {
    var details = root.closest("details");
    if (!details || details.open) { setup(root); return; }
    // On a track page the map waits in a closed <details>: fetch it only when someone opens it.
    details.addEventListener("toggle", function once() {
      details.removeEventListener("toggle", once);
      setup(root);
    });
  });
})();
