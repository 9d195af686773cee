/* The policy simulator: a found action (a button in the search results) is added to the Actions list once, and
 * the simulation's own error answers (400 invalid input, 403 denied) replace the form like its results do, so the
 * message shows where the user is looking. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-action]");
    if (!button) return;
    var list = document.getElementById("id_action_names");
    if (!list) return;
    var action = button.getAttribute("data-add-action");
    var actions = list.value.split("\n").map(function (line) { return line.trim(); }).filter(Boolean);
    if (actions.indexOf(action) === -1) actions.push(action);
    list.value = actions.join("\n");
    button.classList.add("added");
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var status = event.detail.xhr.status;
    if (target && target.id === "simulation" && (status === 400 || status === 403)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
