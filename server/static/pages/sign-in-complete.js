// Hands the sign-in outcome to the pane: through Office's dialog channel when the page runs in
// an Office dialog, else to the window that opened it, at our own origin only.
(function () {
  "use strict";
  var data = document.getElementById("davet-outcome");
  if (!data) return;
  var message = data.textContent;
  if (document.body.getAttribute("data-mode") === "dialog" && window.Office) {
    Office.onReady(function () {
      Office.context.ui.messageParent(message);
    });
  } else if (window.opener) {
    window.opener.postMessage(message, window.location.origin);
    window.close();
  }
})();
