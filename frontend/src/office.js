// The pane's only contact with Office.js: each call wraps one Office callback API in a Promise.
// Rejections carry Office's error `name` (e.g. NumberOfRecipientsExceeded) and `message`.

export function officeReady() {
  if (typeof Office === "undefined" || !Office.onReady) {
    followTheme();
    return Promise.resolve({ displayLanguage: navigator.language || "en-US", inOffice: false });
  }
  return Office.onReady().then(() => followTheme()).then(() => ({
    displayLanguage: (Office.context && Office.context.displayLanguage) || "en-US",
    inOffice: !!currentItem(),
    message: !!currentItem() && currentItem().itemType === "message",
  }));
}

// Light or dark as Office is (its theme's body background); outside Office, or where Office
// has no theme, as the browser prefers.
function followTheme() {
  const theme = typeof Office !== "undefined" && Office.context && Office.context.officeTheme;
  const hex = theme && /^#?([0-9a-f]{6})$/i.exec(String(theme.bodyBackgroundColor || ""));
  let dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  if (hex) {
    const n = parseInt(hex[1], 16);
    dark = 0.2126 * (n >> 16) + 0.7152 * ((n >> 8) & 255) + 0.0722 * (n & 255) < 128;
  }
  document.documentElement.dataset.theme = dark ? "dark" : "light";
}

function currentItem() {
  return typeof Office !== "undefined" && Office.context && Office.context.mailbox && Office.context.mailbox.item;
}

function appointment() {
  const item = currentItem();
  if (!item || !item.start || !item.start.getAsync) throw { name: "NoItem", message: "There is no appointment being composed." };
  return item;
}

// One Office callback API as a Promise.
const office = (call) => new Promise((resolve, reject) => call((result) => {
  if (result.status === "succeeded") resolve(result.value);
  else reject({ name: result.error && result.error.name, message: result.error && result.error.message });
}));

// The appointment's subject, its start and end (ISO, UTC: Office gives Dates in UTC) and the
// organiser's zone as the browser knows it (IANA).
export async function readAppointment() {
  const item = appointment();
  const [subject, start, end, recurrence] = await Promise.all([
    office((cb) => item.subject.getAsync(cb)),
    office((cb) => item.start.getAsync(cb)),
    office((cb) => item.end.getAsync(cb)),
    item.recurrence && item.recurrence.getAsync ? office((cb) => item.recurrence.getAsync(cb)) : null,
  ]);
  return JSON.stringify({
    subject: subject || "", start: start.toISOString(), end: end.toISOString(), timeZone: timeZone(),
    recurrence: asGraphRecurrence(recurrence),
  });
}

// Office's Recurrence (Mailbox 1.7) as Graph writes a recurrence (patternedRecurrence), which
// the server reads; null for a single appointment.
const DAYS = { sun: "sunday", mon: "monday", tue: "tuesday", wed: "wednesday", thu: "thursday", fri: "friday", sat: "saturday" };
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
function asGraphRecurrence(recurrence) {
  if (!recurrence || !recurrence.recurrenceType) return null;
  const p = recurrence.recurrenceProperties || {};
  const interval = p.interval || 1;
  const day = (d) => DAYS[d] || d;
  let pattern;
  switch (recurrence.recurrenceType) {
    case "daily": pattern = { type: "daily", interval }; break;
    case "weekday": pattern = { type: "weekly", interval: 1, daysOfWeek: ["monday", "tuesday", "wednesday", "thursday", "friday"] }; break;
    case "weekly": pattern = { type: "weekly", interval, daysOfWeek: (p.days || []).map(day) }; break;
    case "monthly": pattern = p.weekNumber
      ? { type: "relativeMonthly", interval, daysOfWeek: [day(p.dayOfWeek)], index: p.weekNumber }
      : { type: "absoluteMonthly", interval, dayOfMonth: p.dayOfMonth }; break;
    case "yearly": pattern = p.weekNumber
      ? { type: "relativeYearly", interval: 1, daysOfWeek: [day(p.dayOfWeek)], index: p.weekNumber, month: MONTHS.indexOf(p.month) + 1 }
      : { type: "absoluteYearly", interval: 1, dayOfMonth: p.dayOfMonth, month: MONTHS.indexOf(p.month) + 1 }; break;
    default: return null;
  }
  const series = recurrence.seriesTime;
  const endDate = series && series.getEndDate ? series.getEndDate() : null;
  return { pattern, range: endDate ? { type: "endDate", endDate } : { type: "noEnd" } };
}

// The message's subject and its To and Cc recipients (once each, by address).
export async function readMessage() {
  const item = currentItem();
  if (!item || !item.to) throw { name: "NoItem", message: "There is no message being composed." };
  const [subject, to, cc] = await Promise.all([
    office((cb) => item.subject.getAsync(cb)),
    office((cb) => item.to.getAsync(cb)),
    office((cb) => item.cc.getAsync(cb)),
  ]);
  const seen = new Set();
  const recipients = to.concat(cc).filter((r) => {
    const key = String(r.emailAddress).toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).map((r) => ({ email: r.emailAddress, displayName: r.displayName || r.emailAddress }));
  return JSON.stringify({ subject: subject || "", recipients });
}

// `minutes` after a time typed in the organiser's zone (`YYYY-MM-DDTHH:MM`), as RFC 3339 in
// UTC, or "" when it is not a time.
export function utcOfPlus(local, minutes) {
  const d = new Date(local);
  return isNaN(d) ? "" : new Date(d.getTime() + minutes * 60000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function timeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

// The next half hour at least 15 minutes away, as a time field shows it in the organiser's zone.
export function nextHalfHour() {
  const d = new Date(Date.now() + 15 * 60000);
  d.setSeconds(0, 0);
  d.setMinutes(d.getMinutes() < 30 ? 30 : 60);
  const pad = (n) => String(n).padStart(2, "0");
  return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
}

function composed() {
  const item = currentItem();
  if (!item || !item.loadCustomPropertiesAsync) throw { name: "NoItem", message: "There is no item being composed." };
  return item;
}

// What Davet keeps on the item (custom properties): one value, or null.
export async function itemProperty(name) {
  const properties = await office((cb) => composed().loadCustomPropertiesAsync(cb));
  const value = properties.get(name);
  return typeof value === "string" ? value : null;
}

// Sets (a string) or removes (null) custom properties, then saves them with the item.
export async function saveItemProperties(changesJson) {
  const properties = await office((cb) => composed().loadCustomPropertiesAsync(cb));
  for (const [name, value] of Object.entries(JSON.parse(changesJson))) {
    if (value === null) properties.remove(name); else properties.set(name, value);
  }
  await office((cb) => properties.saveAsync(cb));
}

// The join block's marker paragraphs (server/src/domain/join_block.rs), in either spelling:
// Outlook prefixes ids with `x_`.
const BLOCK_BEGIN = /^(x_)?davet-webex-begin-/;
const BLOCK_END = /^(x_)?davet-webex-end$/;

// `html` without any join block: from each begin marker to its end marker, among siblings.
function withoutBlock(doc) {
  for (const begin of Array.from(doc.querySelectorAll("[id]")).filter((e) => BLOCK_BEGIN.test(e.id))) {
    let node = begin;
    while (node) {
      const next = node.nextSibling;
      const last = node.nodeType === 1 && BLOCK_END.test(node.id);
      node.remove();
      if (last) break;
      node = next;
    }
  }
}

async function rewriteBody(change) {
  const item = appointment();
  const before = await office((cb) => item.body.getAsync("html", cb));
  const doc = new DOMParser().parseFromString(before || "", "text/html");
  withoutBlock(doc);
  change(doc);
  const html = /<html/i.test(before || "") ? "<!DOCTYPE html>" + doc.documentElement.outerHTML : doc.body.innerHTML;
  await office((cb) => item.body.setAsync(html, { coercionType: "html" }, cb));
}

// The location line: enhancedLocation where Mailbox 1.8 has it, else the plain line (parts
// joined by "; " as Outlook shows them). Takes out `gone` (when given), puts in `put`.
async function changeLocation(gone, put) {
  const item = appointment();
  const enhanced = item.enhancedLocation && Office.context.requirements.isSetSupported("Mailbox", "1.8");
  if (enhanced) {
    if (gone && gone !== put) await office((cb) => item.enhancedLocation.removeAsync([{ id: gone, type: "custom" }], cb));
    if (put) await office((cb) => item.enhancedLocation.addAsync([{ id: put, type: "custom" }], cb));
    return;
  }
  const line = (await office((cb) => item.location.getAsync(cb))) || "";
  const parts = line.split(";").map((p) => p.trim()).filter((p) => p && p !== gone && p !== put);
  if (put) parts.push(put);
  await office((cb) => item.location.setAsync(parts.join("; "), cb));
}

// The join block into the body (in place of an earlier one) and the join link as location.
export async function putJoinBlock(html, location, earlierLocation) {
  await rewriteBody((doc) => {
    const block = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html").body;
    doc.body.append(...Array.from(block.childNodes));
  });
  await changeLocation(earlierLocation, location);
}

// The join block and the join link taken out of the item.
export async function takeOutJoinBlock(location) {
  await rewriteBody(() => {});
  await changeLocation(location, null);
}

// Calls `handler` when the appointment's time or recurrence changes (Mailbox 1.7).
export function onTimeChanged(handler) {
  const item = currentItem();
  if (!item || !item.addHandlerAsync) return;
  for (const type of [Office.EventType.AppointmentTimeChanged, Office.EventType.RecurrenceChanged]) {
    if (type) item.addHandlerAsync(type, () => handler(), () => {});
  }
}

// A fresh idempotency key.
export function newKey() {
  return crypto.randomUUID();
}

// The organiser's way of writing a time, in their language and zone.
export function localTime(iso, lang) {
  return new Date(iso).toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
}

// Adds recipients to `field` (requiredAttendees, optionalAttendees), never one already on the
// item in any recipient field (compared by address, case aside) nor twice from one list, in
// calls of at most 100 (Outlook's limit). Resolves with how many were already invited.
// In a message, Required is To and Optional is Cc.
export async function addRecipients(field, names, emails) {
  const item = currentItem();
  if (item && !item[field]) field = { requiredAttendees: "to", optionalAttendees: "cc" }[field];
  if (!item || !item[field]) throw { name: "NoItem", message: "There is no item being composed." };
  const fields = ["requiredAttendees", "optionalAttendees", "to", "cc", "bcc"].filter((f) => item[f] && item[f].getAsync);
  const there = new Set();
  for (const f of fields) {
    for (const r of (await office((cb) => item[f].getAsync(cb))) || []) there.add(String(r.emailAddress).toLowerCase());
  }
  const fresh = [];
  let already = 0;
  emails.forEach((emailAddress, i) => {
    const key = emailAddress.toLowerCase();
    if (there.has(key)) { already += 1; return; }
    there.add(key);
    fresh.push({ displayName: names[i], emailAddress });
  });
  for (let i = 0; i < fresh.length; i += 100) {
    await office((cb) => item[field].addAsync(fresh.slice(i, i + 100), cb));
  }
  return already;
}

// Sign-in through the code flow (design §4): in an Office dialog where Outlook offers one
// (DialogApi 1.1), else in a popup. Resolves with the page's outcome message (JSON text);
// rejects with {name: "Cancelled" | "PopupBlocked" | Office's error name}.
export function signIn(startPath) {
  const start = new URL(startPath, window.location.href).href;
  const office = typeof Office !== "undefined" ? Office : null;
  const ui = office && office.context && office.context.ui;
  const dialogs = ui && ui.displayDialogAsync && office.context.requirements &&
    office.context.requirements.isSetSupported("DialogApi", "1.1");
  const join = start.includes("?") ? "&" : "?";
  return dialogs ? signInWithDialog(start + join + "mode=dialog") : signInWithPopup(start + join + "mode=popup");
}

function signInWithDialog(url) {
  return new Promise((resolve, reject) => {
    Office.context.ui.displayDialogAsync(url, { height: 60, width: 30, promptBeforeOpen: false }, (result) => {
      if (result.status !== "succeeded") {
        reject({ name: (result.error && result.error.name) || "DialogFailed", message: result.error && result.error.message });
        return;
      }
      const dialog = result.value;
      dialog.addEventHandler(Office.EventType.DialogMessageReceived, (arg) => {
        dialog.close();
        resolve(arg.message);
      });
      dialog.addEventHandler(Office.EventType.DialogEventReceived, () => {
        reject({ name: "Cancelled", message: "The sign-in window was closed." });
      });
    });
  });
}

function signInWithPopup(url) {
  return new Promise((resolve, reject) => {
    const popup = window.open(url, "davet-sign-in", "popup,width=480,height=640");
    if (!popup) {
      reject({ name: "PopupBlocked", message: "The browser blocked the sign-in window." });
      return;
    }
    let settled = false;
    function finish() {
      settled = true;
      clearInterval(watch);
      window.removeEventListener("message", onMessage);
    }
    function onMessage(event) {
      if (event.origin !== window.location.origin || event.source !== popup) return;
      finish();
      resolve(String(event.data));
    }
    // The page posts its outcome, then closes: look at `closed` a moment late so the message wins.
    const watch = setInterval(() => {
      if (popup.closed) setTimeout(() => {
        if (settled) return;
        finish();
        reject({ name: "Cancelled", message: "The sign-in window was closed." });
      }, 300);
    }, 500);
    window.addEventListener("message", onMessage);
  });
}

// The session, kept in this frame's storage (partitioned under Outlook's origin in Outlook on
// the web); null where storage is refused.
const SESSION_KEY = "davet.session";

export function loadSession() {
  try { return window.localStorage.getItem(SESSION_KEY); } catch (_) { return null; }
}

export function saveSession(json) {
  try { window.localStorage.setItem(SESSION_KEY, json); } catch (_) { /* memory only */ }
}

export function clearSession() {
  try { window.localStorage.removeItem(SESSION_KEY); } catch (_) { /* nothing kept */ }
}

// Nested app authentication: Outlook offers it through the NestedAppAuth requirement set.
export function naaAvailable() {
  const office = typeof Office !== "undefined" ? Office : null;
  const requirements = office && office.context && office.context.requirements;
  return !!(requirements && requirements.isSetSupported("NestedAppAuth", "1.1"));
}

// A token for Davet's API from the host, through MSAL.js in its own lazily loaded module.
export function naaApiToken() {
  const meta = (name) => {
    const element = document.querySelector('meta[name="' + name + '"]');
    return element ? element.content : "";
  };
  const module = new URL(meta("davet-naa"), document.baseURI).href;
  return import(module).then((naa) => naa.apiToken(meta("davet-client-id"), meta("davet-api-scope")));
}
