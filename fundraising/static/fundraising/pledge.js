/* Pledge page: the server reads the amount and creates the pledge and a SetupIntent; the page
   saves the card with Stripe.js (nothing is charged) and asks the server to check it with Stripe. */
(function () {
  "use strict";
  // Messages come from Django's JavaScriptCatalog (fundraising:javascript_catalog, loaded before
  // this script); without it (a blocked request) the English source text is shown.
  var gettext = window.gettext || function (text) { return text; };
  var form = document.getElementById("pledge-form");
  if (!form || typeof Stripe === "undefined") { return; }
  var stripe = Stripe(form.dataset.stripeKey);
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  var errorsBox = document.getElementById("pledge-errors");
  var statusLine = document.getElementById("pledge-status");
  var submit = document.getElementById("pledge-submit");
  function csrf() { return form.querySelector("[name=csrfmiddlewaretoken]").value; }
  function fail(message) {
    errorsBox.hidden = false; errorsBox.textContent = message; statusLine.textContent = ""; submit.disabled = false;
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    submit.disabled = true; errorsBox.hidden = true; statusLine.textContent = gettext("Saving your pledge…");
    fetch(form.action, { method: "POST", body: new FormData(form), headers: { "X-CSRFToken": csrf() }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (start) {
        if (start.status !== "setup") {
          var messages = [];
          Object.values(start.errors || {}).forEach(function (list) { list.forEach(function (e) { messages.push(e.message); }); });
          return fail(messages.join(" ") || start.message || gettext("Something went wrong."));
        }
        return stripe.confirmCardSetup(start.client_secret, { payment_method: { card: card } }).then(function (result) {
          if (result.error) { return fail(result.error.message); }
          return fetch(start.confirm, { method: "POST", body: JSON.stringify({ setup_intent_id: start.setup_intent_id }),
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() }, credentials: "same-origin" })
            .then(function (r) { return r.json(); })
            .then(function (done) {
              if (done.status === "active") { window.location = done.redirect; } else { fail(done.message || gettext("Your card could not be saved.")); }
            });
        });
      })
      .catch(function () { fail(gettext("The connection failed; nothing was charged. Please try again.")); });
  });
})();
