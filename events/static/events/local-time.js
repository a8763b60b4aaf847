// On a first visit the server does not know the browser's time zone yet (site.js sets the `tz`
// cookie for next time): show the event's time in the browser's zone here, if it differs.
(function () {
  var line = document.getElementById("event-time-viewer");
  if (!line || !line.dataset.localStart || !window.Intl) return;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || zone === line.dataset.eventZone) return;
  var start = new Date(line.dataset.localStart), end = new Date(line.dataset.localEnd);
  var day = new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
  var hour = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
  line.textContent = "Your time: " + day.format(start) + ", " + hour.format(start) + " – " + hour.format(end) + " (" + zone + ")";
  line.hidden = false;
})();
