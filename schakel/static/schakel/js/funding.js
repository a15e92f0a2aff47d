/* Funding screens: live totals of the budget and financing plan, and the dashboard chart.
   No inline scripts (CSP): everything reads data- attributes. The server still checks
   every figure; these totals only help the applicant while typing. */
(function () {
  "use strict";

  function cents(input) {
    var value = (input && input.value || "").replace(",", ".").trim();
    if (!value) { return 0; }
    var number = Number(value);
    return isFinite(number) ? Math.round(number * 100) : 0;
  }

  function euro(centsValue) {
    var lang = document.documentElement.lang || "nl";
    return (centsValue / 100).toLocaleString(lang + "-BE", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  function initPlan(form) {
    var budgetTotal = document.getElementById("budget-total");
    var financingTotal = document.getElementById("financing-total");
    var difference = document.getElementById("plan-difference");
    var rate = Number((budgetTotal && budgetTotal.dataset.overheadRate) || 0);
    var overheads = form.querySelector("[name=budget_overheads]");
    var personnel = form.querySelector("[name=budget_personnel]");

    function update() {
      if (overheads && personnel) {
        overheads.value = (Math.round(cents(personnel) * rate / 100) / 100).toFixed(2);
      }
      var budget = 0;
      form.querySelectorAll("[data-budget-line] input").forEach(function (input) { budget += cents(input); });
      var financing = 0;
      form.querySelectorAll("[data-financing-line] input").forEach(function (input) { financing += cents(input); });
      if (budgetTotal) { budgetTotal.textContent = euro(budget); }
      if (financingTotal) { financingTotal.textContent = euro(financing); }
      if (difference) {
        if (budget === financing) {
          difference.textContent = difference.dataset.textEqual;
          difference.className = "small text-success";
        } else {
          difference.textContent = difference.dataset.textDiffers + " " + euro(financing - budget) + " EUR";
          difference.className = "small text-danger";
        }
      }
    }
    form.addEventListener("input", update);
    update();
  }

  function numbers(text) {
    return (text || "").split(",").filter(function (v) { return v !== ""; }).map(Number);
  }

  function initChart(canvas) {
    if (typeof window.Chart === "undefined") { return; }
    var data = canvas.dataset;
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: (data.chartLabels || "").split(",").filter(Boolean),
        datasets: [
          { label: data.labelCommitted, data: numbers(data.chartCommitted), borderColor: "#0b4f6c", backgroundColor: "#0b4f6c", stepped: true },
          { label: data.labelPaid, data: numbers(data.chartPaid), borderColor: "#b3541e", backgroundColor: "#b3541e", stepped: true }
        ]
      },
      options: { responsive: true, animation: false, scales: { y: { beginAtZero: true } } }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-funding-plan]").forEach(initPlan);
    document.querySelectorAll("#absorption-chart").forEach(initChart);
  });
})();
