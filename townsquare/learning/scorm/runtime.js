/* Runs the module inside a SCORM 1.2 learning management system: one step shown at a time, the
   place reached kept in cmi.core.lesson_location, and the quiz's score and pass or fail reported
   through the LMS's API. Without the LMS (opened on its own) the module still works. */
(function () {
  "use strict";

  function findApi(win) {
    for (var hops = 0; win && hops < 12; hops++) {
      if (win.API) { return win.API; }
      if (!win.parent || win.parent === win) { break; }
      win = win.parent;
    }
    return null;
  }

  var api = findApi(window) || (window.opener ? findApi(window.opener) : null);
  var finished = false;

  function lms(name, a, b) {
    if (!api) { return ""; }
    try { return String(b === undefined ? api[name](a) : api[name](a, b)); } catch (e) { return ""; }
  }

  function finish() {
    if (!finished) { finished = true; lms("LMSCommit", ""); lms("LMSFinish", ""); }
  }

  lms("LMSInitialize", "");
  var status = lms("LMSGetValue", "cmi.core.lesson_status");
  if (status === "not attempted" || status === "") { lms("LMSSetValue", "cmi.core.lesson_status", "incomplete"); }

  var steps = Array.prototype.slice.call(document.querySelectorAll("[data-step]"));
  document.documentElement.className += " js";

  function show(index, moveFocus) {
    index = Math.max(0, Math.min(steps.length - 1, index));
    steps.forEach(function (step, i) { step.hidden = i !== index; });
    var heading = steps[index].querySelector("h2");
    if (moveFocus && heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    document.getElementById("progress").textContent = "Step " + (index + 1) + " of " + steps.length;
    lms("LMSSetValue", "cmi.core.lesson_location", String(index));
    lms("LMSCommit", "");
  }

  document.addEventListener("click", function (event) {
    var go = event.target.closest("[data-go]");
    if (!go) { return; }
    event.preventDefault();
    var current = steps.findIndex(function (s) { return !s.hidden; });
    show(go.getAttribute("data-go") === "next" ? current + 1 : current - 1, true);
  });

  var quiz = document.getElementById("quiz-form");
  quiz.addEventListener("submit", function (event) {
    event.preventDefault();
    var questions = Array.prototype.slice.call(quiz.querySelectorAll("fieldset[data-question]"));
    var right = 0, unanswered = [];
    questions.forEach(function (q) {
      var inputs = Array.prototype.slice.call(q.querySelectorAll("input"));
      var chosen = inputs.filter(function (i) { return i.checked; });
      if (!chosen.length) { unanswered.push(q.getAttribute("data-question")); }
      var ok = chosen.length > 0 && inputs.every(function (i) { return i.checked === (i.getAttribute("data-c") === "1"); });
      if (ok) { right++; }
      var out = q.querySelector(".feedback");
      out.hidden = false;
      out.textContent = (ok ? "Correct. " : "Not quite. ") + chosen.map(function (i) { return i.getAttribute("data-feedback") || ""; }).join(" ");
    });
    var summary = document.getElementById("result");
    if (unanswered.length) {
      questions.forEach(function (q) { q.querySelector(".feedback").hidden = true; });
      summary.textContent = "Answer every question (not yet answered: " + unanswered.join(", ") + ").";
      summary.focus();
      return;
    }
    var score = Math.floor(100 * right / questions.length);
    var mastery = parseInt(quiz.getAttribute("data-pass-mark"), 10);
    var passed = score >= mastery;
    summary.textContent = "You scored " + score + "%. " + (passed ? "You passed." : "You need " + mastery + "% to pass: read the feedback, revisit the pages it names, and try again.");
    summary.focus();
    lms("LMSSetValue", "cmi.core.score.min", "0");
    lms("LMSSetValue", "cmi.core.score.max", "100");
    lms("LMSSetValue", "cmi.core.score.raw", String(score));
    lms("LMSSetValue", "cmi.core.lesson_status", passed ? "passed" : "failed");
    lms("LMSCommit", "");
    if (passed) { finish(); }
  });

  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);
  var resume = parseInt(lms("LMSGetValue", "cmi.core.lesson_location"), 10);
  show(isNaN(resume) ? 0 : resume, false);
}());
