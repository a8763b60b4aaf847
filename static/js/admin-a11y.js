// Accessibility fixes for Django's admin widgets (docs/accessibility.md), after the admin's own
// scripts have built them on load.
window.addEventListener("load", function () {
  setTimeout(function () {
    // A split date/time field's two inputs have no label of their own (WCAG 1.3.1; axe label):
    // name each after the field's label and its "Date:" / "Time:" text.
    document.querySelectorAll(".datetime input[id$='_0'], .datetime input[id$='_1']").forEach(function (input) {
      if (input.labels.length || input.hasAttribute("aria-label")) return;
      var row = input.closest(".form-row, .fieldBox, fieldset");
      var label = row && row.querySelector("label, legend");
      var part = input.previousSibling;
      while (part && !(part.nodeType === 3 && part.textContent.trim())) part = part.previousSibling;
      var name = [label ? label.textContent.trim().replace(/:$/, "") : "", part ? part.textContent.trim().replace(/:$/, "") : ""];
      input.setAttribute("aria-label", name.filter(Boolean).join(", "));
    });
    // The filter widget's search icons carry an aria-label on a plain span (axe
    // aria-prohibited-attr): they are images of text.
    document.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }, 0);
});
