// Filter forms (<form data-autosubmit>): apply a select as soon as it changes. Without
// JavaScript the Apply button does the same.
(function () {
  "use strict";
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () { form.requestSubmit(); });
    });
  });
})();
