// Renders the supervision dashboard charts from the JSON the page embeds
// (json_script): no inline script, so the Content-Security-Policy holds.
(function () {
  "use strict";
  function start() {
    var node = document.getElementById("supervision-data");
    if (!node || typeof window.echarts === "undefined") { return; }
    var data = JSON.parse(node.textContent);
    var ontime = document.getElementById("chart-ontime");
    if (ontime) {
      var depts = data.departments.filter(function (d) { return d.on_time_rate !== null; });
      window.echarts.init(ontime).setOption({
        tooltip: { trigger: "axis" },
        grid: { left: 48, right: 16, bottom: 80 },
        xAxis: { type: "category", data: depts.map(function (d) { return d.name; }), axisLabel: { rotate: 30 } },
        yAxis: { type: "value", max: 100, name: "%" },
        series: [{ name: "按时办结率", type: "bar", data: depts.map(function (d) { return d.on_time_rate; }) }]
      });
    }
    var trend = document.getElementById("chart-trend");
    if (trend) {
      var months = data.trend.map(function (t) { return t.month; });
      function pick(key) { return data.trend.map(function (t) { return t[key]; }); }
      window.echarts.init(trend).setOption({
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 48, right: 16, top: 36, bottom: 32 },
        xAxis: { type: "category", data: months },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: "申请", type: "line", data: pick("submitted") },
          { name: "办结", type: "line", data: pick("concluded") },
          { name: "按时办结", type: "line", data: pick("on_time") }
        ]
      });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
