/* iamconsole: the little behaviour htmx does not cover. Loaded from a file: the CSP allows no inline script. */
(function () {
  "use strict";

  function typing(target) {
    return target instanceof HTMLElement &&
      (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  // "/" focuses the search box, as in most consoles, unless the user is typing somewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !typing(event.target)) {
      var box = document.getElementById("global-search");
      if (box) {
        event.preventDefault();
        box.focus();
        box.select();
      }
    }
    if (event.key === "Escape") {
      document.querySelectorAll("details.identity-menu[open], details.action-menu[open]").forEach(function (menu) {
        menu.removeAttribute("open");
      });
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    // Copy buttons: data-copy holds the text.
    var copy = target.closest("[data-copy]");
    if (copy) {
      var text = copy.getAttribute("data-copy") || "";
      var done = function () {
        var label = copy.textContent;
        copy.textContent = "Copied";
        copy.classList.add("copied");
        setTimeout(function () { copy.textContent = label; copy.classList.remove("copied"); }, 1500);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, done);
      } else {
        // Plain http on a LAN address: clipboard API unavailable, fall back to a selection copy.
        var area = document.createElement("textarea");
        area.value = text;
        area.setAttribute("readonly", "");
        area.className = "offscreen";
        document.body.appendChild(area);
        area.select();
        try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
        document.body.removeChild(area);
        done();
      }
      return;
    }
    var dismiss = target.closest("[data-dismiss]");
    if (dismiss && dismiss.parentElement) {
      dismiss.parentElement.remove();
      return;
    }
    // A click outside the identity menu closes it.
    document.querySelectorAll("details.identity-menu[open], details.action-menu[open]").forEach(function (menu) {
      if (!menu.contains(target)) menu.removeAttribute("open");
    });
  });

  // Confirmations that ask to type a word: the button stays disabled until it is typed (the server checks too).
  function syncConfirm(input) {
    var form = input.form;
    if (!form) return;
    var expected = input.getAttribute("data-confirm-text") || "";
    form.querySelectorAll("[data-confirm-submit]").forEach(function (button) {
      button.disabled = input.value.trim() !== expected;
    });
  }
  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.hasAttribute("data-confirm-text")) syncConfirm(target);
  });
  function initConfirms(root) {
    root.querySelectorAll("input[data-confirm-text]").forEach(syncConfirm);
  }

  // A list's actions follow its selected row (form[data-row-actions], a radio per row): each button
  // [data-action="x"] is enabled only when the selected radio has data-x="1", else disabled with the radio's
  // data-x-reason shown. Nothing selected: all disabled. The server checks again (and without script, enables a
  // button when some row on the page allows it).
  function syncRowActions(form) {
    var selected = form.querySelector("input[type=radio]:checked");
    var reasons = [];
    form.querySelectorAll("[data-action]").forEach(function (button) {
      var action = button.getAttribute("data-action");
      var allowed = !!selected && selected.getAttribute("data-" + action) === "1";
      button.disabled = !allowed;
      if (selected && !allowed) {
        var reason = selected.getAttribute("data-" + action + "-reason") || "";
        button.title = reason;
        if (reason && reasons.indexOf(reason) < 0) reasons.push(reason);
      } else {
        button.title = selected ? "" : "Select a row first.";
      }
    });
    var note = form.querySelector("[data-action-reason]");
    if (note) note.textContent = selected ? reasons.join(" ") : "Select a row to act on it.";
  }
  function initRowActions(root) {
    root.querySelectorAll("form[data-row-actions]").forEach(syncRowActions);
    if (root instanceof HTMLFormElement && root.hasAttribute("data-row-actions")) syncRowActions(root);
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.type === "radio" && target.form &&
        target.form.hasAttribute("data-row-actions")) syncRowActions(target.form);
  });

  document.addEventListener("DOMContentLoaded", function () { initConfirms(document); initRowActions(document); });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target instanceof Element) { initConfirms(event.target); initRowActions(event.target); }
  });
})();
