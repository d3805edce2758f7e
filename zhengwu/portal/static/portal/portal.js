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

/* Session idle warning. The server ends a session after ZHENGWU_SESSION_IDLE_MINUTES
   without a request (accounts.middleware); this only warns shortly before and offers
   "继续使用", which posts to the keep-alive endpoint. The limits come from data
   attributes on <body>, present only for signed-in visitors. */
(function () {
  "use strict";
  var body = document.body;
  var remaining = parseInt(body.dataset.sessionRemainingSeconds || "", 10);
  if (!remaining || !body.dataset.keepaliveUrl) return;
  var warnBefore = parseInt(body.dataset.sessionWarningSeconds || "120", 10);
  var warnTimer = null;
  var endTimer = null;
  var dialog = null;

  function schedule(seconds) {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(showWarning, Math.max(0, seconds - warnBefore) * 1000);
    // Past the limit the server has ended the session; reloading shows the login page
    // with "登录已超时,请重新登录" instead of leaving a dead page on screen.
    endTimer = setTimeout(function () { window.location.reload(); }, (seconds + 1) * 1000);
  }

  function buildDialog() {
    dialog = document.createElement("dialog");
    dialog.className = "session-warning";
    dialog.setAttribute("aria-labelledby", "session-warning-text");
    var text = document.createElement("p");
    text.id = "session-warning-text";
    var minutes = Math.max(1, Math.round(warnBefore / 60));
    text.textContent = "您将在" + minutes + "分钟后因长时间未操作而退出登录";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn";
    button.textContent = "继续使用";
    button.addEventListener("click", keepAlive);
    dialog.appendChild(text);
    dialog.appendChild(button);
    document.body.appendChild(dialog);
  }

  function showWarning() {
    if (!dialog) buildDialog();
    if (dialog.open) return;
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");
  }

  function closeWarning() {
    if (!dialog) return;
    if (typeof dialog.close === "function") dialog.close();
    else dialog.removeAttribute("open");
  }

  function keepAlive() {
    fetch(body.dataset.keepaliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": body.dataset.csrfToken || "", "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) throw new Error("session ended");
      return response.json();
    }).then(function (data) {
      closeWarning();
      schedule(data.remaining_seconds);
    }).catch(function () {
      window.location.reload();
    });
  }

  schedule(remaining);
})();

/* Confirmation of destructive actions (core/confirm.py). A form or submit button marked
   data-confirm="删除该题目" asks in a dialog first; "确认" adds confirmed=yes and submits
   with the same button. Without this script the server shows its own confirmation page. */
(function () {
  "use strict";
  var dialog = null;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-title");
    var title = document.createElement("h2");
    title.id = "confirm-dialog-title";
    var text = document.createElement("p");
    text.textContent = "此操作执行后会记入审计记录,且可能无法撤销。";
    var actions = document.createElement("div");
    actions.className = "form-actions";
    var ok = document.createElement("button");
    ok.type = "button";
    ok.className = "btn btn-danger";
    ok.dataset.confirmOk = "";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "btn btn-plain";
    cancel.textContent = "取消";
    cancel.addEventListener("click", function () { dialog.close(); });
    actions.appendChild(ok);
    actions.appendChild(cancel);
    dialog.appendChild(title);
    dialog.appendChild(text);
    dialog.appendChild(actions);
    document.body.appendChild(dialog);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter || null;
    var what = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (!what || form.querySelector("input[name=confirmed][value=yes]")) return;
    if (typeof HTMLDialogElement !== "function") return;  // the server page asks instead
    event.preventDefault();
    if (!dialog) build();
    dialog.querySelector("h2").textContent = "确定要" + what + "吗?";
    var ok = dialog.querySelector("[data-confirm-ok]");
    ok.textContent = "确认" + what;
    ok.onclick = function () {
      var flag = document.createElement("input");
      flag.type = "hidden";
      flag.name = "confirmed";
      flag.value = "yes";
      form.appendChild(flag);
      dialog.close();
      if (form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
    };
    dialog.showModal();
  });
})();

// Dashboard charts follow the window: ECharts draws at the size it had when the page
// opened, so a rotated phone or a resized window would otherwise cut the chart off.
(function () {
  "use strict";
  var pending = null;
  window.addEventListener("resize", function () {
    if (!window.echarts) { return; }
    clearTimeout(pending);
    pending = setTimeout(function () {
      document.querySelectorAll("[_echarts_instance_]").forEach(function (el) {
        var chart = window.echarts.getInstanceByDom(el);
        if (chart) { chart.resize(); }
      });
    }, 150);
  });
})();
