// Small behaviours any page may ask for with a data attribute (no inline handlers: the
// Content-Security-Policy refuses them).
(function () {
  "use strict";

  // A menu button (data-menu-toggle, aria-controls naming the menu) opens and closes its menu;
  // Escape closes it and gives the focus back to the button.
  function menuSet(button, open) {
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) return;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("is-open", open);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-menu-toggle]") : null;
    if (button) menuSet(button, button.getAttribute("aria-expanded") !== "true");
  });
  // A bar (data-buy-bar naming a form) that shows only while that form is off the screen.
  document.querySelectorAll("[data-buy-bar]").forEach(function (bar) {
    var form = document.getElementById(bar.getAttribute("data-buy-bar"));
    if (!form || !("IntersectionObserver" in window)) return;
    new IntersectionObserver(function (entries) {
      bar.classList.toggle("is-hidden", entries[0].isIntersecting);
    }).observe(form);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("[data-menu-toggle][aria-expanded=true]").forEach(function (button) {
      menuSet(button, false);
      button.focus();
    });
  });
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
