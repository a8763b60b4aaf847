/* Donate page: save the card with a SetupIntent (Stripe.js Card element), then let the server
   charge it. The server decides what happened from Stripe's answers; this script only relays. */
(function () {
  "use strict";
  var form = document.getElementById("donation-form");
  if (!form || typeof Stripe === "undefined") { return; }

  var stripe = Stripe(form.dataset.stripeKey);
  var card = stripe.elements().create("card");
  card.mount("#card-element");

  var amountInput = document.getElementById("id_amount");
  var coverFee = document.getElementById("id_cover_fee");
  var feeLabel = document.getElementById("fee-amount");
  var totalLine = document.getElementById("donation-total");
  var errorsBox = document.getElementById("donation-errors");
  var statusLine = document.getElementById("donation-status");
  var submit = document.getElementById("donate-submit");
  var rule = JSON.parse(document.getElementById("fee-rule").textContent);
  var currency = form.dataset.currency;
  var formatter = new Intl.NumberFormat("en", {style: "currency", currency: currency});

  function amountMinor() {
    var raw = (amountInput.value || "").replace(/[\s,]/g, "");
    if (!/^\d+(\.\d+)?$/.test(raw)) { return null; }
    var parts = raw.split(".");
    var decimals = parts[1] || "";
    if (decimals.length > rule.exponent) { return null; }
    while (decimals.length < rule.exponent) { decimals += "0"; }
    return parseInt(parts[0] + decimals, 10);
  }
  function feeFor(minor) {  // same integer formula as services.processing_fee
    var gross = Math.ceil(((minor + rule.fixed) * 10000) / (10000 - rule.basis_points));
    return gross - minor;
  }
  function show(minor) { return formatter.format(minor / Math.pow(10, rule.exponent)); }
  function refresh() {
    var minor = amountMinor();
    if (minor === null || minor <= 0) { feeLabel.textContent = ""; totalLine.textContent = ""; return; }
    var fee = feeFor(minor);
    feeLabel.textContent = "(+" + show(fee) + ")";
    totalLine.textContent = "Your card will be charged " + show(minor + (coverFee.checked ? fee : 0)) + ".";
  }
  document.querySelectorAll(".preset").forEach(function (button) {
    button.addEventListener("click", function () {
      amountInput.value = button.dataset.amount;
      document.querySelectorAll(".preset").forEach(function (b) { b.setAttribute("aria-pressed", b === button ? "true" : "false"); });
      refresh();
    });
  });
  amountInput.addEventListener("input", refresh);
  coverFee.addEventListener("change", refresh);

  function csrf() { return form.querySelector("[name=csrfmiddlewaretoken]").value; }
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"X-CSRFToken": csrf(), "Content-Type": "application/json", "Accept": "application/json"},
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {status: "error", message: "Something went wrong. No money was taken; please try again."}; });
    });
  }
  function showErrors(messages) {
    errorsBox.innerHTML = "";
    messages.forEach(function (text) { var p = document.createElement("p"); p.textContent = text; errorsBox.appendChild(p); });
    errorsBox.hidden = messages.length === 0;
    if (messages.length) { errorsBox.focus && errorsBox.scrollIntoView({block: "center"}); }
  }
  function clearFieldErrors() {
    form.querySelectorAll(".field .error").forEach(function (node) { node.remove(); });
    form.querySelectorAll(".has-error").forEach(function (node) { node.classList.remove("has-error"); });
  }
  function fieldErrors(errors) {
    var general = [];
    Object.keys(errors).forEach(function (name) {
      var box = document.getElementById("field-" + name);
      errors[name].forEach(function (err) {
        if (!box) { general.push(err.message); return; }
        box.classList.add("has-error");
        var p = document.createElement("p"); p.className = "error"; p.setAttribute("role", "alert"); p.textContent = err.message;
        box.appendChild(p);
      });
    });
    showErrors(general.length ? general : ["Please check the highlighted fields."]);
  }
  function busy(on, text) {
    submit.disabled = on;
    statusLine.textContent = text || "";
    form.setAttribute("aria-busy", on ? "true" : "false");
  }
  function finish(result) {
    if (result.status === "succeeded" || result.status === "pending") {
      statusLine.textContent = "Thank you! Taking you to your receipt…";
      window.location.assign(result.redirect);
      return;
    }
    busy(false);
    showErrors([result.message || "Your payment did not go through. No money was taken."]);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearFieldErrors();
    showErrors([]);
    var minor = amountMinor();
    var min = parseInt(amountInput.dataset.min, 10), max = parseInt(amountInput.dataset.max, 10);
    if (minor === null || minor < min || minor > max) {
      fieldErrors({amount: [{message: "Give between " + show(min) + " and " + show(max) + "."}]});
      return;
    }
    busy(true, "Saving your card…");
    var data = new FormData(form);
    fetch(form.action, {method: "POST", credentials: "same-origin", body: data, headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (start) {
        if (start.status === "invalid") { busy(false); fieldErrors(start.errors); return null; }
        if (start.status !== "setup") { busy(false); showErrors([start.message || "Could not start the payment."]); return null; }
        return stripe.confirmCardSetup(start.client_secret, {
          payment_method: {card: card, billing_details: {name: data.get("donor_name"), email: data.get("email")}}
        }).then(function (setup) {
          if (setup.error || !setup.setupIntent) { return post(start.setup_failed); }
          busy(true, "Charging your card…");
          return post(start.charge, {setup_intent_id: setup.setupIntent.id}).then(function (charged) {
            if (charged.status !== "requires_action") { return charged; }
            busy(true, "Your bank asks you to confirm…");
            return stripe.confirmCardPayment(charged.client_secret).then(function () {
              busy(true, "Checking with your bank…");
              return post(start.refresh);
            });
          });
        }).then(finish);
      })
      .catch(function () { busy(false); showErrors(["Something went wrong. Please try again."]); });
  });
  refresh();
})();
