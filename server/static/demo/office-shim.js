// A stand-in for Office.js in the demo and the browser tests: the `Office` global with the
// Mailbox APIs Davet's pane uses, with Office's semantics (design §4):
//   - callbacks receive AsyncResult {status, value, error, asyncContext}, called asynchronously;
//   - Recipients.addAsync/setAsync take at most 100 recipients a call (NumberOfRecipientsExceeded);
//   - subject and location hold at most 255 characters (DataExceedsMaximumSize);
//   - start and end are Date objects in UTC;
//   - body.setAsync/prependAsync with HTML coercion: Outlook rewrites the HTML, dropping scripts,
//     styles, inline CSS, comments and elements it does not know (their text stays), and
//     prefixing ids and classes with `x_`, as Outlook on the web shows a body;
//   - context.requirements.isSetSupported, context.displayLanguage, context.officeTheme (light
//     or dark, as the compose window's theme);
//   - context.ui.displayDialogAsync (DialogApi 1.1): the dialog is a browser window, as in
//     Outlook on the web; its page's context.ui.messageParent reaches the opener's
//     DialogMessageReceived handler, and closing it raises DialogEventReceived with 12006;
//   - enhancedLocation (Mailbox 1.8): custom locations are the `; `-separated parts of the
//     location line, as Outlook shows them;
//   - loadCustomPropertiesAsync: get/set/remove/getAll, kept with the item by saveAsync, whose
//     JSON may hold at most 2,500 characters (Microsoft's limit; the error name is ours);
//   - item.recurrence.getAsync (Mailbox 1.7): Office's Recurrence, or null;
//   - addHandlerAsync(AppointmentTimeChanged | RecurrenceChanged): raised when the compose
//     window's time or repeat fields change, with the new start and end as ISO strings;
//   - NestedAppAuth 1.1 is reported supported exactly when window.nestedAppAuthBridge exists.
// It writes into the compose window of the page around the pane (window.parent.davetCompose);
// opened on its own, it keeps an item in memory. The pane branches on `error.name` only.
"use strict";

(function () {
  const host = window.parent !== window && window.parent.davetCompose ? window.parent.davetCompose : null;
  const item = host ? host.item : {
    itemType: "appointment", subject: "", location: "", body: "",
    start: new Date(), end: new Date(Date.now() + 1800000),
    requiredAttendees: [], optionalAttendees: [], to: [], cc: [], bcc: [], customProperties: {},
  };
  const changed = () => { if (host) host.changed(); };

  const MAX_RECIPIENTS_PER_CALL = 100;
  const MAX_TEXT = 255;
  const MAX_BODY = 1000000;
  const MAX_CUSTOM_PROPERTIES = 2500;
  const SUPPORTED_SETS = { mailbox: window.davetMailboxVersion || "1.14", dialogapi: "1.1" };
  // Outlook reports NestedAppAuth 1.1 where it gives the pane its auth bridge. The demo host
  // has none (it signs in through the dialog); a test may put one in place.
  if (window.nestedAppAuthBridge) SUPPORTED_SETS.nestedappauth = "1.1";
  const EventType = {
    DialogMessageReceived: "dialogMessageReceived", DialogEventReceived: "dialogEventReceived",
    AppointmentTimeChanged: "olkAppointmentTimeChanged", RecurrenceChanged: "olkRecurrenceChanged",
  };
  // The marker of dialog messages among a window's postMessage traffic.
  const DIALOG_MESSAGE = "davet-office-shim-dialog-message";

  function displayDialogAsync(url, options, callback) {
    if (typeof options === "function") { callback = options; options = {}; }
    options = options || {};
    if (new URL(url, location.href).protocol === "javascript:") {
      answer(callback, options, undefined, "InvalidParameterValueError");
      return;
    }
    const width = Math.round(screen.availWidth * (options.width || 80) / 100);
    const height = Math.round(screen.availHeight * (options.height || 80) / 100);
    const win = window.open(url, "_blank", "popup,width=" + width + ",height=" + height);
    if (!win) {
      answer(callback, options, undefined, "DialogBlocked");
      return;
    }
    const handlers = { dialogMessageReceived: [], dialogEventReceived: [] };
    const emit = (type, arg) => handlers[type].forEach((h) => h(Object.assign({ type }, arg)));
    function onMessage(event) {
      if (event.source !== win || !event.data || event.data.kind !== DIALOG_MESSAGE) return;
      emit(EventType.DialogMessageReceived, { message: event.data.message, origin: event.origin });
    }
    const watch = setInterval(() => {
      if (!win.closed) return;
      stop();
      emit(EventType.DialogEventReceived, { error: 12006 });
    }, 250);
    function stop() { clearInterval(watch); window.removeEventListener("message", onMessage); }
    window.addEventListener("message", onMessage);
    const dialog = {
      addEventHandler(type, handler) { if (handlers[type]) handlers[type].push(handler); },
      close() { stop(); win.close(); },
      messageChild(message) { win.postMessage(message, "*"); },
    };
    answer(callback, options, dialog);
  }

  // Called in the dialog's own page: to the window that opened the dialog.
  function messageParent(message) {
    if (window.opener) window.opener.postMessage({ kind: DIALOG_MESSAGE, message: String(message) }, location.origin);
  }

  const Status = { Succeeded: "succeeded", Failed: "failed" };
  const errors = {
    DialogBlocked: "The dialog box was blocked by the browser.",
    NumberOfRecipientsExceeded: "The number of recipients exceeded 100 entries.",
    DataExceedsMaximumSize: "The data exceeds the maximum size.",
    InvalidFormatError: "The format of the specified data object is not valid.",
    InvalidParameterValueError: "The parameter value is not valid.",
  };

  // Office's overloads: (value, options?, callback?) and (options?, callback?).
  function split(args) {
    const list = Array.prototype.slice.call(args);
    const callback = typeof list[list.length - 1] === "function" ? list.pop() : null;
    return { list, callback };
  }

  function answer(callback, options, value, errorName) {
    const result = errorName
      ? { status: Status.Failed, value: undefined, error: { name: errorName, message: errors[errorName], code: errorName }, asyncContext: options && options.asyncContext }
      : { status: Status.Succeeded, value, error: undefined, asyncContext: options && options.asyncContext };
    if (callback) setTimeout(() => callback(result), 0);
  }

  function recipient(r) {
    if (typeof r === "string") return { displayName: r, emailAddress: r, recipientType: "other" };
    if (r && typeof r.emailAddress === "string" && r.emailAddress) {
      return { displayName: r.displayName || r.emailAddress, emailAddress: r.emailAddress, recipientType: r.recipientType || "user" };
    }
    return null;
  }

  function recipients(field) {
    function write(replace, args) {
      const { list, callback } = split(args);
      const [given, options] = list;
      if (!Array.isArray(given)) return answer(callback, options, undefined, "InvalidParameterValueError");
      if (given.length > MAX_RECIPIENTS_PER_CALL) return answer(callback, options, undefined, "NumberOfRecipientsExceeded");
      const parsed = given.map(recipient);
      if (parsed.some((r) => r === null)) return answer(callback, options, undefined, "InvalidParameterValueError");
      item[field] = replace ? parsed : item[field].concat(parsed);
      changed();
      answer(callback, options);
    }
    return {
      getAsync() {
        const { list, callback } = split(arguments);
        answer(callback, list[0], item[field].map((r) => Object.assign({}, r)));
      },
      addAsync() { write(false, arguments); },
      setAsync() { write(true, arguments); },
    };
  }

  function text(field, max) {
    return {
      getAsync() {
        const { list, callback } = split(arguments);
        answer(callback, list[0], item[field]);
      },
      setAsync() {
        const { list, callback } = split(arguments);
        const [value, options] = list;
        if (typeof value !== "string") return answer(callback, options, undefined, "InvalidParameterValueError");
        if (value.length > max) return answer(callback, options, undefined, "DataExceedsMaximumSize");
        item[field] = value;
        changed();
        answer(callback, options);
      },
    };
  }

  function time(field) {
    return {
      getAsync() {
        const { list, callback } = split(arguments);
        answer(callback, list[0], new Date(item[field].getTime()));
      },
      setAsync() {
        const { list, callback } = split(arguments);
        const [value, options] = list;
        if (!(value instanceof Date) || isNaN(value)) return answer(callback, options, undefined, "InvalidParameterValueError");
        item[field] = new Date(value.getTime());
        changed();
        answer(callback, options);
      },
    };
  }

  // Elements Outlook keeps in a body; others are unwrapped (their content stays).
  const KNOWN = new Set(["a", "b", "blockquote", "br", "div", "em", "font", "h1", "h2", "h3", "h4",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "code", "body"]);

  // What Outlook does to HTML put into a body: scripts, styles, inline CSS and comments do not
  // survive, unknown elements are unwrapped, ids and classes gain `x_`.
  function coerceHtml(html) {
    const doc = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html");
    doc.querySelectorAll("script, style, iframe, object, embed, link, meta").forEach((n) => n.remove());
    const comments = doc.createTreeWalker(doc.body, NodeFilter.SHOW_COMMENT);
    const dropped = [];
    while (comments.nextNode()) dropped.push(comments.currentNode);
    dropped.forEach((n) => n.remove());
    Array.from(doc.body.querySelectorAll("*")).reverse().forEach((el) => {
      if (!KNOWN.has(el.localName)) {
        el.replaceWith(...Array.from(el.childNodes));
        return;
      }
      for (const attr of Array.from(el.attributes)) {
        if (attr.name === "style" || attr.name.startsWith("on") || /^\s*javascript:/i.test(attr.value)) el.removeAttribute(attr.name);
      }
      if (el.id) el.id = "x_" + el.id;
      if (el.className) el.className = el.className.split(/\s+/).filter(Boolean).map((c) => "x_" + c).join(" ");
    });
    return doc.body.innerHTML;
  }

  function escapeText(s) {
    const div = document.createElement("div");
    div.textContent = s;
    return div.innerHTML.replace(/\n/g, "<br>");
  }

  const body = {
    getAsync() {
      const { list, callback } = split(arguments);
      const [coercion, options] = list;
      if (coercion === "html") return answer(callback, options, item.body);
      if (coercion === "text") {
        const div = document.createElement("div");
        div.innerHTML = item.body;
        return answer(callback, options, div.textContent);
      }
      answer(callback, options, undefined, "InvalidFormatError");
    },
    setAsync() { writeBody(false, arguments); },
    prependAsync() { writeBody(true, arguments); },
  };

  function writeBody(prepend, args) {
    const { list, callback } = split(args);
    const [data, options] = list;
    if (typeof data !== "string") return answer(callback, options, undefined, "InvalidParameterValueError");
    if (data.length > MAX_BODY) return answer(callback, options, undefined, "DataExceedsMaximumSize");
    const html = options && options.coercionType === "html" ? coerceHtml(data) : escapeText(data);
    item.body = prepend ? html + item.body : html;
    changed();
    answer(callback, options);
  }

  // Custom locations are the parts of the location line (Outlook joins them with "; ").
  const locationParts = () => item.location.split(";").map((p) => p.trim()).filter(Boolean);
  const enhancedLocation = {
    getAsync() {
      const { list, callback } = split(arguments);
      answer(callback, list[0], locationParts().map((id) => ({
        locationIdentifier: { id, type: "custom" }, displayName: id, emailAddress: "",
      })));
    },
    addAsync() { writeLocations(arguments, (parts, ids) => parts.concat(ids.filter((id) => !parts.includes(id)))); },
    removeAsync() { writeLocations(arguments, (parts, ids) => parts.filter((p) => !ids.includes(p))); },
  };

  function writeLocations(args, change) {
    const { list, callback } = split(args);
    const [given, options] = list;
    const valid = Array.isArray(given) && given.every((l) => l && typeof l.id === "string" && l.id && l.type);
    if (!valid) return answer(callback, options, undefined, "InvalidParameterValueError");
    const line = change(locationParts(), given.map((l) => l.id)).join("; ");
    if (line.length > MAX_TEXT) return answer(callback, options, undefined, "DataExceedsMaximumSize");
    item.location = line;
    changed();
    answer(callback, options);
  }

  function loadCustomPropertiesAsync(callback, userContext) {
    const kept = Object.assign({}, item.customProperties || {});
    const properties = {
      get: (name) => kept[name],
      set: (name, value) => { kept[name] = value; },
      remove: (name) => { delete kept[name]; },
      getAll: () => Object.assign({}, kept),
      saveAsync(cb, context) {
        if (JSON.stringify(kept).length > MAX_CUSTOM_PROPERTIES) return answer(cb, { asyncContext: context }, undefined, "DataExceedsMaximumSize");
        item.customProperties = Object.assign({}, kept);
        changed();
        answer(cb, { asyncContext: context });
      },
    };
    answer(callback, { asyncContext: userContext }, properties);
  }

  // Handlers the pane registered for the item's events; the compose window raises them.
  const itemHandlers = { olkAppointmentTimeChanged: [], olkRecurrenceChanged: [] };
  function addHandlerAsync(type, handler, options, callback) {
    if (typeof options === "function") { callback = options; options = {}; }
    if (!itemHandlers[type] || typeof handler !== "function") return answer(callback, options, undefined, "InvalidParameterValueError");
    itemHandlers[type].push(handler);
    answer(callback, options);
  }
  if (host) {
    host.onTimeChanged = () => itemHandlers.olkAppointmentTimeChanged.forEach((h) => setTimeout(() => h({
      type: EventType.AppointmentTimeChanged, start: item.start.toISOString(), end: item.end.toISOString(),
    }), 0));
    host.onRecurrenceChanged = () => itemHandlers.olkRecurrenceChanged.forEach((h) => setTimeout(() => h({
      type: EventType.RecurrenceChanged, recurrence: item.recurrence || null,
    }), 0));
  }

  // The appointment's recurrence (Mailbox 1.7): Office's Recurrence object, or null. The
  // compose window keeps {recurrenceType, recurrenceProperties, endDate}.
  const recurrence = {
    getAsync() {
      const { list, callback } = split(arguments);
      const kept = item.recurrence;
      answer(callback, list[0], kept ? {
        recurrenceType: kept.recurrenceType,
        recurrenceProperties: Object.assign({}, kept.recurrenceProperties),
        recurrenceTimeZone: { name: "UTC" },
        seriesTime: {
          getStartDate: () => item.start.toISOString().slice(0, 10),
          getEndDate: () => kept.endDate || null,
        },
      } : null);
    },
  };

  function compareVersions(a, b) {
    const pa = String(a).split(".").map(Number);
    const pb = String(b).split(".").map(Number);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
      const d = (pa[i] || 0) - (pb[i] || 0);
      if (d !== 0) return d;
    }
    return 0;
  }

  const ready = { host: "Outlook", platform: "OfficeOnline" };
  const Office = {
    AsyncResultStatus: Status,
    EventType,
    CoercionType: { Html: "html", Text: "text" },
    HostType: { Outlook: "Outlook" },
    PlatformType: { OfficeOnline: "OfficeOnline" },
    onReady(callback) {
      return new Promise((resolve) => setTimeout(() => {
        if (callback) callback(ready);
        resolve(ready);
      }, 0));
    },
    context: {
      get displayLanguage() { return host ? host.displayLanguage : "en-US"; },
      // Office's theme as the compose window has it (light or dark).
      get officeTheme() {
        return host && host.theme === "dark" ? {
          bodyBackgroundColor: "#292929", bodyForegroundColor: "#ffffff",
          controlBackgroundColor: "#1f1f1f", controlForegroundColor: "#ffffff",
        } : {
          bodyBackgroundColor: "#ffffff", bodyForegroundColor: "#242424",
          controlBackgroundColor: "#ffffff", controlForegroundColor: "#242424",
        };
      },
      ui: { displayDialogAsync, messageParent },
      requirements: {
        isSetSupported(name, version) {
          const have = SUPPORTED_SETS[String(name).toLowerCase()];
          return have !== undefined && compareVersions(have, version || "1.1") >= 0;
        },
      },
      mailbox: {
        userProfile: { displayName: "Demo Organiser", emailAddress: "organiser@ornek.example", timeZone: "Europe/Istanbul" },
        // A message has to, cc and bcc; an appointment attendees, times and a location.
        item: item.itemType === "message" ? {
          itemType: "message",
          to: recipients("to"),
          cc: recipients("cc"),
          bcc: recipients("bcc"),
          subject: text("subject", MAX_TEXT),
          loadCustomPropertiesAsync,
          body,
        } : {
          itemType: "appointment",
          requiredAttendees: recipients("requiredAttendees"),
          optionalAttendees: recipients("optionalAttendees"),
          subject: text("subject", MAX_TEXT),
          location: text("location", MAX_TEXT),
          enhancedLocation,
          loadCustomPropertiesAsync,
          addHandlerAsync,
          start: time("start"),
          end: time("end"),
          recurrence,
          body,
        },
      },
    },
  };
  window.Office = Office;
  setTimeout(() => { if (typeof Office.initialize === "function") Office.initialize("inserted"); }, 0);
})();
