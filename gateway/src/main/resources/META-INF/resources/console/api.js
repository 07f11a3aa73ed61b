// Calls to the gateway (same origin) with the signed-in user's token; errors carry the OpenAI envelope's message.
import {accessToken} from './auth.js';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function headers(extra) {
  const token = await accessToken();
  if (!token) throw new ApiError(401, 'signed out');
  return {Authorization: 'Bearer ' + token, ...extra};
}

async function failure(r) {
  let message = 'HTTP ' + r.status;
  try {
    const body = await r.json();
    if (body.error && body.error.message) message = body.error.message;
  } catch (e) { /* not JSON */ }
  return new ApiError(r.status, message);
}

export async function get(path) {
  const r = await fetch(path, {headers: await headers({Accept: 'application/json'})});
  if (!r.ok) throw await failure(r);
  return r.json();
}

export async function send(method, path, body) {
  const init = {method, headers: await headers(body === undefined ? {} : {'Content-Type': 'application/json'})};
  if (body !== undefined) init.body = JSON.stringify(body);
  const r = await fetch(path, init);
  if (!r.ok) throw await failure(r);
  return r.status === 204 ? null : r.json();
}

/** A CSV report, as a Blob for a download link. */
export async function csv(path) {
  const r = await fetch(path, {headers: await headers({Accept: 'text/csv'})});
  if (!r.ok) throw await failure(r);
  return r.blob();
}

/**
 * A streamed generation: POSTs with stream:true and calls onChunk with every parsed `data:` event until [DONE].
 * `signal` aborts it (the gateway cancels the request at the router's next step).
 */
export async function stream(path, body, onChunk, signal) {
  const r = await fetch(path, {method: 'POST', signal,
    headers: await headers({'Content-Type': 'application/json', Accept: 'text/event-stream'}),
    body: JSON.stringify({...body, stream: true})});
  if (!r.ok) throw await failure(r);
  const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const {value, done} = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5).trimStart()).join('\n');
      if (!data) continue;
      if (data === '[DONE]') return;
      const chunk = JSON.parse(data);
      if (chunk.error) throw new ApiError(500, chunk.error.message || 'the stream failed');
      onChunk(chunk);
    }
  }
}

/** Uploads a package (application/zip) with XMLHttpRequest, whose upload progress fetch does not report. */
export async function upload(path, file, onProgress) {
  const token = await headers({});
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('Authorization', token.Authorization);
    xhr.setRequestHeader('Content-Type', 'application/zip');
    xhr.upload.onprogress = e => { if (e.lengthComputable) onProgress(e.loaded, e.total); };
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, body && body.error ? body.error.message : 'HTTP ' + xhr.status));
    };
    xhr.onerror = () => reject(new ApiError(0, 'the upload was interrupted'));
    xhr.send(file);
  });
}
