/* tousu console: a few progressive enhancements; every page also works without this file. */
(function () {
  "use strict";
  // A button with data-fill="#input" data-value="…" copies its value into that input
  // (the customer look-up uses it to link a new case to an earlier, finished one).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-fill]");
    if (!button) { return; }
    event.preventDefault();
    var input = document.querySelector(button.getAttribute("data-fill"));
    if (!input) { return; }
    input.value = button.getAttribute("data-value") || "";
    var details = input.closest("details");
    if (details) { details.open = true; }
    var next = document.querySelector(button.getAttribute("data-focus") || "");
    (next || input).focus();
  });
  // A button with data-select="#select" data-value="code" chooses that option and lets the
  // select's change handlers run (the intake page's suggested categories: the script loads).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-select]");
    if (!button) { return; }
    event.preventDefault();
    var select = document.querySelector(button.getAttribute("data-select"));
    if (!select) { return; }
    select.value = button.getAttribute("data-value") || "";
    select.dispatchEvent(new Event("change", { bubbles: true }));
    var list = button.closest("ul");
    if (list) {
      list.querySelectorAll("[data-select]").forEach(function (b) {
        b.setAttribute("aria-pressed", b === button ? "true" : "false");
      });
    }
    select.focus();
  });
  // Ctrl+Enter (Cmd+Enter on a Mac) submits the form the cursor is in, from a text area too,
  // through its default button (on the intake page: register).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) { return; }
    var form = event.target.form || (event.target.closest && event.target.closest("form"));
    if (!form) { return; }
    event.preventDefault();
    var button = form.querySelector("button[type=submit], button:not([type])");
    if (form.requestSubmit) { form.requestSubmit(button || undefined); } else { form.submit(); }
  });
  // After htmx opens an action form, put the cursor in its first field.
  document.addEventListener("htmx:afterSettle", function (event) {
    var elt = event.detail.elt;
    if (!elt || elt.id !== "action-panel") { return; }
    var panel = document.getElementById("action-panel");
    var first = panel && panel.querySelector(
      "textarea, input:not([type=hidden]):not([type=radio]), select, input[type=radio]");
    if (first) { first.focus(); }
  });
})();
