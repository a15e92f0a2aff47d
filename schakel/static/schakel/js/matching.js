// The matching page: Enter in the company search looks up companies instead of submitting.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches("input[data-no-submit]")) {
      event.preventDefault();
      if (window.htmx) { htmx.trigger(event.target, "search"); }
    }
  });
  // After new results arrive, move focus to their heading so screen readers announce them.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id === "match-results") {
      var heading = event.target.querySelector("h2");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    }
  });
})();
