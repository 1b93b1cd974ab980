/* Scanner page: read a label's QR code with the phone camera (jsQR) and open the lot's page.
   A GS1 Digital Link (/01/<GTIN-14>/10/<lot>) printed for any of our hosts opens here, on this
   site, so the inspector keeps their session. */
(function () {
  "use strict";
  var root = document.getElementById("scanner");
  if (!root) { return; }
  var video = document.getElementById("scanner-video");
  var canvas = document.getElementById("scanner-canvas");
  var status = document.getElementById("scanner-status");
  var start = document.getElementById("scanner-start");
  var LINK = /^\/(?:[a-z]{2}\/)?01\/\d{14}\/10\/[^?#]+$/;
  var stream = null;

  function lotPath(text) {
    var url;
    try { url = new URL(text, window.location.href); } catch (e) { return null; }
    return LINK.test(url.pathname) ? url.pathname : null;
  }
  window.choPhienLotPath = lotPath;

  function stop() {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
  }

  function tick() {
    if (!stream) { return; }
    if (video.readyState === video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      var context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      if (code && code.data) {
        var path = lotPath(code.data);
        if (path) {
          status.textContent = root.dataset.found;
          stop();
          window.location.assign(path);
          return;
        }
        status.textContent = root.dataset.notOurs;
      }
    }
    window.requestAnimationFrame(tick);
  }

  start.addEventListener("click", function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.jsQR) {
      status.textContent = root.dataset.noCamera;
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.play();
        start.hidden = true;
        window.requestAnimationFrame(tick);
      })
      .catch(function () { status.textContent = root.dataset.noCamera; });
  });
  window.addEventListener("pagehide", stop);
})();
