// The pane's only contact with Office.js: each call wraps one Office callback API in a Promise.
// Rejections carry Office's error `name` (e.g. NumberOfRecipientsExceeded) and `message`.

export function officeReady() {
  if (typeof Office === "undefined" || !Office.onReady) {
    return Promise.resolve({ displayLanguage: navigator.language || "en-US", inOffice: false });
  }
  return Office.onReady().then(() => ({
    displayLanguage: (Office.context && Office.context.displayLanguage) || "en-US",
    inOffice: !!(Office.context && Office.context.mailbox && Office.context.mailbox.item),
  }));
}

export function addRecipients(field, names, emails) {
  return new Promise((resolve, reject) => {
    const item = typeof Office !== "undefined" && Office.context && Office.context.mailbox && Office.context.mailbox.item;
    if (!item || !item[field]) {
      reject({ name: "NoItem", message: "There is no item being composed." });
      return;
    }
    const recipients = emails.map((emailAddress, i) => ({ displayName: names[i], emailAddress }));
    item[field].addAsync(recipients, (result) => {
      if (result.status === "succeeded") resolve();
      else reject({ name: result.error && result.error.name, message: result.error && result.error.message });
    });
  });
}
