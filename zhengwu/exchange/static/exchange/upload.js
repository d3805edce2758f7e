/* Upload form with a progress bar: the bytes sent (XHR upload progress), then the
   server's own progress (bytes of the file checked and rows read) polled from the
   load's counter until the page it answers with is shown. Without this script the
   form is a plain multipart POST and works the same. */
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  var box = document.getElementById("upload-progress");
  var bar = document.getElementById("upload-bar");
  var phase = document.getElementById("upload-phase");
  var status = document.getElementById("upload-status");
  var button = form.querySelector("button[type=submit]");
  var token = form.querySelector("input[name=progress]").value;
  var pollUrl = form.getAttribute("data-progress-url") + "?token=" + encodeURIComponent(token);
  var timer = null;

  function mb(n) { return (n / 1048576).toFixed(1) + " MB"; }

  function poll() {
    var x = new XMLHttpRequest();
    x.open("GET", pollUrl);
    x.onload = function () {
      if (x.status !== 200) { return; }
      var s;
      try { s = JSON.parse(x.responseText); } catch (e) { return; }
      if (s.total) {
        bar.max = s.total;
        bar.value = s.bytes;
        status.textContent = "已检查 " + mb(s.bytes) + " / " + mb(s.total) + (s.rows ? ",已读 " + s.rows + " 行" : "");
      } else if (s.rows) {
        status.textContent = "已读 " + s.rows + " 行";
      }
    };
    x.send();
  }

  form.addEventListener("submit", function (event) {
    var file = form.querySelector("input[type=file]");
    if (!file.files || !file.files.length) { return; }
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    box.hidden = false;
    button.disabled = true;
    phase.textContent = "正在上传文件";
    bar.max = 100;
    bar.value = 0;
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) {
        bar.max = e.total;
        bar.value = e.loaded;
        status.textContent = "已上传 " + mb(e.loaded) + " / " + mb(e.total);
      }
    };
    xhr.upload.onload = function () {
      phase.textContent = "服务器正在检查并导入数据";
      bar.removeAttribute("value");
      status.textContent = "处理中…";
      timer = window.setInterval(poll, 1000);
    };
    xhr.onload = function () {
      if (timer) { window.clearInterval(timer); }
      // The answer is the load report (or the entry page with its error message, shown
      // once): put it in place of this page rather than fetching it a second time.
      if (xhr.responseURL && window.history.replaceState) { window.history.replaceState(null, "", xhr.responseURL); }
      document.open();
      document.write(xhr.responseText);
      document.close();
    };
    xhr.onerror = function () {
      if (timer) { window.clearInterval(timer); }
      button.disabled = false;
      phase.textContent = "上传中断";
      status.textContent = "网络连接中断,请检查网络后重新上传。";
    };
    xhr.send(new FormData(form));
  });
}());
