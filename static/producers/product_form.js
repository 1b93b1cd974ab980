// The product form: Bootstrap's look for every field the form renders.
document.querySelectorAll(
  "form input:not([type=checkbox]):not([type=file]), form select, form textarea"
).forEach(function (el) { el.classList.add("form-control"); });
