/* The province dashboard's charts: data from the page's json_script tag, drawn by Chart.js
   (served from our own static files; no inline script, as the Content-Security-Policy wants).
   Each chart has a table with the same figures under it, for screen readers and without JS. */
(function () {
  "use strict";

  var COLOURS = ["#1f6f3f", "#b35900", "#1d4f91", "#7a2e8c", "#8a6d00", "#a3213a", "#2f6f7f"];

  function formatter(spec) {
    var locale = document.documentElement.lang || "vi";
    var number = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    return function (value) {
      if (value === null || value === undefined) {
        return "–";
      }
      if (spec.percent) {
        return number.format(value) + " %";
      }
      return spec.money ? number.format(value) + " ₫" : number.format(value);
    };
  }

  function draw() {
    var source = document.getElementById("province-chart-data");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var canvases = document.querySelectorAll("canvas[data-chart]");
    Array.prototype.forEach.call(canvases, function (canvas) {
      var spec = data[canvas.getAttribute("data-chart")];
      if (!spec) {
        return;
      }
      var format = formatter(spec);
      var round = spec.type === "doughnut";
      var options = {
        responsive: true,
        maintainAspectRatio: false,
        animation: still ? false : undefined,
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (item) {
                var label = round ? item.label : item.dataset.label;
                return label + ": " + format(item.raw);
              },
            },
          },
        },
      };
      if (!round) {
        options.scales = {
          y: { beginAtZero: true, max: spec.percent ? 100 : undefined, ticks: { callback: format } },
          x: { ticks: { autoSkip: true, maxRotation: 0 } },
        };
      }
      new window.Chart(canvas, {
        type: spec.type,
        data: {
          labels: spec.labels,
          datasets: spec.series.map(function (series, i) {
            var colour = COLOURS[i % COLOURS.length];
            return {
              label: series.label,
              data: series.values,
              borderColor: round ? "#ffffff" : colour,
              backgroundColor: round ? COLOURS : colour,
              pointRadius: 3,
              spanGaps: false,
            };
          }),
        },
        options: options,
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
