/* Pay a pledge on-session after its charge failed. The server creates and confirms the payment;
   when the bank asks for 3-D Secure the page runs it with Stripe.js (once), then asks the server
   how the payment ended (the browser's word never counts). A new card is saved first
   (SetupIntent), then paid the same way. */
(function () {
  "use strict";
  // Messages come from Django's JavaScriptCatalog (fundraising:javascript_catalog, loaded before
  // this script); without it (a blocked request) the English source text is shown.
  var gettext = window.gettext || function (text) { return text; };
  var saved = document.getElementById("pay-saved");
  var fresh = document.getElementById("pay-new");
  if (typeof Stripe === "undefined" || !fresh) { return; }
  var stripe = Stripe(fresh.dataset.stripeKey);
  var errorsBox = document.getElementById("pay-errors");
  var statusLine = document.getElementById("pay-status");
  var buttons = document.querySelectorAll("#pay-saved button, #pay-new button");
  var card = stripe.elements().create("card");
  fresh.hidden = false;
  card.mount("#card-element");
  function csrf() { return fresh.querySelector("[name=csrfmiddlewaretoken]").value; }
  function busy(on) { buttons.forEach(function (b) { b.disabled = on; }); }
  function fail(message) {
    errorsBox.hidden = false; errorsBox.textContent = message; statusLine.textContent = ""; busy(false);
  }
  function post(url, body) {
    return fetch(url, { method: "POST", body: JSON.stringify(body || {}), credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf() } })
      .then(function (r) { return r.json(); });
  }
  function settle(answer, tries) {
    if (answer.status === "collected") { window.location = answer.redirect; return; }
    if (answer.status === "requires_action") {
      statusLine.textContent = gettext("Your bank asks you to confirm the payment…");
      return stripe.confirmCardPayment(answer.client_secret).then(function () {
        return post(answer.refresh).then(function (next) {
          if (next.status === "requires_action") { return fail(gettext("The payment was not confirmed with your bank. Nothing was charged; please try again.")); }
          return settle(next, tries);
        });
      });
    }
    if (answer.status === "processing" && (tries || 0) < 10) {
      statusLine.textContent = gettext("Confirming your payment…");
      return new Promise(function (r) { setTimeout(r, 1500); }).then(function () {
        return post(answer.refresh).then(function (next) { return settle(next, (tries || 0) + 1); });
      });
    }
    return fail(answer.message || gettext("The payment did not go through. Nothing was charged."));
  }
  function pay(body) {
    return post(fresh.dataset.pay, body).then(function (answer) { return settle(answer, 0); });
  }
  function broken() { fail(gettext("The connection failed. Please reload the page to see whether the payment went through.")); }
  if (saved) {
    saved.addEventListener("submit", function (event) {
      event.preventDefault();
      busy(true); errorsBox.hidden = true; statusLine.textContent = gettext("Paying with your saved card…");
      pay({}).catch(broken);
    });
  }
  fresh.addEventListener("submit", function (event) {
    event.preventDefault();
    busy(true); errorsBox.hidden = true; statusLine.textContent = gettext("Saving your card…");
    post(fresh.action).then(function (setup) {
      if (setup.status !== "setup") { return fail(setup.message || gettext("Something went wrong.")); }
      return stripe.confirmCardSetup(setup.client_secret, { payment_method: { card: card } }).then(function (result) {
        if (result.error) { return fail(result.error.message); }
        statusLine.textContent = gettext("Paying…");
        return pay({ setup_intent_id: setup.setup_intent_id });
      });
    }).catch(broken);
  });
})();
