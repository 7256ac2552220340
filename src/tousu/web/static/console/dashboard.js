/* Draws the dashboard's charts from the JSON the page carries (#chart-data). */
(function () {
  "use strict";
  function draw() {
    if (!window.echarts) { return; }
    var data = JSON.parse(document.getElementById("chart-data").textContent);
    var toneColors = { low: "#8a99a8", mid: "#e0a526", high: "#d9732b", top: "#b42318" };
    var colors = ["#1c6e8c", "#e0a526", "#d9732b", "#b42318", "#5b8c5a", "#7a6fb0"];
    var base = { color: colors, textStyle: { fontFamily: "inherit" },
      grid: { left: 40, right: 16, top: 16, bottom: 40, containLabel: true },
      tooltip: { trigger: "axis" } };
    function chart(id, option) {
      var el = document.getElementById(id);
      if (!el) { return; }
      var c = echarts.init(el);
      c.setOption(Object.assign({}, base, option));
      window.addEventListener("resize", function () { c.resize(); });
    }
    var names = function (rows) { return rows.map(function (r) { return r[0]; }); };
    var values = function (rows) { return rows.map(function (r) { return r[1]; }); };
    chart("chart-daily", {
      xAxis: { type: "category", data: names(data.daily) }, yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "line", smooth: true, areaStyle: { opacity: 0.12 }, data: values(data.daily) }]
    });
    chart("chart-severity", {
      xAxis: { type: "category", data: names(data.severity), axisLabel: { interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", barMaxWidth: 48, data: data.severity.map(function (r) {
        return { value: r[1], itemStyle: { color: toneColors[r[2]] || "#8a99a8" } };
      }) }]
    });
    chart("chart-categories", {
      grid: { left: 16, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: names(data.categories) },
      series: [{ type: "bar", barMaxWidth: 22, data: values(data.categories) }]
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); }
  else { draw(); }
})();
