// Slipway web UI: local times, live logs and status, uploads with progress. No dependencies.
(function () {
  "use strict";

  function localTimes(root) {
    root.querySelectorAll("time[datetime]").forEach(function (el) {
      if (el.dataset.local) return;
      var date = new Date(el.getAttribute("datetime"));
      if (isNaN(date)) return;
      el.title = date.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
      el.textContent = date.toLocaleString();
      el.dataset.local = "1";
    });
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  function getJSON(url) {
    return fetch(url, { headers: { "Accept": "application/json", "X-CSRF-Token": csrfToken() }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); });
  }

  function liveLogs(pre) {
    var src = pre.dataset.logSrc, count = parseInt(pre.dataset.count || "0", 10);
    function poll() {
      getJSON(src + "?from=" + count).then(function (reply) {
        if (reply.lines.length) {
          var empty = document.getElementById("logs-empty");
          if (empty) empty.remove();
          reply.lines.forEach(function (line) {
            var span = document.createElement("span");
            span.className = "log-" + line.stream;
            var time = document.createElement("time");
            time.setAttribute("datetime", line.at);
            time.textContent = line.at;
            span.appendChild(time);
            span.appendChild(document.createTextNode(" " + line.message));
            pre.appendChild(span);
            pre.appendChild(document.createTextNode("\n"));
          });
          count += reply.lines.length;
          localTimes(pre);
          pre.scrollTop = pre.scrollHeight;
        }
        var badge = document.getElementById("execution-status");
        if (badge && badge.textContent !== reply.status) {
          badge.textContent = reply.status;
          badge.className = "badge " + reply.statusClass;
        }
        if (reply.final) {
          if (pre.dataset.final !== "true") window.setTimeout(function () { window.location.reload(); }, 300);
          return;
        }
        window.setTimeout(poll, 1000);
      }).catch(function () { window.setTimeout(poll, 3000); });
    }
    if (pre.dataset.final !== "true") window.setTimeout(poll, 500);
  }

  function upload(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var input = form.querySelector("input[type=file]");
      if (!input.files.length) return;
      var file = input.files[0];
      var path = (form.dataset.folder ? form.dataset.folder + "/" : "") + file.name;
      var progress = document.getElementById("upload-progress");
      var status = document.getElementById("upload-status");
      var request = new XMLHttpRequest();
      request.open("PUT", form.dataset.upload + "?path=" + encodeURIComponent(path));
      request.setRequestHeader("X-CSRF-Token", form.dataset.csrf);
      request.setRequestHeader("Content-Type", "application/octet-stream");
      progress.hidden = false;
      request.upload.onprogress = function (e) {
        if (e.lengthComputable) progress.value = Math.round(100 * e.loaded / e.total);
      };
      request.onload = function () {
        if (request.status >= 200 && request.status < 300) {
          progress.value = 100;
          status.textContent = "Uploaded " + path;
          window.location.reload();
        } else {
          var reason = request.status === 401 ? "your session has ended; sign in again" :
            request.status === 413 ? "the file is too large" :
            request.status === 403 ? "the page has expired; reload it" : "the server answered " + request.status;
          status.textContent = "Upload failed: " + reason + ".";
        }
      };
      request.onerror = function () { status.textContent = "Upload failed: the connection was lost"; };
      status.textContent = "Uploading " + path + "…";
      request.send(file);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    localTimes(document);
    document.querySelectorAll("pre[data-log-src]").forEach(liveLogs);
    document.querySelectorAll("form[data-upload]").forEach(upload);
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  });
})();
