// The pane's HTTP, in the browser's own fetch: a few lines of JS cost the first load less than
// any Rust HTTP client. Every call carries the session (or, once, the API token) as Bearer.

// Resolves with the answer's text when it is 2xx; rejects with [the error's text (the server's
// JSON error), its Retry-After or null] when it is not, and with null when the network fails. `body` (JSON text) and
// `key` (an Idempotency-Key) only when given.
export async function call(method, path, token, body, key) {
  const headers = { "Authorization": "Bearer " + token };
  if (body != null) headers["Content-Type"] = "application/json";
  if (key != null) headers["Idempotency-Key"] = key;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body == null ? undefined : body });
  } catch (_) {
    throw null;
  }
  const text = await response.text();
  if (response.ok) return text;
  throw [text, response.headers.get("Retry-After")];
}

// An answer read line by line while it streams (the expansion's NDJSON): POSTs `body` (JSON text) to `path` with the session and calls `onLine(text)` for each line
// as it arrives; `onLine` answers false to stop reading (the server then stops its work).
// Resolves with null when the answer has ended, or with the error's JSON text when the server
// refused; rejects when the network fails.
export async function postLines(path, session, body, onLine) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Authorization": "Bearer " + session, "Content-Type": "application/json" },
    body,
  });
  if (!response.ok) return await response.text();
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let pending = "";
  for (;;) {
    const { done, value } = await reader.read();
    pending += done ? decoder.decode() : decoder.decode(value, { stream: true });
    let end;
    while ((end = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 1);
      if (line.trim() && onLine(line) === false) {
        await reader.cancel();
        return null;
      }
    }
    if (done) break;
  }
  if (pending.trim()) onLine(pending);
  return null;
}

// An image as a blob: URL (an <img> cannot send a Bearer header): the image at `path` as a blob: URL, or null when there is none (404) or it cannot be had.
export async function imageUrl(path, session) {
  try {
    const response = await fetch(path, { headers: { "Authorization": "Bearer " + session } });
    return response.ok ? URL.createObjectURL(await response.blob()) : null;
  } catch (_) {
    return null;
  }
}

export function forgetImageUrl(url) {
  URL.revokeObjectURL(url);
}
