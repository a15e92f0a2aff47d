// Loaded just before FullCalendar, which adds its CSS rule by rule through the CSSOM,
// including an @font-face whose font is a data: URL, which our CSP (font-src 'self') refuses
// and reports. Replace that one rule; facilities.css draws the calendar's chevrons with the
// vendored Bootstrap Icons font instead.
(function () {
  "use strict";
  var insertRule = CSSStyleSheet.prototype.insertRule;
  CSSStyleSheet.prototype.insertRule = function (rule, index) {
    if (typeof rule === "string" && rule.indexOf("@font-face") === 0 && rule.indexOf("data:") !== -1) {
      // A font face without a source loads nothing; it keeps FullCalendar's rule indexes.
      arguments[0] = "@font-face{font-family:fcicons-unused}";
    }
    return insertRule.apply(this, arguments);
  };
})();
