// The workflow page's interactive chart (lightweight-charts, served from static/vendor/).
// <div data-chart-url="/api/…/chart?bars=120"> is filled from the chart API: candles, the
// indicator series and levels, and the order markers (live: solid green/red arrows; dry run:
// hollow amber circles marked DRY); zoom with the wheel, pan by dragging; a tooltip follows the
// crosshair. Times are shown in the display zone (local_time.js). If anything fails the
// server-drawn SVG from <noscript data-chart-fallback> is shown instead.
(function () {
  "use strict";
  var box = document.querySelector("[data-chart-url]");
  if (!box) { return; }
  var LWC = window.LightweightCharts;
  var fallback = document.querySelector("[data-chart-fallback]");
  var status = document.querySelector("[data-chart-status]");
  var zoned = window.korderTime;
  var full = zoned ? zoned.formatter({ year: "numeric", month: "short", day: "numeric",
    hour: "2-digit", minute: "2-digit", timeZoneName: "short" }) : null;
  var tick = zoned ? zoned.formatter({ month: "short", day: "numeric", hour: "2-digit",
    minute: "2-digit" }) : null;
  var day = zoned ? zoned.formatter({ month: "short", day: "numeric" }) : null;
  var chart = null;
  var candles = null;
  var lines = [];
  var byTime = {};
  var tooltip = null;

  function showFallback(why) {
    if (status) { status.textContent = why; }
    if (fallback && !fallback.getAttribute("data-shown")) {
      fallback.insertAdjacentHTML("afterend", fallback.textContent);
      fallback.setAttribute("data-shown", "");
    }
    box.hidden = true;
  }

  function when(seconds) {
    var date = new Date(seconds * 1000);
    return full ? full.format(date) : date.toISOString();
  }

  function price(value) {
    return Number(value).toLocaleString(undefined, { maximumFractionDigits: 5 });
  }

  function create() {
    chart = LWC.createChart(box, {
      autoSize: true,
      layout: { background: { color: "#ffffff" }, textColor: "#333" },
      grid: { vertLines: { color: "#f0f0f0" }, horzLines: { color: "#f0f0f0" } },
      localization: { timeFormatter: when },
      timeScale: {
        timeVisible: true,
        tickMarkFormatter: function (time, type) {
          var date = new Date(time * 1000);
          return tick ? (type < 3 ? day.format(date) : tick.format(date)) : null;
        }
      },
      crosshair: { mode: 0 }
    });
    candles = chart.addSeries(LWC.CandlestickSeries, {
      upColor: "#2e7d32", downColor: "#c62828", borderVisible: false,
      wickUpColor: "#2e7d32", wickDownColor: "#c62828"
    });
    tooltip = document.createElement("div");
    tooltip.className = "korder-chart-tooltip";
    tooltip.setAttribute("data-chart-tooltip", "");
    tooltip.hidden = true;
    box.appendChild(tooltip);
    chart.subscribeCrosshairMove(hover);
  }

  function marker(m) {
    var buy = m.direction === "BUY";
    if (m.mode === "dry_run") {
      return { time: m.time, position: buy ? "belowBar" : "aboveBar", shape: "circle",
               color: "#b58900", text: "DRY " + m.direction };
    }
    return { time: m.time, position: buy ? "belowBar" : "aboveBar",
             shape: buy ? "arrowUp" : "arrowDown", color: buy ? "#2e7d32" : "#c62828",
             text: m.direction + " " + price(m.price) };
  }

  function draw(data) {
    if (data.unavailable) { showFallback("Chart unavailable: " + data.unavailable); return; }
    if (!data.candles.length) { showFallback("No candles to draw."); return; }
    if (!chart) { create(); }
    candles.setData(data.candles);
    lines.forEach(function (line) { chart.removeSeries(line); });
    lines = data.series.map(function (s) {
      var line = chart.addSeries(LWC.LineSeries, {
        color: s.color, lineWidth: 2, title: s.name, priceLineVisible: false,
        lastValueVisible: false
      });
      line.setData(s.points);
      return line;
    });
    data.levels.forEach(function (level) {
      candles.createPriceLine({ price: level.price, color: level.color, lineWidth: 1,
                                lineStyle: 2, axisLabelVisible: true, title: level.name });
    });
    byTime = {};
    data.markers.forEach(function (m) { (byTime[m.time] = byTime[m.time] || []).push(m); });
    LWC.createSeriesMarkers(candles, data.markers.map(marker));
    chart.timeScale().fitContent();
    box.setAttribute("data-chart-ready", String(data.candles.length));
    box.setAttribute("data-chart-markers", String(data.markers.length));
    if (status) {
      status.textContent = data.title + ", " + data.candles.length + " candles; times in " +
        (zoned ? zoned.abbreviation() + " (" + zoned.zone + ")" : "UTC") +
        (data.notes.length ? " · " + data.notes.join(" · ") : "");
    }
  }

  function row(label, value) {
    var line = document.createElement("div");
    var name = document.createElement("span");
    name.className = "quiet";
    name.textContent = label + " ";
    line.appendChild(name);
    line.appendChild(document.createTextNode(value));
    return line;
  }

  function hover(param) {
    var bar = param.time !== undefined && param.point ? param.seriesData.get(candles) : null;
    if (!bar) { tooltip.hidden = true; return; }
    tooltip.textContent = "";
    tooltip.appendChild(row("", when(param.time)));
    tooltip.appendChild(row("O", price(bar.open) + "  H " + price(bar.high) + "  L " +
      price(bar.low) + "  C " + price(bar.close)));
    (byTime[param.time] || []).forEach(function (m) {
      var mode = { dry_run: "DRY RUN", notify: "Notify", live: "Live" }[m.mode];
      tooltip.appendChild(row(m.direction, (m.order_type === "LIMIT" ? "Limit" : "Stop") + " " +
        price(m.quantity) + " @ " + price(m.price) + " · " + mode + " · " + m.status +
        " · placed " + when(Date.parse(m.placed_at) / 1000)));
    });
    tooltip.hidden = false;
    var width = tooltip.offsetWidth;
    var left = param.point.x > box.clientWidth / 2 ? param.point.x - width - 16 : param.point.x + 16;
    tooltip.style.left = Math.max(Math.min(left, box.clientWidth - width - 4), 4) + "px";
    tooltip.style.top = "8px";
  }

  function load() {
    return fetch(box.getAttribute("data-chart-url"), { credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) { throw new Error(body.detail || ("HTTP " + response.status)); }
          return body;
        });
      })
      .then(draw);
  }

  if (!LWC) { showFallback("The chart library did not load; showing the static chart."); return; }
  box.hidden = false;
  load().catch(function (error) { showFallback("Chart unavailable: " + error.message); });
  document.addEventListener("korder:refresh-done", function () {
    if (chart) { load().catch(function () { /* keep the chart drawn */ }); }
  });
})();
