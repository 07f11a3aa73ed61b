// Sign-in with Keycloak: OAuth 2.0 authorization code with PKCE (S256) against the realm's public client, no library.
// Tokens live in sessionStorage (this tab only, gone when it closes); the access token is refreshed before it
// expires; signing out clears them and ends the Keycloak session through its end_session endpoint.

const KEY = 'flexserve.console.tokens';
const PENDING = 'flexserve.console.pending';
let config;

/** Reads the gateway's /console/config.json (the realm's issuer and the public client id). */
export async function configure() {
  const r = await fetch('config.json', {headers: {Accept: 'application/json'}});
  if (!r.ok) throw new Error('the gateway did not give the console its configuration (HTTP ' + r.status + ')');
  config = await r.json();
  // Keycloak's endpoints under the issuer (its discovery document says the same; deriving them saves a cross-origin call).
  config.authorize = config.issuer + '/protocol/openid-connect/auth';
  config.token = config.issuer + '/protocol/openid-connect/token';
  config.logout = config.issuer + '/protocol/openid-connect/logout';
  return config;
}

function redirectUri() {
  return location.origin + '/console/';
}

function base64url(bytes) {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function random(n) {
  const b = new Uint8Array(n);
  crypto.getRandomValues(b);
  return base64url(b);
}

async function challenge(verifier) {
  return base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
}

/** Sends the browser to Keycloak's login page; it comes back to /console/ with a code. */
export async function signIn() {
  const verifier = random(48);
  const state = random(16);
  sessionStorage.setItem(PENDING, JSON.stringify({verifier, state, hash: location.hash}));
  const q = new URLSearchParams({
    response_type: 'code', client_id: config.client_id, redirect_uri: redirectUri(), scope: 'openid',
    state, code_challenge: await challenge(verifier), code_challenge_method: 'S256'
  });
  location.assign(config.authorize + '?' + q);
}

/**
 * On a return from Keycloak (?code=…&state=…), exchanges the code for tokens. Returns true when it did. A state
 * that does not match the one this tab sent is refused: the code was not asked for here.
 */
export async function completeSignIn() {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return false;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', redirectUri() + (pending && pending.hash ? pending.hash : ''));
  if (params.has('error')) throw new Error('Keycloak refused the sign-in: ' + (params.get('error_description') || params.get('error')));
  if (!pending || pending.state !== params.get('state')) throw new Error('this sign-in was not started from this tab; sign in again');
  await tokenRequest({grant_type: 'authorization_code', code: params.get('code'), redirect_uri: redirectUri(),
    code_verifier: pending.verifier});
  return true;
}

async function tokenRequest(form) {
  const r = await fetch(config.token, {
    method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},
    body: new URLSearchParams({client_id: config.client_id, ...form})
  });
  const body = await r.json().catch(() => ({}));
  if (!r.ok || !body.access_token) {
    sessionStorage.removeItem(KEY);
    throw new Error('Keycloak gave no token: ' + (body.error_description || body.error || 'HTTP ' + r.status));
  }
  const now = Date.now();
  sessionStorage.setItem(KEY, JSON.stringify({
    access: body.access_token, refresh: body.refresh_token, id: body.id_token,
    expires: now + body.expires_in * 1000
  }));
}

function stored() {
  return JSON.parse(sessionStorage.getItem(KEY) || 'null');
}

/** The current access token, refreshed when it has less than 30 s left; null when signed out. */
export async function accessToken() {
  const t = stored();
  if (!t) return null;
  if (Date.now() > t.expires - 30000) {
    if (!t.refresh) { sessionStorage.removeItem(KEY); return null; }
    try {
      await tokenRequest({grant_type: 'refresh_token', refresh_token: t.refresh});
    } catch (e) {
      return null;
    }
    return stored().access;
  }
  return t.access;
}

/** What the access token says about the user: name, organization(s) and realm roles. */
export function user() {
  const t = stored();
  if (!t) return null;
  const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(
    atob(t.access.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')), c => c.charCodeAt(0))));
  const org = claims.organization;
  const organizations = Array.isArray(org) ? org : org && typeof org === 'object' ? Object.keys(org) : org ? [org] : [];
  return {
    name: claims.preferred_username || claims.sub,
    organizations,
    roles: (claims.realm_access && claims.realm_access.roles || []).filter(r => ['consumer', 'owner', 'operator'].includes(r))
  };
}

/** Forgets the tokens and ends the Keycloak session; Keycloak sends the browser back to the console. */
export function signOut() {
  const t = stored();
  sessionStorage.removeItem(KEY);
  const q = new URLSearchParams({client_id: config.client_id, post_logout_redirect_uri: redirectUri()});
  if (t && t.id) q.set('id_token_hint', t.id);
  location.assign(config.logout + '?' + q);
}
