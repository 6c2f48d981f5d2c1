// Runs in every frame of a preview page before its own scripts (the page's world).
// document.execCommand('copy') or ('cut') after a click would overwrite the computer's
// clipboard, which no setting of QtWebEngine stops: refused here, and said in the console
// so the error bar shows it. Copying by hand (Ctrl+C) is untouched.
(() => {
  const original = Document.prototype.execCommand;
  Object.defineProperty(Document.prototype, "execCommand", {
    configurable: false,
    writable: false,
    value: function execCommand(command, ...rest) {
      const name = String(command).toLowerCase();
      if (name === "copy" || name === "cut") {
        console.error(`document.execCommand('${name}') is not allowed in an app: it would ` +
                      "change the clipboard of the computer (show the text to copy instead)");
        return false;
      }
      return original.call(this, command, ...rest);
    },
  });
})();
