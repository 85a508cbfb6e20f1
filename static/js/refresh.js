// Live refresh (SPEC §8): a page with <main data-refresh="60"> re-reads its own URL (same
// query string: filters, sort and page kept) every 60 s while visible, and replaces the inner
// HTML of each [data-refresh-region="name"] with the fresh page's region of the same name.
// Scroll position, the filter form and anything outside the regions stay as they are.
// Without JavaScript the page has a <noscript> meta refresh instead.
(function () {
  "use strict";
  var root = document.querySelector("[data-refresh]");
  if (!root) { return; }
  var seconds = parseInt(root.getAttribute("data-refresh"), 10) || 60;
  var status = document.querySelector("[data-refresh-status]");
  var timer = null;
  var busy = false;

  function say(text) { if (status) { status.textContent = text; } }
  function clock() {
    return window.korderTime ? window.korderTime.format(new Date()) : new Date().toLocaleTimeString();
  }

  function swap(fresh) {
    var x = window.scrollX, y = window.scrollY;
    document.querySelectorAll("[data-refresh-region]").forEach(function (region) {
      var name = region.getAttribute("data-refresh-region");
      var next = fresh.querySelector('[data-refresh-region="' + name + '"]');
      if (next && next.innerHTML !== region.innerHTML) {
        region.innerHTML = next.innerHTML;
        region.dispatchEvent(new CustomEvent("korder:refreshed", { bubbles: true }));
      }
    });
    window.scrollTo(x, y);
    document.dispatchEvent(new CustomEvent("korder:refresh-done"));
  }

  function refresh() {
    if (busy || document.hidden) { return; }
    busy = true;
    fetch(window.location.href, { credentials: "same-origin", headers: { "X-Korder-Refresh": "1" } })
      .then(function (response) {
        if (response.redirected && response.url.indexOf("/login/") !== -1) {
          throw new Error("signed out: reload the page to sign in again");
        }
        if (!response.ok) { throw new Error("the server answered " + response.status); }
        return response.text();
      })
      .then(function (html) {
        swap(new DOMParser().parseFromString(html, "text/html"));
        say("Updated " + clock() + " · refreshes every " + seconds + " s");
      })
      .catch(function (error) { say("Not refreshed (" + error.message + "), " + clock()); })
      .finally(function () { busy = false; });
  }

  function start() {
    if (timer === null) { timer = window.setInterval(refresh, seconds * 1000); }
  }
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { refresh(); }
  });
  window.korderRefresh = refresh;  // the browser tests call it instead of waiting a minute
  say("Refreshes every " + seconds + " s");
  start();
})();
