// Create/edit form: show only the fields the chosen indicator uses, and suggest a name
// (reference §8.8: "<ORDER DIRECTION> <INDICATOR> <UT>" upper-cased + " <cfd>") until the user
// types one. The server applies the same rule when the name is left blank.
(function () {
  "use strict";
  var form = document.querySelector("form[data-workflow-form]");
  if (!form) { return; }

  var indicator = form.querySelector("[data-indicator-select]");
  function showIndicatorFields() {
    form.querySelectorAll("[data-indicators]").forEach(function (input) {
      var row = input.closest("[data-field]");
      var kinds = input.getAttribute("data-indicators").split(" ");
      row.hidden = kinds.indexOf(indicator.value) === -1;
    });
    var valueLabel = form.querySelector("label[for='id_value']");
    if (valueLabel) {
      valueLabel.textContent = indicator.value === "zone" ? "Value (lower bound):" : "Value:";
    }
  }

  var name = form.querySelector("[data-name-input]");
  var parts = {};
  form.querySelectorAll("[data-name-part]").forEach(function (el) {
    parts[el.getAttribute("data-name-part")] = el;
  });
  var typed = name.value.trim() !== "";
  function suggestion() {
    var words = [parts.direction, parts.indicator, parts.ut].map(function (el) {
      return el ? el.value : "";
    }).filter(Boolean);
    var text = words.join(" ").toUpperCase();
    var cfd = parts.cfd ? parts.cfd.value.trim() : "";
    return cfd ? text + " " + cfd : text;
  }
  function suggestName() {
    if (!typed) { name.value = suggestion(); }
  }
  name.addEventListener("input", function () { typed = name.value.trim() !== ""; });
  Object.keys(parts).forEach(function (key) {
    parts[key].addEventListener("input", suggestName);
    parts[key].addEventListener("change", suggestName);
  });

  indicator.addEventListener("change", showIndicatorFields);
  showIndicatorFields();
  suggestName();
})();
