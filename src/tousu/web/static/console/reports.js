/* Draws the report page's charts (one bar chart per dimension: this period and the one
   before) from the JSON the page carries (#report-charts). */
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("report-charts");
    if (!window.echarts || !source) { return; }
    var data = JSON.parse(source.textContent);
    data.dims.forEach(function (dim) {
      var el = document.getElementById(dim.id);
      if (!el) { return; }
      var chart = echarts.init(el);
      chart.setOption({
        color: ["#1c6e8c", "#b8c4cf"],
        textStyle: { fontFamily: "inherit" },
        tooltip: { trigger: "axis" },
        legend: { data: [data.now, data.before], top: 0 },
        grid: { left: 16, right: 16, top: 32, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: dim.names, axisLabel: { interval: 0, rotate: dim.names.length > 5 ? 30 : 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: data.now, type: "bar", barMaxWidth: 28, data: dim.now },
          { name: data.before, type: "bar", barMaxWidth: 28, data: dim.before }
        ]
      });
      el.setAttribute("data-drawn", "1");
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); }
  else { draw(); }
})();
