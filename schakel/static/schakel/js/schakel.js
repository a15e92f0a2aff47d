// Small behaviours that the CSP does not allow inline.
(function () {
  "use strict";
  // Submit a filter form's change through htmx (forms opt in with data-autosubmit).
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form && window.htmx) { htmx.trigger(form, "submit"); }
  });
  // Progress bars: width is data, applied here because inline styles are blocked.
  function applyWidths(root) {
    root.querySelectorAll("[data-width]").forEach(function (el) {
      el.style.width = el.getAttribute("data-width") + "%";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { applyWidths(document); });
  document.addEventListener("htmx:afterSettle", function (event) { applyWidths(event.target); });
  // Confirm dangerous actions: buttons carry data-confirm with the (translated) question.
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
})();
