// Remember the browser's time zone so the server can show times in it.
(function () {
  try {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && document.cookie.indexOf("tz=" + tz) === -1) {
      document.cookie = "tz=" + tz + ";path=/;max-age=31536000;samesite=lax";
    }
  } catch (e) { /* old browsers: UTC */ }

  var toggle = document.querySelector(".nav-toggle");
  var nav = document.getElementById("site-nav");
  if (toggle && nav) {
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      nav.classList.toggle("open", !open);
    });
  }

  // A table wider than a phone scrolls sideways in its .table-scroll box: keyboard users must be
  // able to focus the box to scroll it (WCAG 2.1.1; axe scrollable-region-focusable), and a focused
  // region needs a name: the table's caption or the heading before it.
  document.querySelectorAll(".table-scroll").forEach(function (box) {
    if (box.hasAttribute("tabindex")) return;
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "region");
    if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
      var caption = box.querySelector("caption");
      var heading = box.previousElementSibling;
      while (heading && !/^H[1-6]$/.test(heading.tagName)) heading = heading.previousElementSibling;
      var name = (caption || heading || {}).textContent;
      if (name) box.setAttribute("aria-label", name.trim());
    }
  });

  // Escape closes an open menu (<details>) and puts focus back on its <summary> (WCAG 2.1.2).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var menu = event.target.closest && event.target.closest("details[open]");
    if (!menu) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });

  // Copy-to-clipboard buttons: <button data-copy="text">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
      var label = button.textContent;
      button.textContent = window.gettext ? window.gettext("Copied!") : "Copied!";
      setTimeout(function () { button.textContent = label; }, 1500);
    });
  });

  // Web Share API where the browser has it: <button data-share-url data-share-title>.
  document.querySelectorAll("[data-web-share]").forEach(function (button) {
    if (!navigator.share) { button.hidden = true; return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.share({ title: button.dataset.shareTitle, text: button.dataset.shareText, url: button.dataset.shareUrl });
    });
  });
})();
