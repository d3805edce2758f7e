/* Elderly mode (适老化) toggle. Without JS the toggle is a plain link to the server view
   that sets the same cookie, so this script is only a shortcut that skips the reload. */
(function () {
  "use strict";
  var COOKIE = "zw_elderly";
  var toggle = document.querySelector("[data-elderly-toggle]");
  if (!toggle) return;

  function setMode(on) {
    var root = document.documentElement;
    root.classList.toggle("elderly", on);
    // Max-Age of one year; the server reads the cookie to render the class without a flash.
    document.cookie = COOKIE + "=" + (on ? "1" : "0") + "; Path=/; Max-Age=31536000; SameSite=Lax";
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    var label = toggle.querySelector("[data-elderly-label]");
    if (label) label.textContent = on ? toggle.dataset.labelOn : toggle.dataset.labelOff;
    // Keep the no-JS link correct for whoever copies or middle-clicks it.
    try {
      var url = new URL(toggle.href, window.location.href);
      url.searchParams.set("mode", on ? "off" : "on");
      toggle.href = url.pathname + url.search;
    } catch (e) { /* old browsers keep the server-rendered href */ }
  }

  toggle.addEventListener("click", function (event) {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button === 1) return;
    event.preventDefault();
    setMode(toggle.getAttribute("aria-pressed") !== "true");
  });
  // role="button" promises Space activation as well as Enter.
  toggle.addEventListener("keydown", function (event) {
    if (event.key === " " || event.key === "Spacebar") {
      event.preventDefault();
      toggle.click();
    }
  });
})();
