// Draws the access-statistics charts from the JSON the page embeds (json_script):
// no inline script, so the Content-Security-Policy holds. The tables below the charts
// carry the same figures for screen readers and printing.
(function () {
  "use strict";
  function bar(node, rows, name) {
    var top = rows.slice(0, 10).reverse();
    window.echarts.init(node).setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: top.map(function (r) { return r.label; }),
               axisLabel: { width: 160, overflow: "truncate" } },
      series: [{ name: name, type: "bar", data: top.map(function (r) { return r.views; }) }]
    });
  }
  function start() {
    var source = document.getElementById("webstats-data");
    if (!source || typeof window.echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var trend = document.getElementById("chart-trend");
    if (trend) {
      window.echarts.init(trend).setOption({
        tooltip: { trigger: "axis" },
        grid: { left: 48, right: 16, top: 16, bottom: 32 },
        xAxis: { type: "category", data: data.trend.map(function (t) { return t.day; }) },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ name: "浏览次数", type: "line", smooth: true, data: data.trend.map(function (t) { return t.views; }) }]
      });
    }
    var items = document.getElementById("chart-items");
    if (items) { bar(items, data.items, "浏览次数"); }
    var columns = document.getElementById("chart-columns");
    if (columns) { bar(columns, data.columns, "浏览次数"); }
    var referrers = document.getElementById("chart-referrers");
    if (referrers) {
      window.echarts.init(referrers).setOption({
        tooltip: { trigger: "item" },
        series: [{ name: "来源网站", type: "pie", radius: ["35%", "65%"],
                   data: data.referrers.map(function (r) { return { name: r.label, value: r.views }; }) }]
      });
    }
    window.addEventListener("resize", function () {
      ["chart-trend", "chart-items", "chart-columns", "chart-referrers"].forEach(function (id) {
        var node = document.getElementById(id);
        var chart = node && window.echarts.getInstanceByDom(node);
        if (chart) { chart.resize(); }
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
