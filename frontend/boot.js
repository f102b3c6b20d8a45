// Starts the pane, or says plainly why it cannot. Deliberately ES3-era syntax: old Outlook
// webviews (IE11, EdgeHTML) must be able to run this file to show the message.
(function () {
  var canRun = typeof WebAssembly === "object" && typeof WebAssembly.instantiate === "function" &&
    typeof Promise === "function" && "noModule" in document.createElement("script");
  function unsupported() {
    var note = document.getElementById("unsupported");
    if (note) note.removeAttribute("hidden");
  }
  if (!canRun) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", unsupported);
    else unsupported();
    return;
  }
  var script = document.createElement("script");
  script.type = "module";
  script.src = "__PANE_JS__";
  document.head.appendChild(script);
})();
