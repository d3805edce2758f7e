/* Render the item's published flowchart (BPMN 2.0 XML) read-only with the vendored bpmn-js viewer.
   A static file because the Content-Security-Policy forbids inline scripts.

   Readable first: the drawing is fitted to the container's width, never below the scale
   at which bpmn-js draws its 12 px labels (MIN_SCALE); the box takes the height the
   drawing needs at that scale. A wider drawing keeps the readable scale and is moved with
   the ← → buttons; 放大 / 缩小 / 适应宽度 buttons change the zoom. */
(function () {
  "use strict";

  var MIN_SCALE = 1;      // labels at their drawn 12 px (the old fit-viewport gave ~8 px)
  var MAX_SCALE = 3;
  var STEP = 1.25;
  var MARGIN = 24;        // px around the drawing
  var MIN_HEIGHT = 160;
  var MAX_HEIGHT = 640;

  function button(label, title, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-plain btn-small";
    b.textContent = label;
    b.title = title;
    b.setAttribute("aria-label", title);
    b.addEventListener("click", onClick);
    return b;
  }

  function start() {
    var canvasEl = document.getElementById("bpmn-canvas");
    if (!canvasEl) { return; }
    var status = document.querySelector(".flowchart-status");
    function say(text) { if (status) { status.textContent = text; } }
    if (typeof window.BpmnJS !== "function" || typeof window.fetch !== "function") {
      say("当前浏览器无法显示流程图,请查看办理环节表。");
      return;
    }
    var viewer = new window.BpmnJS({ container: canvasEl });
    var canvas = null;
    var inner = null;

    function fitWidth() {
      var width = canvasEl.clientWidth;
      var scale = Math.max(MIN_SCALE, Math.min(MAX_SCALE, (width - 2 * MARGIN) / inner.width));
      var height = Math.max(MIN_HEIGHT, Math.min(MAX_HEIGHT, Math.ceil(inner.height * scale + 2 * MARGIN)));
      canvasEl.style.height = height + "px";
      canvas.resized();
      canvas.zoom(scale, { x: inner.x, y: inner.y });
      // Put the drawing's top-left corner at the margin (zoom around a point moves it).
      var box = canvas.viewbox();
      canvas.scroll({ dx: (box.x - inner.x) * scale + MARGIN, dy: (box.y - inner.y) * scale + MARGIN });
      say(scale * inner.width > width ? "流程图已加载,可用“←”“→”按钮左右移动查看。" : "流程图已加载。");
    }

    function zoomBy(factor) {
      var next = Math.max(0.3, Math.min(MAX_SCALE, canvas.zoom() * factor));
      var box = canvas.viewbox();
      canvas.zoom(next, { x: box.x + box.width / 2, y: box.y + box.height / 2 });
    }

    function pan(direction) {
      canvas.scroll({ dx: direction * canvasEl.clientWidth * 0.6, dy: 0 });
    }

    function tools() {
      var bar = document.createElement("div");
      bar.className = "flowchart-tools";
      bar.setAttribute("role", "toolbar");
      bar.setAttribute("aria-label", "流程图缩放");
      bar.appendChild(button("放大", "放大流程图", function () { zoomBy(STEP); }));
      bar.appendChild(button("缩小", "缩小流程图", function () { zoomBy(1 / STEP); }));
      bar.appendChild(button("适应宽度", "流程图恢复为适应宽度", fitWidth));
      bar.appendChild(button("←", "流程图向左移动", function () { pan(1); }));
      bar.appendChild(button("→", "流程图向右移动", function () { pan(-1); }));
      canvasEl.parentNode.insertBefore(bar, canvasEl);
    }

    window.fetch(canvasEl.getAttribute("data-bpmn-url"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        canvas = viewer.get("canvas");
        inner = canvas.viewbox().inner;
        // The drawing itself is the image, not the container: the viewer also puts a
        // focusable link (its bpmn.io mark) in the container, and a link inside role="img"
        // is hidden from screen readers yet reachable by Tab (axe: nested-interactive).
        var svg = canvasEl.querySelector("svg");
        if (svg) {
          svg.setAttribute("role", "img");
          svg.setAttribute("aria-label", canvasEl.getAttribute("data-label") || "流程图");
          svg.setAttribute("focusable", "false");
        }
        tools();
        fitWidth();
        canvasEl.classList.add("is-ready");
        var resizeTimer = null;
        window.addEventListener("resize", function () {
          clearTimeout(resizeTimer);
          resizeTimer = setTimeout(fitWidth, 150);
        });
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
