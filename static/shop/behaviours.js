// Small behaviours any page may ask for with a data attribute (no inline handlers: the
// Content-Security-Policy refuses them).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-autosubmit]") && field.form) field.form.submit();
  });
  document.addEventListener("click", function (event) {
    var target = event.target.closest
      ? event.target.closest("[data-history-back], [data-print], [data-close-window]")
      : null;
    if (!target) return;
    event.preventDefault();
    if (target.hasAttribute("data-print")) window.print();
    else if (target.hasAttribute("data-close-window")) window.close();
    else window.history.back();
  });
})();
