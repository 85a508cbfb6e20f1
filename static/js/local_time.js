// Times: the server renders UTC ("2026-12-01 14:00 UTC"); this shows them in the display zone
// with its abbreviation ("1 Dec 2026, 15:00 CET"). The zone is the viewer's browser zone unless
// <body data-time-zone="Europe/Paris"> (KORDER_DISPLAY_TIME_ZONE) names one.
//   <time data-local-datetime datetime="ISO">  text becomes the zoned date-time
//   <time data-local-title datetime="ISO">     title (tooltip) becomes the zoned date-time
//   <span data-zone-name>                      text becomes the zone's abbreviation
// Other scripts (chart.js) use window.korderTime; refresh.js fires "korder:refreshed" on the
// parts it replaced, which are rewritten again.
(function () {
  "use strict";
  var wanted = document.body.getAttribute("data-time-zone") || undefined;
  function formatter(options) {
    try {
      return new Intl.DateTimeFormat(undefined, Object.assign({ timeZone: wanted }, options));
    } catch (e) {  // an unknown zone name: the browser's own
      wanted = undefined;
      return new Intl.DateTimeFormat(undefined, options);
    }
  }
  var full = formatter({ year: "numeric", month: "short", day: "numeric", hour: "2-digit",
                         minute: "2-digit", timeZoneName: "short" });
  var zone = full.resolvedOptions().timeZone;
  function abbreviation(date) {
    var part = full.formatToParts(date || new Date()).filter(function (p) {
      return p.type === "timeZoneName";
    })[0];
    return part ? part.value : zone;
  }
  function local(el) {
    var when = new Date(el.getAttribute("datetime"));
    return isNaN(when.getTime()) ? null : full.format(when);
  }
  function apply(root) {
    root.querySelectorAll("time[data-local-datetime]").forEach(function (el) {
      var text = local(el);
      if (text && !el.hasAttribute("data-zoned")) {
        el.title = el.textContent;  // the server's UTC text
        el.textContent = text;
        el.setAttribute("data-zoned", "");
      }
    });
    root.querySelectorAll("time[data-local-title]").forEach(function (el) {
      var text = local(el);
      if (text) { el.title = text; }
    });
    root.querySelectorAll("[data-zone-name]").forEach(function (el) {
      el.textContent = abbreviation();
      el.title = zone;
    });
  }
  window.korderTime = {
    zone: zone,
    abbreviation: abbreviation,
    formatter: formatter,
    format: function (date) { return full.format(date); }
  };
  apply(document);
  document.addEventListener("korder:refreshed", function (event) { apply(event.target); });
})();
