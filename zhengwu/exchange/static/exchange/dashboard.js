// Renders the exchange dashboard charts from the JSON the page embeds (json_script):
// no inline script, so the Content-Security-Policy holds.
(function () {
  "use strict";
  function start() {
    var node = document.getElementById("exchange-data");
    if (!node || typeof window.echarts === "undefined") { return; }
    var data = JSON.parse(node.textContent);
    var depts = document.getElementById("chart-depts");
    if (depts) {
      window.echarts.init(depts).setOption({
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 48, right: 16, top: 36, bottom: 100 },
        xAxis: { type: "category", data: data.names, axisLabel: { rotate: 40 } },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: "提供资源", type: "bar", data: data.provided },
          { name: "使用他部门资源", type: "bar", data: data.consumed },
          { name: "被调用次数", type: "bar", data: data.reads }
        ]
      });
    }
    var share = document.getElementById("chart-share");
    if (share) {
      window.echarts.init(share).setOption({
        tooltip: { trigger: "item" },
        series: [{ name: "共享类型", type: "pie", radius: "65%", data: data.share }]
      });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
