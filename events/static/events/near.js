// "Use my location": fill the latitude/longitude filters from the browser's geolocation.
(function () {
  // Django's JavaScript catalogue (djangojs) when the page loads it; English otherwise.
  var gettext = window.gettext || function (text) { return text; };
  var button = document.getElementById("use-my-location");
  if (!button) return;
  var status = document.getElementById("location-status");
  if (!navigator.geolocation) { button.hidden = true; return; }
  button.addEventListener("click", function () {
    status.textContent = gettext("Finding you…");
    navigator.geolocation.getCurrentPosition(function (position) {
      document.getElementById("id_lat").value = position.coords.latitude.toFixed(5);
      document.getElementById("id_lng").value = position.coords.longitude.toFixed(5);
      var place = document.getElementById("id_place");
      if (place) place.value = "";  // a typed place would win over the coordinates
      status.textContent = gettext("Location set.");
      document.getElementById("event-filters").submit();
    }, function () {
      status.textContent = gettext("Could not get your location; type a city instead.");
    }, { timeout: 10000 });
  });
})();

// City autocomplete: suggestions from the gazetteer (/events/places/?q=...) into the datalist.
(function () {
  var input = document.getElementById("id_place");
  var list = document.getElementById("place-suggestions");
  if (!input || !list || !window.fetch) return;
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var query = input.value.trim();
    if (query.length < 2) return;
    timer = setTimeout(function () {
      fetch(list.dataset.url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { places: [] }; })
        .then(function (data) {
          list.textContent = "";
          data.places.forEach(function (place) {
            var option = document.createElement("option");
            option.value = place.label;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 200);
  });
})();
