// Progress bars for background jobs: <div data-job-url="/jobs/12.json" data-done-url="...">
// with a <progress> and a [data-job-text] inside. Polls once a second until done or failed.
(function () {
  "use strict";
  function watch(box) {
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-job-text]");
    function tick() {
      fetch(box.dataset.jobUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (job) {
          if (bar) { bar.max = 100; bar.value = job.percent; }
          if (text) { text.textContent = job.progress + " / " + (job.total || "?") + " (" + job.percent + "%)"; }
          box.dataset.status = job.status;
          if (job.status === "done") {
            if (box.dataset.doneUrl) { window.location.assign(box.dataset.doneUrl); }
            return;
          }
          if (job.status === "failed") {
            if (text) { text.textContent = box.dataset.failedText || job.error; }
            return;
          }
          setTimeout(tick, 1000);
        })
        .catch(function () { setTimeout(tick, 3000); });
    }
    tick();
  }
  document.querySelectorAll("[data-job-url]").forEach(watch);
})();
