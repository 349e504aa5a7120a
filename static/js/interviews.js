// Live interview page: poll the transcript feed and apply new entries, corrections,
// retractions and pins without reloading. Without JavaScript the page never reloads
// itself; its 刷新实录 links load it again at what is new (interviews.latest).
(function () {
  "use strict";
  var list = document.querySelector("[data-transcript-feed]");
  if (!list || !window.fetch) {
    return;
  }
  var feedUrl = list.getAttribute("data-transcript-feed");
  var cursor = parseInt(list.getAttribute("data-cursor"), 10) || 0;
  var statusNote = document.querySelector("[data-feed-status]");
  var pinnedBox = document.querySelector("[data-pinned-box]");
  var pinnedList = document.querySelector("[data-pinned-list]");
  if (statusNote) { statusNote.textContent = "正在直播，新内容会自动显示。"; }
  Array.prototype.forEach.call(document.querySelectorAll("[data-refresh-note]"), function (note) {
    note.hidden = true;
  });
  var INTERVAL = 4000;
  var MAX_INTERVAL = 60000;
  var delay = INTERVAL;

  function node(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text !== undefined && text !== null) { el.textContent = text; }
    return el;
  }

  function timeLabel(iso) {
    try {
      return new Date(iso).toLocaleTimeString("zh-CN", {
        hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "Asia/Shanghai"
      });
    } catch (e) {
      return "";
    }
  }

  // Same markup as templates/interviews/_macros.html entry_item; all text via textContent.
  function build(item, idPrefix) {
    var li = node("li", "iv-entry iv-" + item.speaker_kind + (item.pinned ? " is-pinned" : ""));
    li.id = idPrefix + item.id;
    li.setAttribute("data-id", String(item.id));
    if (item.question) {
      var q = node("p", "iv-question");
      q.appendChild(node("span", "iv-asker", "网友“" + item.question.nickname + "”提问："));
      q.appendChild(document.createTextNode(item.question.body));
      li.appendChild(q);
    }
    var meta = node("p", "iv-meta");
    meta.appendChild(node("span", "iv-speaker", item.speaker));
    meta.appendChild(document.createTextNode(" "));
    var time = node("time", null, timeLabel(item.posted_at));
    time.setAttribute("datetime", item.posted_at);
    meta.appendChild(time);
    if (item.pinned) { meta.appendChild(document.createTextNode(" ")); meta.appendChild(node("span", "tag tag-amber", "置顶")); }
    if (item.corrected) { meta.appendChild(document.createTextNode(" ")); meta.appendChild(node("span", "tag tag-muted", "已更正")); }
    li.appendChild(meta);
    if (item.body) {
      var body = node("div", "iv-body");
      item.body.replace(/\r\n/g, "\n").split(/\n{2,}/).forEach(function (para) {
        if (!para.trim()) { return; }
        var p = node("p");
        para.split("\n").forEach(function (line, i) {
          if (i > 0) { p.appendChild(document.createElement("br")); }
          p.appendChild(document.createTextNode(line));
        });
        body.appendChild(p);
      });
      li.appendChild(body);
    }
    if (item.image_url) {
      var img = node("img", "iv-image");
      img.src = item.image_url;
      img.alt = "访谈现场图片";
      img.loading = "lazy";
      li.appendChild(img);
    }
    return li;
  }

  function insertInOrder(el, id) {
    var children = list.children;
    for (var i = 0; i < children.length; i++) {
      if (parseInt(children[i].getAttribute("data-id"), 10) > id) {
        list.insertBefore(el, children[i]);
        return;
      }
    }
    list.appendChild(el);
  }

  function setPinned(item) {
    if (!pinnedBox || !pinnedList) { return; }
    var shown = pinnedList.firstElementChild;
    var shownId = shown ? parseInt(shown.getAttribute("data-id"), 10) : null;
    if (item.pinned && !item.retracted) {
      pinnedList.innerHTML = "";
      pinnedList.appendChild(build(item, "pinned-entry-"));
      pinnedBox.hidden = false;
    } else if (shownId === item.id) {
      pinnedList.innerHTML = "";
      pinnedBox.hidden = true;
    }
  }

  function apply(items) {
    items.forEach(function (item) {
      var existing = document.getElementById("entry-" + item.id);
      if (item.retracted) {
        if (existing) { existing.parentNode.removeChild(existing); }
      } else {
        var el = build(item, "entry-");
        if (existing) {
          existing.parentNode.replaceChild(el, existing);
        } else {
          insertInOrder(el, item.id);
        }
      }
      setPinned(item);
    });
    var emptyNote = document.querySelector("[data-empty-note]");
    if (emptyNote && list.children.length) { emptyNote.hidden = true; }
  }

  function ended(status) {
    if (statusNote) {
      statusNote.textContent = status === "live" ? "" : "本场访谈直播已结束，感谢关注。刷新页面可查看完整回顾。";
      statusNote.className = "iv-live-note is-ended";
    }
  }

  function schedule(ms) {
    window.setTimeout(poll, ms);
  }

  function poll() {
    if (document.hidden) {
      schedule(INTERVAL);
      return;
    }
    fetch(feedUrl + "?since=" + cursor, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 304) { return null; }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        delay = INTERVAL;
        if (data) {
          apply(data.items || []);
          cursor = data.cursor;
          if (data.status !== "live") {
            ended(data.status);
            return;
          }
          if (data.more) {
            schedule(0);
            return;
          }
        }
        schedule(delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, MAX_INTERVAL);
        schedule(delay);
      });
  }

  schedule(INTERVAL);
})();
