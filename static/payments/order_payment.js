// The order payment page: copy buttons, the countdown, and polling until the order is paid.
(function () {
  "use strict";
  var section = document.querySelector(".order-payment");
  if (!section) return;

  document.querySelectorAll("button.copy").forEach(function (button) {
    button.addEventListener("click", function () {
      var target = document.querySelector(button.dataset.copy);
      var text = target.dataset.raw || target.textContent.trim();
      if (navigator.clipboard) navigator.clipboard.writeText(text);
      var label = button.textContent;
      button.textContent = "✓";
      setTimeout(function () { button.textContent = label; }, 1500);
    });
  });

  var countdown = document.getElementById("countdown");
  if (countdown) {
    var end = new Date(countdown.getAttribute("datetime")).getTime();
    var tick = function () {
      var left = Math.max(0, Math.floor((end - Date.now()) / 1000));
      var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
      countdown.textContent = (h ? h + ":" : "") + String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0");
    };
    tick();
    setInterval(tick, 1000);
  }

  var status = section.dataset.status;
  if (status !== "Pending payment") return;
  var poll = function () {
    fetch(section.dataset.statusUrl, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.status !== status) { window.location.reload(); return; }
        setTimeout(poll, 3000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  };
  setTimeout(poll, 3000);
})();
