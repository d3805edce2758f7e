/* Render the item's published flowchart (BPMN 2.0 XML) read-only with the vendored bpmn-js viewer.
   A static file because the Content-Security-Policy forbids inline scripts. */
(function () {
  "use strict";

  function start() {
    var canvas = document.getElementById("bpmn-canvas");
    if (!canvas) { return; }
    var status = document.querySelector(".flowchart-status");
    function say(text) { if (status) { status.textContent = text; } }
    if (typeof window.BpmnJS !== "function" || typeof window.fetch !== "function") {
      say("当前浏览器无法显示流程图,请查看办理环节表。");
      return;
    }
    var viewer = new window.BpmnJS({ container: canvas });
    window.fetch(canvas.getAttribute("data-bpmn-url"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        viewer.get("canvas").zoom("fit-viewport", "auto");
        // The drawing itself is the image, not the container: the viewer also puts a
        // focusable link (its bpmn.io mark) in the container, and a link inside role="img"
        // is hidden from screen readers yet reachable by Tab (axe: nested-interactive).
        var svg = canvas.querySelector("svg");
        if (svg) {
          svg.setAttribute("role", "img");
          svg.setAttribute("aria-label", canvas.getAttribute("data-label") || "流程图");
          svg.setAttribute("focusable", "false");
        }
        canvas.classList.add("is-ready");
        say("流程图已加载。");
      })
      .catch(function () {
        say("流程图加载失败,请查看办理环节表。");
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
