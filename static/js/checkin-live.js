// Live attendance: polls the counts every 10 s; arrivals per 5 minutes drawn with Chart.js.
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root) { return; }
  var chart = null;
  function text(id, value) { document.getElementById(id).textContent = String(value); }
  function list(id, items, render) {
    var ul = document.getElementById(id);
    ul.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = render(item);
      ul.appendChild(li);
    });
  }
  function label(iso) {
    // the event's time (Bangkok), whatever time zone the organizer's computer is set to
    return new Date(iso).toLocaleTimeString(root.dataset.lang || "th", {
      hour: "2-digit", minute: "2-digit", timeZone: root.dataset.tz || "Asia/Bangkok",
    });
  }
  function draw(arrivals) {
    if (!window.Chart) { return; }
    var labels = arrivals.map(function (b) { return label(b.at); });
    var counts = arrivals.map(function (b) { return b.count; });
    if (!chart) {
      chart = new window.Chart(document.getElementById("arrivals"), {
        type: "bar",
        data: { labels: labels, datasets: [{ label: root.dataset.label, data: counts, backgroundColor: "#0b4f8a" }] },
        options: { animation: false, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
      });
    } else {
      chart.data.labels = labels;
      chart.data.datasets[0].data = counts;
      chart.update();
    }
  }
  function refresh() {
    fetch(root.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        text("checked-in", data.checked_in);
        text("confirmed", data.confirmed);
        list("sessions", data.sessions, function (s) { return s.title + ": " + s.checked_in; });
        text("missing-count", data.missing.length);
        list("missing", data.missing, function (p) { return p.name + (p.organization ? " · " + p.organization : ""); });
        draw(data.arrivals);
        text("updated-at", new Date().toLocaleTimeString(root.dataset.lang || "th", { timeZone: root.dataset.tz || "Asia/Bangkok" }));
      })
      .catch(function () { /* try again next time */ })
      .then(function () { setTimeout(refresh, 10000); });
  }
  refresh();
})();
