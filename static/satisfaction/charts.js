/* The satisfaction index's charts: data from the page's json_script tag, drawn by Chart.js
   (served from our own static files; no inline script, as the Content-Security-Policy wants).
   Each chart has a table with the same figures under it, for screen readers and without JS. */
(function () {
  "use strict";

  var COLOURS = ["#1f6f3f", "#b35900", "#1d4f91"]; // contrast ≥ 4.5:1 on white
  var DASHES = [[], [6, 4], [2, 3]];

  function draw() {
    var source = document.getElementById("satisfaction-chart-data");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var canvases = document.querySelectorAll("canvas[data-chart]");
    Array.prototype.forEach.call(canvases, function (canvas) {
      var spec = data.charts[canvas.getAttribute("data-chart")];
      if (!spec) {
        return;
      }
      new window.Chart(canvas, {
        type: spec.type,
        data: {
          labels: data.labels,
          datasets: spec.series.map(function (series, i) {
            return {
              label: series.label,
              data: series.values,
              borderColor: COLOURS[i % COLOURS.length],
              backgroundColor: COLOURS[i % COLOURS.length],
              borderDash: DASHES[i % DASHES.length],
              pointRadius: 3,
              spanGaps: false,
            };
          }),
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: still ? false : undefined,
          scales: {
            y: { min: spec.type === "line" && spec.max === 5 ? 1 : 0, max: spec.max },
            x: { ticks: { autoSkip: true, maxRotation: 0 } },
          },
          plugins: { legend: { position: "bottom" } },
        },
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
