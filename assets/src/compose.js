// The compose page saves the draft as it is typed (htmx, one request at a time: hx-sync) and on
// "Save draft". Each save carries the draft's version; the server refuses one based on an older
// version (409) instead of letting it overwrite a newer save. This script keeps the two in order:
// "Save draft" waits for an autosave already on its way (whose answer brings the new version),
// and no autosave starts once the page is being submitted.
const form = document.getElementById("compose-form");

if (form && form.hasAttribute("hx-post")) {
  let inFlight = 0;
  let submitting = false;
  let waitingSubmitter;
  let waiting = false;

  form.addEventListener("htmx:beforeRequest", (event) => {
    if (submitting) {
      event.preventDefault();
      return;
    }
    inFlight += 1;
  });

  form.addEventListener("htmx:afterRequest", () => {
    inFlight = Math.max(0, inFlight - 1);
    if (inFlight === 0 && waiting) {
      waiting = false;
      form.requestSubmit(waitingSubmitter);
    }
  });

  form.addEventListener("submit", (event) => {
    if (inFlight > 0) {
      event.preventDefault();
      waiting = true;
      waitingSubmitter = event.submitter || undefined;
      return;
    }
    submitting = true;
  });

  // A refused save (409) answers with the preview area explaining why: show it, it is not a failure.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr.status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
}
