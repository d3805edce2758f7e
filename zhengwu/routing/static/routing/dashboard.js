// Draws the routing accuracy chart from the JSON the page embeds (json_script):
// no inline script, so the Content-Security-Policy holds.
(function () {
  "use strict";
  function start() {
    var node = document.getElementById("routing-data");
    var box = document.getElementById("chart-routing-months");
    if (!node || !box || typeof window.echarts === "undefined") { return; }
    var months = JSON.parse(node.textContent).months;
    function pick(key) { return months.map(function (m) { return m[key]; }); }
    window.echarts.init(box).setOption({
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + "%"; } },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 32 },
      xAxis: { type: "category", data: pick("label") },
      yAxis: { type: "value", min: 0, max: 100, name: "%" },
      series: [
        { name: "采纳首选", type: "line", data: pick("top1_rate") },
        { name: "在前三之内", type: "line", data: pick("top3_rate") }
      ]
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
