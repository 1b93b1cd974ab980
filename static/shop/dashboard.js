// Dashboard behaviours Oscar's templates used to write inline (the Content-Security-Policy
// refuses inline handlers): the image input hides its upload button once a chosen image shows.
(function () {
  "use strict";
  function uploadButton(event) {
    var image = event.target;
    if (!image.matches || !image.matches("img[data-upload-button]")) return null;
    return { image: image, button: document.querySelector(image.dataset.uploadButton) };
  }
  document.addEventListener("load", function (event) {
    var found = uploadButton(event);
    if (found && found.button) found.button.style.display = "none";
  }, true);
  document.addEventListener("error", function (event) {
    var found = uploadButton(event);
    if (!found || !found.image.getAttribute("src")) return;
    if (found.button) found.button.style.display = "";
    window.alert(found.image.dataset.unrecognised);
  }, true);
})();
