/* The policy simulator: a found action (a button in the search results) is added to the Actions list once. */
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
})();
