/* The public figures page's chart: income paid to producers by commune, one horizontal bar
   each. Data from the page's json_script tag, drawn by Chart.js from our own static files (no
   inline script, as the Content-Security-Policy wants); the table under it holds the same
   figures, for screen readers and without JavaScript. */
(function () {
  "use strict";

  var COLOUR = "#1f6f3f"; // contrast >= 4.5:1 on white

  function draw() {
    var source = document.getElementById("figures-chart-data");
    var canvas = document.querySelector("canvas[data-chart='income']");
    if (!source || !canvas || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    // Room for every commune's bar, and a sensible minimum.
    canvas.parentNode.style.height = Math.max(10, 2 * data.labels.length + 4) + "rem";
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series) {
          return {
            label: series.label,
            data: series.values,
            backgroundColor: COLOUR,
            borderColor: COLOUR,
          };
        }),
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: still ? false : undefined,
        scales: { x: { min: 0 }, y: { ticks: { autoSkip: false } } },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
