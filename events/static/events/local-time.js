// On a first visit the server does not know the browser's time zone yet (site.js sets the `tz`
// cookie for next time): show the event's time in the browser's zone here, if it differs.
(function () {
  var line = document.getElementById("event-time-viewer");
  if (!line || !line.dataset.localStart || !window.Intl) return;
  // Django's JavaScript catalogue (djangojs) when the page loads it; English otherwise.
  var gettext = window.gettext || function (text) { return text; };
  var interpolate = window.interpolate || function (format, values) {
    return format.replace(/%\((\w+)\)s/g, function (match, name) { return values[name]; });
  };
  // The page's language, in the browser's own variant of it when it has one (en-GB, es-MX).
  var lang = document.documentElement.lang || "";
  var locale = (navigator.languages || []).filter(function (tag) { return tag.split("-")[0] === lang; })[0]
    || lang || undefined;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || zone === line.dataset.eventZone) return;
  var start = new Date(line.dataset.localStart), end = new Date(line.dataset.localEnd);
  var day = new Intl.DateTimeFormat(locale, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
  var hour = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" });
  line.textContent = interpolate(gettext("Your time: %(day)s, %(start)s – %(end)s (%(zone)s)"), {
    day: day.format(start), start: hour.format(start), end: hour.format(end), zone: zone
  }, true);
  line.hidden = false;
})();
