/* A monthly gift's page: save a new card on-session (SetupIntent, confirmed with Stripe.js, where
   the bank may ask for 3-D Secure with the donor present), then let the server check it with
   Stripe. Nothing is charged here; a paused gift resumes with the next run. */
(function () {
  "use strict";
  // Messages come from Django's JavaScriptCatalog (fundraising:javascript_catalog, loaded before
  // this script); without it (a blocked request) the English source text is shown.
  var gettext = window.gettext || function (text) { return text; };
  var form = document.getElementById("plan-card-form");
  if (!form || typeof Stripe === "undefined") { return; }
  var stripe = Stripe(form.dataset.stripeKey);
  var card = stripe.elements().create("card");
  card.mount("#card-element");
  var errorsBox = document.getElementById("plan-card-errors");
  var statusLine = document.getElementById("plan-card-status");
  var submit = document.getElementById("plan-card-submit");
  function csrf() { return form.querySelector("[name=csrfmiddlewaretoken]").value; }
  function post(url, body) {
    return fetch(url, {method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf()}})
      .then(function (r) { return r.json(); });
  }
  function fail(message) {
    errorsBox.hidden = false; errorsBox.textContent = message; statusLine.textContent = ""; submit.disabled = false;
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    submit.disabled = true; errorsBox.hidden = true; statusLine.textContent = gettext("Saving your card…");
    var token = form.dataset.token;
    post(form.dataset.start, {t: token}).then(function (start) {
      if (start.status !== "setup") { return fail(start.message || gettext("Could not start saving the card.")); }
      return stripe.confirmCardSetup(start.client_secret, {payment_method: {card: card}}).then(function (result) {
        if (result.error) { return fail(result.error.message || gettext("Your card could not be saved.")); }
        return post(form.dataset.finish, {t: token, setup_intent_id: start.setup_intent_id}).then(function (done) {
          if (done.status === "saved") { window.location.reload(); } else { fail(done.message || gettext("Your card could not be saved.")); }
        });
      });
    }).catch(function () { fail(gettext("The connection failed; nothing was charged. Please try again.")); });
  });
})();
