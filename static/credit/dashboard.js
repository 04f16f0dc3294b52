/* Draws the dashboard's charts with the vendored ECharts (static/vendor/echarts/, no CDN).
   The page hands the data over in <script id="dashboard-charts" type="application/json">
   (Django's json_script): {element id: {type, categories, series: [{name, data, stack}], horizontal}}.
   Every chart has a table beside or under it with the same figures (screen readers, printing). */
(function () {
  "use strict";

  function option(spec) {
    var horizontal = !!spec.horizontal;
    var base = {
      tooltip: { trigger: spec.type === "pie" ? "item" : "axis", confine: true },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      animation: false
    };
    if (spec.type === "pie") {
      base.series = [{
        type: "pie", radius: ["35%", "65%"], name: spec.series.length ? spec.series[0].name : "",
        data: spec.categories.map(function (c, i) { return { name: c, value: spec.series[0].data[i] }; })
      }];
      return base;
    }
    var category = { type: "category", data: spec.categories, axisLabel: { interval: 0, hideOverlap: true } };
    var value = { type: "value", minInterval: 1 };
    base.xAxis = horizontal ? value : category;
    base.yAxis = horizontal ? Object.assign({}, category, { inverse: true }) : value;
    if (!horizontal && spec.type !== "line") { category.axisLabel.rotate = spec.categories.length > 6 ? 30 : 0; }
    base.series = spec.series.map(function (s) {
      return {
        type: spec.type === "line" ? "line" : "bar",
        name: s.name,
        data: s.data,
        stack: spec.type === "stacked" ? (s.stack || "total") : undefined,
        smooth: spec.type === "line" ? false : undefined,
        emphasis: { focus: "series" }
      };
    });
    if (spec.series.length <= 1) { base.legend.show = false; }
    return base;
  }

  function draw() {
    var source = document.getElementById("dashboard-charts");
    if (!source || typeof echarts === "undefined") { return; }
    var specs = JSON.parse(source.textContent);
    var lang = (document.documentElement.getAttribute("lang") || "").toLowerCase();
    var locale = lang.indexOf("zh") === 0 ? "ZH" : "EN";
    var charts = [];
    Object.keys(specs).forEach(function (id) {
      var element = document.getElementById(id);
      if (!element) { return; }
      var spec = specs[id];
      var empty = spec.series.every(function (s) { return s.data.every(function (v) { return !v; }); });
      if (empty) { element.hidden = true; return; }  // nothing to draw: the table beside it says 0
      var chart = echarts.init(element, null, { renderer: "svg", locale: locale });
      chart.setOption(option(spec));
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
}());
