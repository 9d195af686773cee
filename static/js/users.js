// The Users pages' few behaviours htmx does not cover. Loaded as a file: the CSP allows no inline script.
(function () {
  "use strict";
  if (window.iamUsersPages) { return; }
  window.iamUsersPages = true;

  // A secret stays masked until asked for.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-toggle-secret]");
    if (toggle) {
      var field = document.getElementById(toggle.getAttribute("data-toggle-secret"));
      var hidden = field.type === "password";
      field.type = hidden ? "text" : "password";
      toggle.textContent = hidden ? "Hide" : "Show";
      return;
    }
    var copy = event.target.closest("[data-copy-from]");
    if (copy) {
      // Copy a secret from its (masked) field; on plain http the clipboard API is missing: copy the selection.
      var source = document.getElementById(copy.getAttribute("data-copy-from"));
      var done = function () {
        copy.textContent = "Copied";
        setTimeout(function () { copy.textContent = "Copy"; }, 1500);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.value).then(done, done);
      } else {
        var type = source.type;
        source.type = "text";
        source.select();
        try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
        source.type = type;
        done();
      }
      return;
    }
    // data-copy="TEXT" is the console's shared copy button (static/js/app.js); answer it only where that is absent.
    var plain = event.target.closest("[data-copy]");
    if (plain && !document.querySelector("script[src*='js/app.js']") && navigator.clipboard) {
      navigator.clipboard.writeText(plain.getAttribute("data-copy"));
    }
  });

  // Filter a long list of choices (the policy picker) as the person types.
  document.addEventListener("input", function (event) {
    var box = event.target.closest("[data-filter]");
    if (!box) { return; }
    var needle = box.value.trim().toLowerCase();
    document.querySelectorAll(box.getAttribute("data-filter")).forEach(function (item) {
      item.hidden = needle !== "" && item.textContent.toLowerCase().indexOf(needle) === -1;
    });
  });

  // Users list: one box selects every user on the page.
  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-select-all]");
    if (!all) { return; }
    var form = all.form;
    form.querySelectorAll("input[name=" + all.getAttribute("data-select-all") + "]").forEach(function (box) {
      box.checked = all.checked;
    });
  });

  // Create user: the password choices only matter with console access, the custom field only for a custom one.
  function syncConsoleAccess() {
    var access = document.getElementById("id_console_access");
    var block = document.querySelector(".console-password");
    if (!access || !block) { return; }
    block.hidden = !access.checked;
    var custom = document.querySelector("input[name=password_type][value=custom]");
    var field = document.querySelector(".custom-password");
    if (field && custom) { field.hidden = !custom.checked; }
  }
  // Create user, permissions: only the panel of the chosen way to grant them.
  function syncOption() {
    var chosen = document.querySelector("input[name=option]:checked");
    if (!chosen) { return; }
    document.querySelectorAll(".option-panel").forEach(function (panel) {
      panel.hidden = panel.getAttribute("data-option") !== chosen.value;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("#id_console_access, input[name=password_type]")) { syncConsoleAccess(); }
    if (event.target.matches("input[name=option]")) { syncOption(); }
  });
  document.addEventListener("DOMContentLoaded", function () { syncConsoleAccess(); syncOption(); });

  // A refused write (4xx) answers with the same fragment showing why: show it instead of dropping it.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status >= 400 && status < 500) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
