// Nested app authentication (design §4): MSAL.js asks Outlook, the host, for a token for
// Davet's API. MSAL is large, so this is its own file, loaded only where Outlook reports the
// NestedAppAuth 1.1 requirement set, after the pane's first paint.
import { createNestablePublicClientApplication } from "@azure/msal-browser";

let application = null;

export async function apiToken(clientId, scope) {
  if (!application) {
    application = await createNestablePublicClientApplication({
      auth: { clientId, authority: "https://login.microsoftonline.com/organizations" },
      cache: { cacheLocation: "sessionStorage" },
    });
  }
  const request = { scopes: [scope] };
  try {
    return (await application.acquireTokenSilent(request)).accessToken;
  } catch (silent) {
    // Consent or a fresh sign-in is needed: Outlook shows its own prompt.
    return (await application.acquireTokenPopup(request)).accessToken;
  }
}
