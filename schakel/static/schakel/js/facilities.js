// Facilities: the booking calendar (FullCalendar 6) and the figures charts (Chart.js 4).
// Configuration comes from data- attributes; no inline script (CSP).
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  // A Date as the value of a datetime-local input (local wall-clock time).
  function localValue(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      "T" + pad(date.getHours()) + ":" + pad(date.getMinutes());
  }

  function hideIcons(el) {
    el.querySelectorAll(".fc-icon[role=img]").forEach(function (icon) {
      icon.removeAttribute("role");
      icon.setAttribute("aria-hidden", "true");
    });
  }

  function initCalendar(el) {
    if (!window.FullCalendar) { return; }
    var selectable = el.getAttribute("data-selectable") === "true";
    var calendar = new FullCalendar.Calendar(el, {
      initialView: window.innerWidth < 768 ? "timeGridDay" : "timeGridWeek",
      locale: el.getAttribute("data-locale") || "nl",
      firstDay: 1,
      height: "auto",
      nowIndicator: true,
      allDaySlot: false,
      slotMinTime: "06:00:00",
      slotMaxTime: "22:00:00",
      timeZone: "local",
      headerToolbar: { left: "prev,next today", center: "title", right: "dayGridMonth,timeGridWeek,timeGridDay" },
      events: el.getAttribute("data-events-url"),
      buttonText: {
        today: el.getAttribute("data-label-today") || "today",
        month: el.getAttribute("data-label-month") || "month",
        week: el.getAttribute("data-label-week") || "week",
        day: el.getAttribute("data-label-day") || "day"
      },
      // The chevrons are decoration: the buttons carry their own title (axe: role-img-alt).
      datesSet: function () { hideIcons(el); },
      selectable: selectable,
      selectMirror: true,
      select: function (info) {
        var start = document.getElementById("id_start");
        var end = document.getElementById("id_end");
        if (!start || !end) { return; }
        start.value = localValue(info.start);
        end.value = localValue(info.end);
        start.dispatchEvent(new Event("change", { bubbles: true }));
        var form = document.getElementById("booking-form");
        if (form) { form.scrollIntoView({ behavior: "smooth", block: "nearest" }); start.focus(); }
      },
      dateClick: function (info) {
        if (info.view.type === "dayGridMonth") { calendar.changeView("timeGridDay", info.date); }
      }
    });
    calendar.render();
    hideIcons(el);
  }

  var palette = ["#0b5394", "#e69138", "#6aa84f", "#cc0000", "#674ea7", "#45818e", "#bf9000", "#a64d79"];

  function chart(canvas, type, labels, datasets, options) {
    return new window.Chart(canvas, {
      type: type,
      data: { labels: labels, datasets: datasets },
      options: Object.assign({ responsive: true, animation: false }, options || {})
    });
  }

  function initCharts(root) {
    if (!window.Chart) { return; }
    fetch(root.getAttribute("data-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
          var name = canvas.getAttribute("data-chart");
          if (name === "occupancy") {
            chart(canvas, "line", data.occupancy.labels, data.occupancy.datasets.map(function (set, i) {
              return { label: set.label, data: set.data, borderColor: palette[i % palette.length], fill: false };
            }), { scales: { y: { min: 0, max: 100 } } });
          } else if (name === "utilisation") {
            chart(canvas, "bar", data.utilisation.labels, [{ label: "%", data: data.utilisation.data, backgroundColor: palette[0] }],
              { indexAxis: "y", scales: { x: { min: 0, max: 100 } }, plugins: { legend: { display: false } } });
          } else {
            var set = data[name];
            chart(canvas, name === "revenue" ? "bar" : "doughnut", set.labels,
              [{ data: set.data, backgroundColor: set.labels.map(function (_, i) { return palette[i % palette.length]; }) }],
              name === "revenue" ? { plugins: { legend: { display: false } } } : {});
          }
        });
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("facility-calendar");
    if (el) { initCalendar(el); }
    var charts = document.getElementById("facility-charts");
    if (charts) { initCharts(charts); }
  });
})();
