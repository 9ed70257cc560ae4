// Live preview of the certificate design: after a pause in typing, the form's current values
// are posted to the preview endpoint into the preview frame (nothing is saved).
(function () {
  "use strict";
  var form = document.getElementById("design-form");
  if (!form) { return; }
  var timer = null;
  function refresh() {
    var action = form.getAttribute("action"), target = form.getAttribute("target");
    form.setAttribute("action", form.dataset.previewUrl);
    form.setAttribute("target", "certificate-preview");
    var files = form.querySelectorAll("input[type=file]");
    files.forEach(function (input) { input.disabled = true; });
    form.submit();
    files.forEach(function (input) { input.disabled = false; });
    form.setAttribute("action", action);
    if (target) { form.setAttribute("target", target); } else { form.removeAttribute("target"); }
  }
  form.addEventListener("input", function (event) {
    if (event.target.type === "file") { return; }
    clearTimeout(timer);
    timer = setTimeout(refresh, 900);
  });
})();
