/* Every chart on the site, drawn by Chart.js (served from our own static files, loaded before
   this one; no inline script, as the Content-Security-Policy wants).

   A page puts its charts' data in a json_script block, {key: spec} as built by shop/charts.py,
   and a <canvas data-chart="key" data-chart-source="the block's id"> for each chart. A spec is
   {type: "line" | "bar" | "doughnut", labels: [...], series: [{label, values}], unit: "number" |
   "money" | "percent", min, max, horizontal, rowHeight}: what differs between pages is data, not
   code. Each chart has a table with the same figures under it, for screen readers and without
   JavaScript. */
(function () {
  "use strict";

  // Contrast >= 4.5:1 on white; a line also differs by its dashes, not by colour alone.
  var COLOURS = ["#1f6f3f", "#b35900", "#1d4f91", "#7a2e8c", "#8a6d00", "#a3213a", "#2f6f7f"];
  var DASHES = [[], [6, 4], [2, 3], [8, 3, 2, 3]];

  function formatter(unit) {
    var locale = document.documentElement.lang || "vi";
    var number = new Intl.NumberFormat(locale, {
      maximumFractionDigits: unit === "money" ? 0 : 1,
    });
    return function (value) {
      if (value === null || value === undefined) {
        return "–";
      }
      if (unit === "percent") {
        return number.format(value) + " %";
      }
      return unit === "money" ? number.format(value) + " ₫" : number.format(value);
    };
  }

  function datasets(spec, round) {
    return spec.series.map(function (series, i) {
      var colour = COLOURS[i % COLOURS.length];
      return {
        label: series.label,
        data: series.values,
        borderColor: round ? "#ffffff" : colour,
        backgroundColor: round ? COLOURS : colour,
        borderDash: round ? [] : DASHES[i % DASHES.length],
        pointRadius: 3,
        spanGaps: false,
      };
    });
  }

  function options(spec, round, still) {
    var format = formatter(spec.unit);
    var result = {
      responsive: true,
      maintainAspectRatio: false,
      animation: still ? false : undefined,
      indexAxis: spec.horizontal ? "y" : "x",
      plugins: {
        legend: { position: "bottom" },
        tooltip: {
          callbacks: {
            label: function (item) {
              return (round ? item.label : item.dataset.label) + ": " + format(item.raw);
            },
          },
        },
      },
    };
    if (!round) {
      var value = { beginAtZero: true, ticks: { callback: format } };
      if (typeof spec.min === "number") {
        value.min = spec.min;
      }
      if (typeof spec.max === "number") {
        value.max = spec.max;
      }
      // Every label when the chart grows to hold them; otherwise as many as fit, level.
      var category = { ticks: spec.rowHeight ? { autoSkip: false } : { autoSkip: true, maxRotation: 0 } };
      result.scales = spec.horizontal ? { x: value, y: category } : { x: category, y: value };
    }
    return result;
  }

  function draw() {
    if (typeof window.Chart === "undefined") {
      return;
    }
    var blocks = {};
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var canvases = document.querySelectorAll("canvas[data-chart][data-chart-source]");
    Array.prototype.forEach.call(canvases, function (canvas) {
      var id = canvas.getAttribute("data-chart-source");
      if (!(id in blocks)) {
        var source = document.getElementById(id);
        blocks[id] = source ? JSON.parse(source.textContent) : {};
      }
      var spec = blocks[id][canvas.getAttribute("data-chart")];
      if (!spec || window.Chart.getChart(canvas)) {
        return;
      }
      var round = spec.type === "doughnut";
      if (spec.rowHeight) {
        // Room for every label's bar, and a sensible minimum.
        canvas.parentNode.style.height = Math.max(10, spec.rowHeight * spec.labels.length + 4) + "rem";
      }
      new window.Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: datasets(spec, round) },
        options: options(spec, round, still),
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
