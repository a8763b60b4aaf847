// The map beside a result list (templates/includes/results_map.html): one marker per listed
// result that has coordinates, read from the json_script block; the list stays the page.
(function () {
  var container = document.querySelector("[data-results-map]");
  if (!container || !window.L) return;  // Leaflet did not load: the list alone is the page
  var source = document.getElementById(container.dataset.markers);
  var markers = source ? JSON.parse(source.textContent) : [];
  if (!markers.length) return;
  container.hidden = false;
  var map = L.map(container, { scrollWheelZoom: false });
  L.tileLayer(container.dataset.tileUrl, { attribution: container.dataset.attribution, maxZoom: 19 }).addTo(map);
  var points = [];
  markers.forEach(function (item) {
    var popup = document.createElement("div");
    var link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.title;
    popup.appendChild(link);
    if (item.detail) {
      var detail = document.createElement("div");
      detail.className = "muted";
      detail.textContent = item.detail;
      popup.appendChild(detail);
    }
    L.marker([item.lat, item.lng], { title: item.title, alt: item.title }).bindPopup(popup).addTo(map);
    points.push([item.lat, item.lng]);
  });
  if (points.length === 1) {
    map.setView(points[0], 12);
  } else {
    map.fitBounds(points, { padding: [28, 28], maxZoom: 13 });
  }
  container.dataset.ready = "true";  // for tests and styles: the map has drawn its markers
})();
