// "@" suggestions in comment and post boxes. A form with data-mention-suggestions="<url>" gets a
// list of people (from <url>?q=<prefix>) under each of its textareas while the word before the
// caret starts with "@". Arrow keys move, Enter or Tab inserts "@Handle ", Escape closes. Without
// JavaScript people type handles by hand; the server matches them the same way.
(function () {
  var WORD = /(^|[^\w@\/])@([\w.\-]{1,40})$/;
  var counter = 0;

  function setup(form) {
    var url = form.getAttribute("data-mention-suggestions");
    Array.prototype.forEach.call(form.querySelectorAll("textarea"), function (box) {
      counter += 1;
      var list = document.createElement("ul");
      list.id = "mention-list-" + counter;
      list.className = "mention-suggestions";
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", "People you can mention");
      list.hidden = true;
      box.insertAdjacentElement("afterend", list);
      box.setAttribute("aria-autocomplete", "list");
      box.setAttribute("aria-controls", list.id);
      // No aria-expanded: a textarea (role textbox) may not carry it (WCAG 4.1.2; axe
      // aria-allowed-attr). The open list is announced through aria-activedescendant.
      var active = -1, pending = null, lastQuery = "";

      function close() {
        list.hidden = true;
        list.innerHTML = "";
        active = -1;
        box.removeAttribute("aria-activedescendant");
      }

      function highlight(index) {
        var options = list.querySelectorAll("[role=option]");
        if (!options.length) return;
        active = (index + options.length) % options.length;
        Array.prototype.forEach.call(options, function (option, i) {
          option.setAttribute("aria-selected", String(i === active));
        });
        box.setAttribute("aria-activedescendant", options[active].id);
      }

      function insert(handle) {
        var before = box.value.slice(0, box.selectionStart);
        var after = box.value.slice(box.selectionStart);
        var match = before.match(WORD);
        if (!match) return close();
        var start = before.length - match[2].length - 1;
        box.value = before.slice(0, start) + "@" + handle + " " + after;
        var caret = start + handle.length + 2;
        box.setSelectionRange(caret, caret);
        close();
        box.focus();
      }

      function show(results) {
        list.innerHTML = "";
        if (!results.length) return close();
        results.forEach(function (person, i) {
          var option = document.createElement("li");
          option.id = list.id + "-" + i;
          option.setAttribute("role", "option");
          option.setAttribute("aria-selected", "false");
          option.textContent = person.name + " (@" + person.handle + ")";
          option.addEventListener("mousedown", function (event) {
            event.preventDefault();
            insert(person.handle);
          });
          list.appendChild(option);
        });
        list.hidden = false;
        highlight(0);
      }

      box.addEventListener("input", function () {
        var match = box.value.slice(0, box.selectionStart).match(WORD);
        if (!match) return close();
        var query = match[2];
        if (query === lastQuery && !list.hidden) return;
        lastQuery = query;
        clearTimeout(pending);
        pending = setTimeout(function () {
          fetch(url + "?q=" + encodeURIComponent(query), { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then(function (response) { return response.ok ? response.json() : { results: [] }; })
            .then(function (data) { show(data.results || []); })
            .catch(close);
        }, 150);
      });

      box.addEventListener("keydown", function (event) {
        if (list.hidden) return;
        if (event.key === "ArrowDown" || event.key === "ArrowUp") {
          event.preventDefault();
          highlight(active + (event.key === "ArrowDown" ? 1 : -1));
        } else if (event.key === "Enter" || event.key === "Tab") {
          var option = list.querySelectorAll("[role=option]")[active];
          if (option) {
            event.preventDefault();
            insert(option.textContent.replace(/^.*\(@(.*)\)$/, "$1"));
          }
        } else if (event.key === "Escape") {
          close();
        }
      });
      box.addEventListener("blur", function () { setTimeout(close, 150); });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-mention-suggestions]"), setup);
})();
