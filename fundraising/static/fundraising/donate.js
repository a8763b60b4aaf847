/* Donate page: the server reads the amount and starts the donation; the page shows the exact
   amount the server will charge and waits for the donor to confirm; then it turns the card into a
   PaymentMethod (Stripe.js Card element) and lets the server charge it with one PaymentIntent. The server decides what
   happened from Stripe's answers; this script only relays and never parses money. */
(function () {
  "use strict";
  // Messages come from Django's JavaScriptCatalog (fundraising:javascript_catalog, loaded before
  // this script); without it (a blocked request) the English source text is shown.
  var gettext = window.gettext || function (text) { return text; };
  var interpolate = window.interpolate || function (format, values) {
    return format.replace(/%\((\w+)\)s/g, function (match, name) { return String(values[name]); });
  };
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
  var confirmBox = document.getElementById("donation-confirm");
  var confirmText = document.getElementById("donation-confirm-text");
  var confirmButton = document.getElementById("donate-confirm");
  var changeButton = document.getElementById("donate-change");
  var presets = document.querySelectorAll(".preset");

  // The server reads the amount (separators, currency decimals, the visitor's locale): this script
  // never parses or computes money. A preset carries its exact texts, rendered by the server; a
  // typed amount is shown back by the server before anything is charged.
  function pressedPreset() {
    var found = null;
    presets.forEach(function (button) {
      if (button.getAttribute("aria-pressed") === "true" && button.dataset.amount === amountInput.value) { found = button; }
    });
    return found;
  }
  var monthlyChoice = form.querySelector("input[name=frequency][value=monthly]");
  function monthly() { return !!(monthlyChoice && monthlyChoice.checked); }
  form.querySelectorAll("input[name=frequency]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      submit.textContent = monthly() ? gettext("Donate every month") : gettext("Donate");
      refresh();
    });
  });
  function refresh() {
    refreshAmount();
    if (monthly() && totalLine.textContent) { totalLine.textContent += " Then the same amount every month, until you cancel."; }
  }
  function refreshAmount() {
    var preset = pressedPreset();
    if (!preset) {
      feeLabel.textContent = "";
      totalLine.textContent = amountInput.value ? gettext("You will see the exact amount and confirm it before your card is charged.") : "";
      return;
    }
    feeLabel.textContent = "(+" + preset.dataset.fee + ")";
    totalLine.textContent = interpolate(gettext("Your card will be charged %(amount)s."), {amount: coverFee.checked ? preset.dataset.chargeWithFee : preset.dataset.charge}, true);
  }
  presets.forEach(function (button) {
    button.addEventListener("click", function () {
      amountInput.value = button.dataset.amount;
      presets.forEach(function (b) { b.setAttribute("aria-pressed", b === button ? "true" : "false"); });
      refresh();
    });
  });
  amountInput.addEventListener("input", function () {
    presets.forEach(function (b) { b.setAttribute("aria-pressed", b.dataset.amount === amountInput.value ? "true" : "false"); });
    refresh();
  });
  coverFee.addEventListener("change", refresh);

  function csrf() { return form.querySelector("[name=csrfmiddlewaretoken]").value; }
  // `afterCharge`: the card may have been charged, so an unreadable answer (a server error, a lost
  // connection) is never "failed": the donor is taken to the receipt page, which checks with the
  // server every few seconds ("we are confirming your payment") and never offers to pay again.
  function post(url, body, afterCharge) {
    var unknown = afterCharge ? {status: "confirming", redirect: afterCharge}
      : {status: "error", message: gettext("Something went wrong. No money was taken; please try again.")};
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"X-CSRFToken": csrf(), "Content-Type": "application/json", "Accept": "application/json"},
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().then(function (body) {
        // Our database was unreachable (causeweb/core/outage.py): after a charge the outcome is
        // unknown, so the receipt page checks again; before one, its message is shown.
        if (body && body.code === "database_unavailable") {
          return afterCharge ? unknown : {status: "error", message: body.detail};
        }
        return body;
      }, function () { return unknown; });
    }, function () { return unknown; });
  }
  function showErrors(messages) {
    errorsBox.innerHTML = "";
    messages.forEach(function (text) { var p = document.createElement("p"); p.textContent = text; errorsBox.appendChild(p); });
    errorsBox.hidden = messages.length === 0;
    if (messages.length) { errorsBox.scrollIntoView({block: "center"}); }
  }
  function clearFieldErrors() {
    form.querySelectorAll(".field .error").forEach(function (node) { node.remove(); });
    form.querySelectorAll(".has-error").forEach(function (node) { node.classList.remove("has-error"); });
    form.querySelectorAll("[aria-invalid]").forEach(function (input) {
      input.removeAttribute("aria-invalid");
      var ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) { return id && !/_error$/.test(id); });
      if (ids.length) { input.setAttribute("aria-describedby", ids.join(" ")); } else { input.removeAttribute("aria-describedby"); }
    });
  }
  function fieldErrors(errors) {
    var general = [];
    Object.keys(errors).forEach(function (name) {
      var box = document.getElementById("field-" + name);
      errors[name].forEach(function (err) {
        if (!box) { general.push(err.message); return; }
        box.classList.add("has-error");
        // One alert (the summary below) announces the errors; each input points at its own
        // (aria-describedby), as templates/includes/form_fields.html does.
        var input = box.querySelector("input, select, textarea");
        var p = document.createElement("p"); p.className = "error"; p.textContent = err.message;
        if (input) {
          p.id = (input.id || "field-" + name) + "_error";
          input.setAttribute("aria-invalid", "true");
          var ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
          if (ids.indexOf(p.id) === -1) ids.push(p.id);
          input.setAttribute("aria-describedby", ids.join(" "));
        }
        box.appendChild(p);
      });
    });
    showErrors(general.length ? general : [gettext("Please check the highlighted fields.")]);
  }
  function busy(on, text) {
    submit.disabled = on;
    statusLine.textContent = text || "";
    form.setAttribute("aria-busy", on ? "true" : "false");
  }
  function finish(result) {
    if (result.status === "succeeded") {
      statusLine.textContent = gettext("Thank you! Taking you to your receipt…");
      window.location.assign(result.redirect);
      return;
    }
    if (result.status === "pending" || result.status === "confirming") {
      statusLine.textContent = gettext("We are confirming your payment… please do not pay again.");
      window.location.assign(result.redirect);
      return;
    }
    busy(false);
    showErrors([result.message || gettext("Your payment did not go through. No money was taken.")]);
    focusErrors();
  }
  // After the card step (the bank's 3-D Secure dialog removed from the page, the confirm box
  // hidden) focus would be left on nothing: bring it back to the message, so a keyboard or screen
  // reader user hears it and Tab goes on through the form.
  function focusErrors() {
    if (!errorsBox.hidden) { errorsBox.focus({preventScroll: true}); }
  }

  // The card as a PaymentMethod id for the server to charge. localstripe's fake Stripe.js (tests
  // and the demo) has no createPaymentMethod (it answers undefined); there a card token's card
  // (card_...) is what a PaymentIntent charges. Real Stripe.js always answers with an object.
  function cardPaymentMethod(billing) {
    return Promise.resolve(stripe.createPaymentMethod({type: "card", card: card, billing_details: billing}))
      .then(function (result) {
        if (result) { return result.error ? {error: result.error} : {id: result.paymentMethod.id}; }
        return stripe.createToken(card).then(function (made) {
          return made.error || !made.token ? {error: made.error || {}} : {id: made.token.card.id};
        });
      });
  }

  var pending = null;  // the started donation awaiting the donor's confirmation
  function editable(on) {
    amountInput.readOnly = !on;
    coverFee.disabled = !on;
    presets.forEach(function (b) { b.disabled = !on; });
    // The confirmation names once or monthly as the server started it: no switching under it.
    form.querySelectorAll("input[name=frequency]").forEach(function (radio) { radio.disabled = !on; });
    submit.hidden = !on;
  }
  function askToConfirm(start, data) {
    pending = {start: start, data: data};
    busy(false);
    editable(false);
    confirmText.textContent = start.charge_summary.text;
    confirmBox.hidden = false;
    confirmButton.disabled = false;
    confirmButton.focus();
  }
  function closeConfirm() {
    pending = null;
    confirmBox.hidden = true;
    editable(true);
  }
  changeButton.addEventListener("click", function () {
    // The pending donation is left unpaid: no card was used for it.
    closeConfirm();
    statusLine.textContent = "";
    amountInput.focus();
  });
  confirmButton.addEventListener("click", function () {
    if (!pending) { return; }
    var start = pending.start, data = pending.data;
    confirmButton.disabled = true;
    confirmBox.hidden = true;
    pending = null;
    busy(true, gettext("Checking your card…"));
    cardPaymentMethod({name: data.get("donor_name"), email: data.get("email")}).then(function (made) {
      if (made.error || !made.id) { return post(start.setup_failed); }
      busy(true, gettext("Charging your card…"));
      // One PaymentIntent, created and confirmed by the server: if the bank wants 3-D Secure, the
      // donor is asked once, here (not once to save the card and again to pay, as before).
      return post(start.charge, {payment_method_id: made.id}, start.thanks).then(function (charged) {
        if (charged.status !== "requires_action") { return charged; }
        busy(true, gettext("Your bank asks you to confirm…"));
        return stripe.confirmCardPayment(charged.client_secret).then(function () {
          busy(true, gettext("Checking with your bank…"));
          return post(start.refresh, {}, start.thanks);
        });
      });
    }).then(function (result) {
      if (!(result.status === "succeeded" || result.status === "pending" || result.status === "confirming")) { editable(true); }
      finish(result);
    }).catch(function () { editable(true); busy(false); showErrors([gettext("Something went wrong. Please try again.")]); focusErrors(); });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (pending) { return; }
    clearFieldErrors();
    showErrors([]);
    busy(true, gettext("Checking the amount…"));
    var data = new FormData(form);
    fetch(form.action, {method: "POST", credentials: "same-origin", body: data, headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (start) {
        if (start.status === "invalid") { busy(false); fieldErrors(start.errors); return; }
        if (start.status !== "setup" || !start.charge_summary) { busy(false); showErrors([start.message || start.detail || gettext("Could not start the payment.")]); return; }
        askToConfirm(start, data);
      })
      .catch(function () { busy(false); showErrors([gettext("Something went wrong. Please try again.")]); });
  });
  refresh();
})();
