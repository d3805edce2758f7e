/* Citizen forms (issue 16): character counters and uploads on selection.

   Both only improve what works without this script: the server refuses over-long text
   with a message and keeps it in the form, and files posted with the form are kept by
   the server as pending uploads when something else was wrong. */
(function () {
  "use strict";

  // --- 已输入 n / max ---------------------------------------------------------
  // No maxlength attribute on purpose: a browser cuts pasted text at maxlength without
  // a word; here the writer sees the count turn red and the server says what is too long.
  function bindCounter(field) {
    var max = parseInt(field.dataset.maxChars || "", 10);
    if (!max) return;
    var out = document.getElementById(field.id + "-count");
    if (!out) {
      // Templates that only mark the field get their counter here.
      out = document.createElement("p");
      out.className = "char-count";
      out.id = (field.id || field.name) + "-count";
      out.setAttribute("aria-live", "polite");
      field.insertAdjacentElement("afterend", out);
    }
    function update() {
      // Count code points like the server (Python len), not UTF-16 units.
      var n = Array.from(field.value.replace(/\r\n/g, "\n")).length;
      out.textContent = "已输入 " + n + " / " + max;
      out.classList.toggle("char-count-over", n > max);
      if (n > max) {
        out.textContent += "(超出 " + (n - max) + " 字,请删减)";
      }
    }
    field.addEventListener("input", update);
    update();
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-max-chars]"), bindCounter);

  // --- uploads on selection ---------------------------------------------------
  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function addItem(list, tokenName, fieldName, data) {
    var li = document.createElement("li");
    li.className = "pending-file";
    var text = document.createElement("span");
    text.textContent = "已选择: " + data.name + " (" + data.size + ")";
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = tokenName;
    hidden.value = data.token;
    var remove = document.createElement("button");
    remove.type = "submit";
    remove.name = fieldName + "__drop";
    remove.value = data.token;
    remove.formNoValidate = true;
    remove.className = "btn btn-plain btn-small";
    remove.dataset.pendingRemove = data.token;
    remove.textContent = "移除";
    remove.setAttribute("aria-label", "移除 " + data.name);
    li.appendChild(text);
    li.appendChild(hidden);
    li.appendChild(remove);
    list.appendChild(li);
  }

  function bindUpload(box) {
    var input = box.querySelector("input[type=file]");
    var list = box.querySelector("[data-pending-list]");
    var status = box.querySelector("[data-pending-status]");
    var form = box.closest("form");
    if (!input || !list || !form || !window.fetch || !window.FormData) return;
    var url = box.dataset.pendingUrl;
    var removeUrl = box.dataset.pendingRemoveUrl;
    var tokenName = box.dataset.tokenName;

    function say(message, isError) {
      if (!status) return;
      status.textContent = message;
      status.classList.toggle("field-error", !!isError);
    }

    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length) return;
      var errors = [];
      var pending = files.length;
      form.zwInflight = (form.zwInflight || 0) + 1;
      say("正在上传 " + files.length + " 个文件……", false);
      files.forEach(function (file) {
        var body = new FormData();
        body.append("file", file);
        body.append("field", input.name);
        fetch(url, {method: "POST", body: body, credentials: "same-origin",
                    headers: {"X-CSRFToken": csrfToken(form), "Accept": "application/json"}})
          .then(function (response) {
            return response.json().then(function (data) { return {ok: response.ok, data: data}; });
          })
          .then(function (result) {
            if (result.ok) addItem(list, tokenName, input.name, result.data);
            else errors.push(result.data.message || ("文件“" + file.name + "”上传失败"));
          })
          .catch(function () { errors.push("文件“" + file.name + "”上传失败,请检查网络后重新选择"); })
          .then(function () {
            pending -= 1;
            if (pending === 0) {
              say(errors.length ? errors.join(";") : "文件已上传,提交表单时一并提交", errors.length > 0);
              // The files now travel as tokens; sent again with the form they would be stored twice.
              // A refused one stays chosen so that the server names it on submission too.
              if (!errors.length) input.value = "";
              form.zwInflight -= 1;
              if (form.zwInflight === 0 && form.zwSubmitter !== undefined) {
                var submitter = form.zwSubmitter;
                form.zwSubmitter = undefined;
                if (form.requestSubmit) form.requestSubmit(submitter || undefined); else form.submit();
              }
            }
          });
      });
    });

    if (!form.zwWaitsForUploads) {
      form.zwWaitsForUploads = true;
      // Sent while a file is still uploading: wait for it, then send.
      form.addEventListener("submit", function (event) {
        if (form.zwInflight > 0) {
          event.preventDefault();
          form.zwSubmitter = event.submitter || null;
          say("正在上传文件,上传完成后自动提交……", false);
        }
      });
    }

    list.addEventListener("click", function (event) {
      var button = event.target.closest("[data-pending-remove]");
      if (!button) return;
      // Without this script the button posts the form and the server drops the file.
      event.preventDefault();
      var token = button.dataset.pendingRemove;
      var body = new FormData();
      body.append("token", token);
      fetch(removeUrl, {method: "POST", body: body, credentials: "same-origin",
                        headers: {"X-CSRFToken": csrfToken(form)}});
      var item = button.closest("li");
      if (item) item.parentNode.removeChild(item);
      say("已移除", false);
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-pending-url]"), bindUpload);
})();
