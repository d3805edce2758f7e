// Draws the questionnaire result charts from the JSON the page embeds (json_script):
// no inline script, so the Content-Security-Policy holds. Tables below each chart
// carry the same numbers for keyboard and screen-reader users.
(function () {
  "use strict";
  function start() {
    var node = document.getElementById("participation-results");
    if (!node || typeof window.echarts === "undefined") { return; }
    var data = JSON.parse(node.textContent);
    data.questions.forEach(function (q) {
      var el = document.getElementById(q.chart_id);
      if (!el) { return; }
      var labels, values, horizontal;
      if (q.choices) {
        labels = q.choices.map(function (c) { return c.label; });
        values = q.choices.map(function (c) { return c.count; });
        horizontal = true;
      } else if (q.ratings) {
        labels = q.ratings.map(function (r) { return r.score + " 分"; });
        values = q.ratings.map(function (r) { return r.count; });
        horizontal = false;
      } else { return; }
      var category = { type: "category", data: labels, inverse: horizontal, axisLabel: { width: 160, overflow: "truncate" } };
      var value = { type: "value", minInterval: 1 };
      window.echarts.init(el).setOption({
        tooltip: { trigger: "axis" },
        grid: { left: horizontal ? 170 : 48, right: 32, top: 16, bottom: 32 },
        xAxis: horizontal ? value : category,
        yAxis: horizontal ? category : value,
        series: [{ name: q.choices ? "票数" : "人数", type: "bar", data: values, label: { show: true, position: horizontal ? "right" : "top" } }]
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
