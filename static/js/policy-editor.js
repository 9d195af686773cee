/* The policy editor (templates/policies/_policy_editor.html): upgrades its textarea to CodeMirror 5, counts
 * characters as AWS does (whitespace not counted), sends the text to the server's validator as the user types (htmx,
 * through an "input" event on the textarea), and shows the findings the server answers: underlined in the text,
 * marked in the gutter, grouped in tabs. Errors disable the form's save button; the server checks again on submit.
 * Without JavaScript the textarea and the server-rendered findings still work. */
(function () {
  "use strict";

  var SEVERITY = { ERROR: "error", SECURITY_WARNING: "warning", WARNING: "warning", SUGGESTION: "info" };

  function size(text) {
    return text.replace(/[ \t\r\n]/g, "").length;
  }

  function findingsOf(root) {
    var data = root.querySelector("[data-findings] script[type='application/json']");
    if (!data) return [];
    try {
      return JSON.parse(data.textContent);
    } catch (e) {
      return [];
    }
  }

  function annotations(findings) {
    return findings.map(function (finding) {
      var from = CodeMirror.Pos(finding.line - 1, Math.max(finding.column - 1, 0));
      var to = CodeMirror.Pos(finding.end_line - 1, Math.max(finding.end_column - 1, finding.column));
      return { from: from, to: to, message: finding.code + ": " + finding.message, severity: SEVERITY[finding.type] || "warning" };
    });
  }

  function showTab(root, key) {
    var tabs = root.querySelectorAll("[data-tab]");
    var panels = root.querySelectorAll("[data-tab-panel]");
    if (!tabs.length) return;
    var known = Array.prototype.some.call(tabs, function (tab) { return tab.getAttribute("data-tab") === key; });
    if (!known) key = tabs[0].getAttribute("data-tab");
    tabs.forEach(function (tab) {
      var active = tab.getAttribute("data-tab") === key;
      tab.setAttribute("aria-selected", active ? "true" : "false");
      tab.tabIndex = active ? 0 : -1;
    });
    panels.forEach(function (panel) { panel.hidden = panel.getAttribute("data-tab-panel") !== key; });
    root.setAttribute("data-active-tab", key);
  }

  function firstTabWithFindings(root) {
    var order = ["errors", "security", "warnings", "suggestions"];
    for (var i = 0; i < order.length; i++) {
      var tab = root.querySelector("[data-tab='" + order[i] + "']");
      if (tab && tab.getAttribute("data-count") !== "0") return order[i];
    }
    return "errors";
  }

  function updateSaveButtons(root) {
    var findings = root.querySelector("[data-findings]");
    var form = root.closest("form");
    if (!findings || !form) return;
    var blocking = findings.getAttribute("data-blocking") === "true";
    form.querySelectorAll("[data-policy-save]").forEach(function (button) {
      button.disabled = blocking;
      button.title = blocking ? "Fix the errors in the policy first." : "";
    });
  }

  function applyFindings(root) {
    var cm = root.policyEditor;
    var findings = findingsOf(root);
    if (cm) {
      cm.state.policyFindings = annotations(findings);
      cm.performLint();
    }
    var chosen = root.getAttribute("data-chosen-tab");
    showTab(root, chosen || firstTabWithFindings(root));
    updateSaveButtons(root);
  }

  function updateCount(root, text) {
    var counter = root.querySelector("[data-size]");
    if (!counter) return;
    var n = size(text);
    counter.textContent = n.toLocaleString("en-US");
    root.classList.toggle("over-limit", n > parseInt(root.getAttribute("data-limit"), 10));
  }

  function init(root) {
    if (root.policyEditor || typeof CodeMirror === "undefined") return;
    var textarea = root.querySelector("textarea");
    var cm = CodeMirror.fromTextArea(textarea, {
      mode: { name: "javascript", json: true },
      lineNumbers: true,
      matchBrackets: true,
      autoCloseBrackets: true,
      indentUnit: 2,
      tabSize: 2,
      viewportMargin: Infinity,
      gutters: ["CodeMirror-lint-markers"],
      lint: {
        getAnnotations: function (text, options, editor) { return editor.state.policyFindings || []; },
        lintOnChange: false,
        highlightLines: true,
      },
    });
    root.policyEditor = cm;
    root.classList.add("enhanced");
    // An editor made while hidden (a wizard's section not chosen yet) draws nothing until refreshed once shown.
    if (root.offsetParent === null && "IntersectionObserver" in window) {
      var shown = new IntersectionObserver(function (entries) {
        if (!entries.some(function (entry) { return entry.isIntersecting; })) return;
        shown.disconnect();
        cm.refresh();
      });
      shown.observe(root);
    }
    cm.on("change", function () {
      cm.save();
      updateCount(root, cm.getValue());
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    });
    var importer = root.querySelector("[data-import]");
    if (importer) {
      importer.hidden = false;
      // Enter in the search box finds policies; it must not submit the page's form.
      importer.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();
      });
    }
    var format = root.querySelector("[data-format]");
    var formatError = root.querySelector("[data-format-error]");
    if (format) {
      format.hidden = false;
      format.addEventListener("click", function () {
        try {
          cm.setValue(JSON.stringify(JSON.parse(cm.getValue()), null, 2) + "\n");
          formatError.hidden = true;
        } catch (e) {
          formatError.hidden = false;
        }
      });
    }
    root.addEventListener("click", function (event) {
      var tab = event.target.closest("[data-tab]");
      if (tab && root.contains(tab)) {
        root.setAttribute("data-chosen-tab", tab.getAttribute("data-tab"));
        showTab(root, tab.getAttribute("data-tab"));
        return;
      }
      var link = event.target.closest("[data-line]");
      if (link && root.contains(link)) {
        event.preventDefault();
        var pos = CodeMirror.Pos(parseInt(link.getAttribute("data-line"), 10) - 1, parseInt(link.getAttribute("data-column"), 10) - 1);
        cm.focus();
        cm.setCursor(pos);
        cm.scrollIntoView(pos, 80);
      }
    });
    // Arrow keys move between the findings tabs, as a tab list should.
    root.addEventListener("keydown", function (event) {
      var tab = event.target.closest && event.target.closest("[data-tab]");
      if (!tab || (event.key !== "ArrowRight" && event.key !== "ArrowLeft")) return;
      var tabs = Array.prototype.slice.call(root.querySelectorAll("[data-tab]"));
      var next = tabs[(tabs.indexOf(tab) + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
      root.setAttribute("data-chosen-tab", next.getAttribute("data-tab"));
      showTab(root, next.getAttribute("data-tab"));
      next.focus();
      event.preventDefault();
    });
    root.classList.add("tabbed");
    updateCount(root, cm.getValue());
    applyFindings(root);
  }

  function initAll(scope) {
    (scope || document).querySelectorAll("[data-policy-editor]").forEach(init);
  }

  document.addEventListener("DOMContentLoaded", function () { initAll(document); });
  // A policy to import arrived: append its statements to the document (the same parse-and-indent as Format).
  function importStatements(root, result) {
    var cm = root.policyEditor;
    var error = root.querySelector("[data-import-error]");
    var data = result.querySelector("script[type='application/json']");
    result.remove();
    if (!cm || !data) return;
    try {
      var current = JSON.parse(cm.getValue());
      var imported = JSON.parse(JSON.parse(data.textContent));
      var statements = [].concat(current.Statement || []).concat(imported.Statement || []);
      current.Statement = statements.filter(function (statement) {
        // The new policy's empty placeholder statement gives way to the imported ones.
        return !(statement && statement.Effect === "Allow" && Array.isArray(statement.Action) && !statement.Action.length &&
          Array.isArray(statement.Resource) && !statement.Resource.length);
      });
      if (!current.Version) current.Version = imported.Version || "2012-10-17";
      cm.setValue(JSON.stringify(current, null, 2) + "\n");
      error.hidden = true;
    } catch (e) {
      error.hidden = false;
    }
  }

  document.addEventListener("htmx:load", function (event) {
    var result = event.target.matches && event.target.matches("[data-import-result]") ? event.target : null;
    if (result && result.querySelector("script")) {
      importStatements(result.closest("[data-policy-editor]"), result);
      return;
    }
    var root = event.target.closest && event.target.closest("[data-policy-editor]");
    if (root && root.policyEditor) {
      applyFindings(root);
    } else if (event.target.querySelectorAll) {
      initAll(event.target);
      if (event.target.matches && event.target.matches("[data-policy-editor]")) init(event.target);
    }
  });
})();
