// Times are rendered in UTC by the server; show them in the viewer's own time zone.
// <time data-local-datetime datetime="ISO">  → text becomes the local date-time
// <time data-local-title datetime="ISO">     → title (tooltip) becomes the local date-time
(function () {
  "use strict";
  var format = new Intl.DateTimeFormat(undefined, {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit"
  });
  function local(el) {
    var when = new Date(el.getAttribute("datetime"));
    return isNaN(when.getTime()) ? null : format.format(when);
  }
  document.querySelectorAll("time[data-local-datetime]").forEach(function (el) {
    var text = local(el);
    if (text) { el.title = el.textContent; el.textContent = text; }
  });
  document.querySelectorAll("time[data-local-title]").forEach(function (el) {
    var text = local(el);
    if (text) { el.title = text; }
  });
})();
