// The check-in page: scan a participant's QR code with the camera and post it to the
// page's JSON endpoint; typed codes go the same way. Without this script the form posts.
(function () {
  "use strict";
  var camera = document.getElementById("checkin-camera");
  var form = document.getElementById("checkin-form");
  var result = document.getElementById("checkin-result");
  if (!camera || !form || !result) return;
  var url = camera.dataset.jsonUrl;
  var meeting = camera.dataset.meeting;
  var token = form.querySelector("input[name=csrf_token]").value;
  var busy = false;
  var last = { code: null, at: 0 };

  function show(ok, message) {
    result.dataset.ok = ok ? "yes" : "no";
    result.textContent = "";
    var p = document.createElement("p");
    p.className = "utrecht-paragraph checkin-result__message";
    p.textContent = message;
    result.appendChild(p);
  }

  function send(code) {
    if (busy) return Promise.resolve();
    busy = true;
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ code: code, meeting_id: meeting }),
    })
      .then(function (answer) { return answer.json(); })
      .then(function (body) {
        // A refused form (its token expired with the log-in) answers {"error": {"message"}}.
        show(body.ok, body.error ? body.error.message : body.message);
      })
      .catch(function () { show(false, camera.dataset.networkError); })
      .finally(function () { busy = false; });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = form.querySelector("input[name=code]");
    send(input.value).then(function () { input.value = ""; input.focus(); });
  });

  function scanned(code) {
    var now = Date.now();
    if (code === last.code && now - last.at < 4000) return; // the same code still in view
    last = { code: code, at: now };
    send(code);
  }

  function loadJsQR() {
    return new Promise(function (resolve, reject) {
      if (window.jsQR) return resolve(window.jsQR);
      var script = document.createElement("script");
      script.src = camera.dataset.jsqr;
      script.onload = function () { resolve(window.jsQR); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function start() {
    var video = document.getElementById("checkin-video");
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        return video.play();
      })
      .then(function () {
        if ("BarcodeDetector" in window) {
          var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
          return function () {
            return detector.detect(video).then(function (codes) {
              return codes.length ? codes[0].rawValue : null;
            });
          };
        }
        return loadJsQR().then(function (jsQR) {
          var canvas = document.createElement("canvas");
          var context = canvas.getContext("2d", { willReadFrequently: true });
          return function () {
            canvas.width = video.videoWidth;
            canvas.height = video.videoHeight;
            if (!canvas.width) return Promise.resolve(null);
            context.drawImage(video, 0, 0, canvas.width, canvas.height);
            var image = context.getImageData(0, 0, canvas.width, canvas.height);
            var found = jsQR(image.data, image.width, image.height);
            return Promise.resolve(found ? found.data : null);
          };
        });
      })
      .then(function (detect) {
        function tick() {
          detect()
            .then(function (code) { if (code) scanned(code); })
            .catch(function () {})
            .finally(function () { window.setTimeout(tick, 250); });
        }
        tick();
      })
      .catch(function () { show(false, camera.dataset.cameraError); });
  }

  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    camera.hidden = false;
    document.getElementById("checkin-start").addEventListener("click", function (event) {
      event.currentTarget.hidden = true;
      start();
    });
  }
})();
