// The demo's stand-in for Outlook's appointment compose window. It owns the item; the pane's
// Office shim (office-shim.js, inside the iframe) reads and writes it through
// `window.davetCompose`, exactly where Office.js would talk to Outlook.
"use strict";

(function () {
  const MAX_TEXT = 255;
  // `?item=message` plays a message being written; anything else an appointment.
  const kind = new URLSearchParams(location.search).get("item") === "message" ? "message" : "appointment";
  const item = {
    itemType: kind,
    to: [],
    cc: [],
    bcc: [],
    subject: "",
    location: "",
    body: "",
    start: nextHalfHour(0),
    end: nextHalfHour(30),
    requiredAttendees: [],
    optionalAttendees: [],
    // What add-ins keep with the item (loadCustomPropertiesAsync, saveAsync).
    customProperties: {},
    // How it repeats (Office's recurrenceType and recurrenceProperties), or null.
    recurrence: null,
  };

  function nextHalfHour(plusMinutes) {
    const d = new Date();
    d.setUTCSeconds(0, 0);
    d.setUTCMinutes(d.getUTCMinutes() < 30 ? 30 : 60);
    return new Date(d.getTime() + plusMinutes * 60000);
  }

  function toInput(date) {
    return date.toISOString().slice(0, 16);
  }

  function render() {
    for (const field of ["requiredAttendees", "optionalAttendees", "to", "cc"]) {
      const box = document.getElementById(field);
      box.replaceChildren(
        ...item[field].map((r) => {
          const chip = document.createElement("span");
          chip.className = "chip";
          chip.dataset.email = r.emailAddress;
          chip.textContent = r.displayName || r.emailAddress;
          const mail = document.createElement("small");
          mail.textContent = r.emailAddress;
          chip.append(mail);
          return chip;
        }),
      );
    }
    setValue("subject", item.subject);
    setValue("location", item.location);
    setValue("start", toInput(item.start));
    setValue("end", toInput(item.end));
    const body = document.getElementById("body");
    if (body.innerHTML !== item.body) body.innerHTML = item.body;
  }

  function setValue(id, value) {
    const el = document.getElementById(id);
    if (el !== document.activeElement && el.value !== value) el.value = value;
  }

  function showKind() {
    document.getElementById("item-kind").textContent = kind === "message" ? "New message" : "New appointment";
    document.title = "Davet demo — Outlook " + kind;
    for (const row of document.querySelectorAll("[data-kind]")) row.hidden = row.dataset.kind !== kind;
  }

  function bindInputs() {
    for (const id of ["subject", "location"]) {
      document.getElementById(id).addEventListener("input", (e) => {
        item[id] = e.target.value.slice(0, MAX_TEXT);
      });
    }
    for (const id of ["start", "end"]) {
      document.getElementById(id).addEventListener("change", (e) => {
        const d = new Date(e.target.value + "Z");
        if (isNaN(d)) return;
        // Outlook keeps the length when the start moves.
        if (id === "start") item.end = new Date(item.end.getTime() + (d - item.start));
        item[id] = d;
        render();
        if (compose.onTimeChanged) compose.onTimeChanged();
      });
    }
    document.getElementById("body").addEventListener("input", (e) => {
      item.body = e.target.innerHTML;
    });
    // The repeat field: none, every weekday, or weekly on the start's day.
    document.getElementById("repeat").addEventListener("change", (e) => {
      const day = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"][item.start.getUTCDay()];
      item.recurrence = {
        none: null,
        daily: { recurrenceType: "daily", recurrenceProperties: { interval: 1 } },
        weekly: { recurrenceType: "weekly", recurrenceProperties: { interval: 1, days: [day] } },
      }[e.target.value] || null;
      if (compose.onRecurrenceChanged) compose.onRecurrenceChanged();
    });
    const theme = document.getElementById("office-theme");
    theme.value = compose.theme;
    theme.addEventListener("change", () => {
      compose.theme = theme.value;
      document.documentElement.dataset.theme = theme.value;
      document.getElementById("pane").contentWindow.location.reload();
    });
    document.documentElement.dataset.theme = compose.theme;
    const language = document.getElementById("display-language");
    language.value = compose.displayLanguage;
    language.addEventListener("change", () => {
      compose.displayLanguage = language.value;
      document.getElementById("pane").contentWindow.location.reload();
    });
  }

  const compose = {
    item,
    // Office's language: `?lang=tr-TR`, or the browser's.
    displayLanguage: new URLSearchParams(location.search).get("lang") ||
      (navigator.language && navigator.language.startsWith("tr") ? "tr-TR" : "en-US"),
    // Office's theme: `?theme=dark`, or the browser's preference.
    theme: new URLSearchParams(location.search).get("theme") ||
      (window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light"),
    changed: render,
    // Set by the pane's Office shim: raise AppointmentTimeChanged and RecurrenceChanged there.
    onTimeChanged: null,
    onRecurrenceChanged: null,
  };
  window.davetCompose = compose;

  document.addEventListener("DOMContentLoaded", () => {
    showKind();
    bindInputs();
    render();
  });
})();
