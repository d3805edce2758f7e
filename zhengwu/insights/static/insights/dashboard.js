// Draws the insights charts from the JSON the page embeds (json_script): no inline
// script, so the Content-Security-Policy holds. Every chart's numbers are also in a table.
(function () {
  "use strict";
  function labels(rows) { return rows.map(function (r) { return r.label; }); }
  function counts(rows) { return rows.map(function (r) { return r.count; }); }
  function bar(el, names, values, rotate) {
    window.echarts.init(el).setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 16, top: 16, bottom: rotate ? 90 : 32 },
      xAxis: { type: "category", data: names, axisLabel: { rotate: rotate ? 35 : 0, interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: "来信数", type: "bar", data: values }]
    });
  }
  function start() {
    var node = document.getElementById("insights-data");
    if (!node || typeof window.echarts === "undefined") { return; }
    var data = JSON.parse(node.textContent);
    var el = document.getElementById("chart-period");
    if (el) {
      window.echarts.init(el).setOption({
        tooltip: { trigger: "axis" },
        grid: { left: 48, right: 16, top: 16, bottom: 48 },
        xAxis: { type: "category", data: labels(data.by_period) },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ name: "来信数", type: "line", data: counts(data.by_period) }]
      });
    }
    el = document.getElementById("chart-category");
    if (el) {
      window.echarts.init(el).setOption({
        tooltip: { trigger: "item" },
        series: [{ name: "来信数", type: "pie", radius: "65%",
          data: data.by_category.map(function (r) { return { name: r.label, value: r.count }; }) }]
      });
    }
    el = document.getElementById("chart-department");
    if (el) { bar(el, labels(data.by_department), counts(data.by_department), true); }
    el = document.getElementById("chart-hot");
    if (el) {
      bar(el, data.hot.map(function (t) { return t.word; }), data.hot.map(function (t) { return t.count; }), true);
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
