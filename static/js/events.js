// Event dashboard charts: each <canvas data-chart='{"type","labels","values","title"}'> becomes
// a Chart.js chart (the table beside it keeps the numbers readable without JavaScript).
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Chart === "undefined") { return; }
  var palette = ["#0b4f8a", "#12703a", "#8a5a00", "#5a6272", "#a4161a", "#3b7dd8", "#7a4fb0", "#2a9d8f"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = JSON.parse(canvas.getAttribute("data-chart"));
    if (!spec.values.length || spec.values.every(function (v) { return v === 0; })) { return; }
    new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: [{ label: spec.title, data: spec.values,
          backgroundColor: spec.type === "doughnut" ? palette : "#0b4f8a" }]
      },
      options: {
        responsive: true,
        plugins: { legend: { display: spec.type === "doughnut" } },
        scales: spec.type === "bar" ? { y: { beginAtZero: true, ticks: { precision: 0 } } } : {}
      }
    });
  });
});
