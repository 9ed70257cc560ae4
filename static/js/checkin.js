// The door scanner: camera (jsQR), USB/Bluetooth scanner (keyboard wedge), manual search.
// Every scan is first saved in IndexedDB with a client id and its scan time, then sent; a
// scan the server did not answer stays queued (reloads and closed tabs lose nothing) and is
// sent with the batch API when the network returns. Conflicts are listed, never hidden.
(function () {
  "use strict";
  var root = document.getElementById("checkin");
  if (!root) { return; }
  var cfg = root.dataset;
  var eventId = parseInt(cfg.eventId, 10);
  var sessionId = cfg.sessionId ? parseInt(cfg.sessionId, 10) : null;
  var csrf = cfg.csrf;
  // the staff member confirmed checking people in on a day that is not an event day
  var confirmEarly = cfg.confirmEarly === "1";
  var lastCheckInId = null;
  var recentTokens = {};
  var syncing = false;
  var ticketIndex = null; // fingerprint -> {name, organization, status}

  // --- messages --------------------------------------------------------------------------
  var messages = {};
  var tpl = document.getElementById("messages");
  Array.prototype.forEach.call(tpl.content.querySelectorAll("[data-key]"), function (el) {
    messages[el.dataset.key] = el.textContent;
  });
  function msg(key, values) {
    var text = messages[key] || key;
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(values[k]); });
    return text;
  }
  function clock(iso) {
    try {
      // the event's time (Bangkok), whatever time zone the device is set to
      return new Date(iso).toLocaleTimeString(document.documentElement.lang || "th", {
        hour: "2-digit", minute: "2-digit", timeZone: cfg.tz || "Asia/Bangkok",
      });
    } catch (e) { return iso; }
  }

  // --- device name -----------------------------------------------------------------------
  var device = localStorage.getItem("eventsys-device");
  if (!device) {
    device = "device-" + Math.random().toString(36).slice(2, 7);
    localStorage.setItem("eventsys-device", device);
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // --- IndexedDB -------------------------------------------------------------------------
  var dbPromise = new Promise(function (resolve, reject) {
    var open = indexedDB.open("eventsys-checkin", 1);
    open.onupgradeneeded = function () {
      open.result.createObjectStore("queue", { keyPath: "client_id" });
      open.result.createObjectStore("tickets", { keyPath: "event_id" });
    };
    open.onsuccess = function () { resolve(open.result); };
    open.onerror = function () { reject(open.error); };
  });
  function store(name, mode, action) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var request = action(tx.objectStore(name));
        tx.oncomplete = function () { resolve(request && request.result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function queuePut(item) { return store("queue", "readwrite", function (s) { return s.put(item); }); }
  function queueDelete(id) { return store("queue", "readwrite", function (s) { return s.delete(id); }); }
  function queueAll() {
    return store("queue", "readonly", function (s) { return s.getAll(); }).then(function (items) {
      return (items || []).filter(function (i) { return i.event_id === eventId; })
        .sort(function (a, b) { return a.scanned_at < b.scanned_at ? -1 : 1; });
    });
  }

  // --- result display, sound, vibration ------------------------------------------------------
  var resultBox = document.getElementById("result");
  var audio = null;
  function beep(freqs) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      freqs.forEach(function (f, i) {
        var osc = audio.createOscillator(); var gain = audio.createGain();
        osc.frequency.value = f; gain.gain.value = 0.2;
        osc.connect(gain); gain.connect(audio.destination);
        var t = audio.currentTime + i * 0.18;
        osc.start(t); osc.stop(t + 0.14);
      });
    } catch (e) { /* no audio on this device */ }
  }
  function show(kind, head, name, detail) {
    resultBox.className = "result result-" + kind;
    resultBox.dataset.kind = kind;
    document.getElementById("result-head").textContent = head;
    document.getElementById("result-name").textContent = name || "";
    document.getElementById("result-detail").textContent = detail || "";
    var patterns = { ok: [120], warn: [80, 60, 80], bad: [400], pending: [60] };
    var tones = { ok: [880], warn: [520, 520], bad: [200], pending: [660] };
    if (navigator.vibrate) { navigator.vibrate(patterns[kind] || [60]); }
    beep(tones[kind] || [660]);
  }
  // tickets this device checked in, and when: the same ticket again shortly after (held up
  // twice, dropped and picked up) is the same arrival, shown green again, not as a duplicate
  var admitted = {};
  var SAME_ARRIVAL_MS = 60000;
  function showAnswer(answer, token) {
    var person = answer.attendee || {};
    var detail = [person.organization, person.province].filter(Boolean).join(" · ");
    if (token && answer.result === "already_checked_in" && admitted[token] && Date.now() - admitted[token] < SAME_ARRIVAL_MS) {
      show("ok", msg("checked_in"), person.name, detail);
    } else if (answer.result === "checked_in") {
      if (token) { admitted[token] = Date.now(); }
      lastCheckInId = answer.id;
      document.getElementById("undo").hidden = false;
      show("ok", msg("checked_in"), person.name, detail);
    } else if (answer.result === "already_checked_in") {
      show("warn", msg("already", { time: clock(answer.checked_in_at), staff: answer.checked_in_by || "?" }), person.name, detail);
    } else {
      var holder = answer.attendee || {};  // a genuine ticket refused for its state: whose it is
      show("bad", msg(answer.error in messages ? answer.error : "error"), holder.name || "",
        holder.name ? [holder.organization, answer.message].filter(Boolean).join(" · ") : answer.message || "");
    }
  }

  // --- network ---------------------------------------------------------------------------
  function post(url, body) {
    var send = function () {
      return fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf, "X-Device": device },
        body: JSON.stringify(body),
      });
    };
    return send().then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 400 && data.error === "csrf_failed") {
          return fetch(cfg.csrfUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); })
            .then(function (t) { csrf = t.csrf_token; return send(); })
            .then(function (r) { return r.json().then(function (d) { return { status: r.status, data: d }; }); });
        }
        return { status: response.status, data: data };
      });
    });
  }
  function answered(answer) {
    return answer.status < 500 && answer.status !== 429 && answer.status !== 401 && answer.data.error !== "csrf_failed";
  }

  function setOnline() {
    var el = document.getElementById("net-status");
    var online = navigator.onLine;
    el.textContent = online ? el.dataset.online : el.dataset.offline;
    el.className = "net-status " + (online ? "is-online" : "is-offline");
  }

  function updatePending() {
    return queueAll().then(function (items) {
      document.getElementById("pending-count").textContent = String(items.length);
      root.dataset.pending = String(items.length);
    });
  }

  // --- offline ticket list ---------------------------------------------------------------------
  function loadTicketIndex() {
    return store("tickets", "readonly", function (s) { return s.get(eventId); }).then(function (row) {
      if (row) { ticketIndex = row.index; showListStatus(row.count); }
    });
  }
  function showListStatus(n) { document.getElementById("list-status").textContent = msg("list_ready", { n: n }); }
  function downloadList() {
    return fetch(cfg.ticketsUrl, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error("list " + r.status); }
      return r.json();
    }).then(function (data) {
      var index = {};
      data.tickets.forEach(function (t) { index[t.fp] = { name: t.name, organization: t.organization, status: t.status }; });
      ticketIndex = index;
      showListStatus(data.tickets.length);
      return store("tickets", "readwrite", function (s) { return s.put({ event_id: eventId, index: index, count: data.tickets.length }); });
    }).catch(function () { /* offline: keep the list we have */ });
  }
  function fingerprint(token) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(token.trim())).then(function (buf) {
      return Array.prototype.map.call(new Uint8Array(buf), function (x) { return (x + 256).toString(16).slice(1); }).join("").slice(0, 20);
    });
  }
  function showOffline(item) {
    if (!ticketIndex || !window.crypto || !crypto.subtle) {
      show("pending", msg("pending"), "", "");
      return Promise.resolve();
    }
    return fingerprint(item.token).then(function (fp) {
      var ticket = ticketIndex[fp];
      if (!ticket) {
        show("bad", msg("invalid_ticket"), "", "");
        return queueDelete(item.client_id);
      }
      if (ticket.status !== "confirmed") {
        show("bad", msg(ticket.status === "cancelled" || ticket.status === "rejected" ? "cancelled" : "not_confirmed"), ticket.name, "");
        return queueDelete(item.client_id);
      }
      show("pending", msg("pending_valid"), ticket.name, ticket.organization);
    });
  }

  // --- one scan --------------------------------------------------------------------------
  function handleToken(token, method) {
    token = (token || "").trim();
    if (!token) { return Promise.resolve(); }
    var now = Date.now();
    // A ticket held in front of the camera is seen every frame: ignore it while it stays in
    // view (each sighting extends the window), so it is sent once, not every few seconds.
    var seen = recentTokens[token];
    recentTokens[token] = now;
    if (seen && now - seen < 4000) { return Promise.resolve(); }
    var item = {
      client_id: uuid(), event_id: eventId, token: token, session_id: sessionId,
      scanned_at: new Date(now).toISOString(), method: method,
    };
    return queuePut(item).then(function () {
      if (!navigator.onLine) { return showOffline(item); }
      return post(cfg.checkinUrl, {
        event_id: eventId, token: token, session_id: sessionId, client_id: item.client_id,
        scanned_at: item.scanned_at, method: method, confirm_early: confirmEarly,
      }).then(function (answer) {
        if (!answered(answer)) { return showOffline(item); }
        return queueDelete(item.client_id).then(function () { showAnswer(answer.data, token); });
      }, function () { return showOffline(item); });
    }).then(updatePending);
  }

  // --- syncing the queue -------------------------------------------------------------------
  function addConflict(text) {
    var list = document.getElementById("conflicts");
    var empty = list.querySelector(".empty");
    if (empty) { empty.remove(); }
    var li = document.createElement("li");
    li.textContent = text;
    list.appendChild(li);
  }
  function sync() {
    if (syncing || !navigator.onLine) { return Promise.resolve(); }
    syncing = true;
    return queueAll().then(function (items) {
      if (!items.length) { return null; }
      var body = items.map(function (i) {
        return { token: i.token, session_id: i.session_id, client_id: i.client_id, scanned_at: i.scanned_at, method: i.method };
      });
      return post(cfg.batchUrl, { event_id: eventId, items: body, confirm_early: confirmEarly }).then(function (answer) {
        if (answer.status !== 200) { return null; }
        var done = answer.data.results.map(function (result, n) {
          var person = (result.attendee || {}).name || "";
          if (result.result === "already_checked_in") {
            addConflict(person + ": " + msg("conflict", { time: clock(result.checked_in_at), staff: result.checked_in_by || "?" }));
          } else if (result.error) {
            addConflict(clock(items[n].scanned_at) + ": " + msg(result.error in messages ? result.error : "error"));
          }
          return queueDelete(items[n].client_id);
        });
        return Promise.all(done);
      });
    }).catch(function () { /* still offline */ }).then(function () {
      syncing = false;
      return updatePending();
    });
  }

  // --- camera (jsQR) -----------------------------------------------------------------------
  var video = document.getElementById("camera");
  var canvas = document.getElementById("camera-frame");
  var cameraOn = false;
  function scanFrame() {
    if (!cameraOn) { return; }
    if (video.readyState >= 2 && video.videoWidth && window.jsQR) {
      var scale = Math.min(1, 640 / video.videoWidth);
      var w = Math.round(video.videoWidth * scale), h = Math.round(video.videoHeight * scale);
      canvas.width = w; canvas.height = h;
      var ctx = canvas.getContext("2d", { willReadFrequently: true });
      ctx.drawImage(video, 0, 0, w, h);
      var code = window.jsQR(ctx.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: "dontInvert" });
      if (code && code.data) { handleToken(code.data, "camera"); }
    }
    setTimeout(scanFrame, 120);
  }
  function startCamera() {
    if (cameraOn || !navigator.mediaDevices) { return; }
    navigator.mediaDevices.getUserMedia({
      video: { facingMode: { ideal: "environment" }, width: { ideal: 640 }, height: { ideal: 480 } }, audio: false,
    }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      cameraOn = true;
      document.getElementById("camera-start").hidden = true;
      return video.play();
    }).then(scanFrame).catch(function () { show("bad", msg("camera_error"), "", ""); });
  }
  document.getElementById("camera-start").addEventListener("click", startCamera);
  if (navigator.permissions && navigator.permissions.query) {
    navigator.permissions.query({ name: "camera" }).then(function (p) {
      if (p.state === "granted") { startCamera(); }
    }).catch(function () { /* not supported */ });
  }

  // --- USB scanner / typed code ------------------------------------------------------------
  var wedge = document.getElementById("wedge");
  // A desktop with a USB scanner types into this box: focus it. On a phone (coarse pointer)
  // focusing it would open the keyboard over the camera, so the camera comes first there.
  var desktop = window.matchMedia && window.matchMedia("(pointer: fine)").matches;
  if (desktop) { wedge.focus(); }
  document.getElementById("wedge-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var token = wedge.value;
    wedge.value = "";
    handleToken(token, "scanner");
    if (desktop) { wedge.focus(); }
  });

  // --- manual search ---------------------------------------------------------------------------
  document.getElementById("search-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var q = document.getElementById("search").value;
    var list = document.getElementById("search-results");
    fetch(cfg.searchUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        list.textContent = "";
        if (!data.results.length) {
          var none = document.createElement("li"); none.className = "empty"; none.textContent = msg("no_results");
          list.appendChild(none);
        }
        data.results.forEach(function (person) {
          var li = document.createElement("li");
          var button = document.createElement("button");
          button.type = "button"; button.className = "btn btn-block search-hit";
          button.textContent = person.name + " · " + person.organization + (person.phone_tail ? " · …" + person.phone_tail : "");
          button.addEventListener("click", function () {
            post(cfg.manualUrl, { registration_id: person.registration_id, session_id: sessionId, client_id: uuid() })
              .then(function (answer) { showAnswer(answer.data); list.textContent = ""; })
              .catch(function () { show("bad", msg("error"), "", ""); });
          });
          li.appendChild(button);
          list.appendChild(li);
        });
      }).catch(function () { show("bad", msg("error"), "", ""); });
  });

  // --- undo ----------------------------------------------------------------------------------
  document.getElementById("undo").addEventListener("click", function () {
    if (!lastCheckInId) { return; }
    post(cfg.undoUrl.replace("/0/", "/" + lastCheckInId + "/"), {}).then(function (answer) {
      if (answer.status === 200) {
        lastCheckInId = null;
        document.getElementById("undo").hidden = true;
        show("warn", msg("undone"), "", "");
      } else { show("bad", msg("error"), "", ""); }
    }).catch(function () { show("bad", msg("error"), "", ""); });
  });

  // --- start -----------------------------------------------------------------------------------
  document.getElementById("download-list").addEventListener("click", downloadList);
  document.getElementById("sync-now").addEventListener("click", sync);
  window.addEventListener("online", function () { setOnline(); sync(); });
  window.addEventListener("offline", setOnline);
  setOnline();
  loadTicketIndex().then(function () { return navigator.onLine ? downloadList() : null; });
  updatePending().then(sync);
  setInterval(sync, 10000);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(cfg.swUrl).catch(function () { /* page still works online */ });
  }
})();
