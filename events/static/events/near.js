// "Use my location": fill the latitude/longitude filters from the browser's geolocation.
(function () {
  var button = document.getElementById("use-my-location");
  if (!button) return;
  var status = document.getElementById("location-status");
  if (!navigator.geolocation) { button.hidden = true; return; }
  button.addEventListener("click", function () {
    status.textContent = "Finding you…";
    navigator.geolocation.getCurrentPosition(function (position) {
      document.getElementById("id_lat").value = position.coords.latitude.toFixed(5);
      document.getElementById("id_lng").value = position.coords.longitude.toFixed(5);
      status.textContent = "Location set.";
      document.getElementById("event-filters").submit();
    }, function () {
      status.textContent = "Could not get your location; type latitude and longitude instead.";
    }, { timeout: 10000 });
  });
})();
