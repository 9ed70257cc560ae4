// Kiosk: the attendee shows their QR to the tablet's camera and is greeted by name.
(function () {
  "use strict";
  var root = document.getElementById("kiosk");
  if (!root) { return; }
  var messages = {};
  Array.prototype.forEach.call(document.getElementById("messages").content.querySelectorAll("[data-key]"), function (el) {
    messages[el.dataset.key] = el.textContent;
  });
  var video = document.getElementById("camera");
  var canvas = document.getElementById("camera-frame");
  var box = document.getElementById("result");
  var busy = false, lastToken = "", lastAt = 0, resetTimer = null;

  function show(kind, head, name) {
    box.className = "result result-" + kind;
    box.dataset.kind = kind;
    document.getElementById("result-head").textContent = head;
    document.getElementById("result-name").textContent = name || "";
    clearTimeout(resetTimer);
    resetTimer = setTimeout(function () { show("idle", messages.idle, ""); box.className = "result result-idle"; }, 5000);
  }
  function send(token) {
    busy = true;
    fetch(root.dataset.scanUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf },
      body: JSON.stringify({ token: token }),
    }).then(function (r) { return r.json(); }).then(function (answer) {
      if (answer.result === "checked_in") { show("ok", messages.welcome, answer.name); }
      else if (answer.result === "already_checked_in") { show("warn", messages.already, answer.name); }
      else { show("bad", messages.refused, ""); }
    }).catch(function () { show("bad", messages.refused, ""); }).then(function () { busy = false; });
  }
  function frame() {
    if (!busy && video.readyState >= 2 && video.videoWidth && window.jsQR) {
      var scale = Math.min(1, 640 / video.videoWidth);
      var w = Math.round(video.videoWidth * scale), h = Math.round(video.videoHeight * scale);
      canvas.width = w; canvas.height = h;
      var ctx = canvas.getContext("2d", { willReadFrequently: true });
      ctx.drawImage(video, 0, 0, w, h);
      var code = window.jsQR(ctx.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: "dontInvert" });
      var now = Date.now();
      if (code && code.data && (code.data !== lastToken || now - lastAt > 8000)) {
        lastToken = code.data; lastAt = now;
        send(code.data);
      }
    }
    setTimeout(frame, 150);
  }
  function start() {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "user" }, width: { ideal: 640 } }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        document.getElementById("camera-start").hidden = true;
        return video.play();
      }).then(frame).catch(function () { /* the button stays for a retry */ });
  }
  document.getElementById("camera-start").addEventListener("click", start);
  if (navigator.permissions && navigator.permissions.query) {
    navigator.permissions.query({ name: "camera" }).then(function (p) { if (p.state === "granted") { start(); } })
      .catch(function () {});
  }
})();
