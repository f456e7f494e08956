"""The patient's page as an app on the phone, offline on the mat: a web app manifest and a
service worker, written only for a page served from a web site (``--base-url``).

Service workers run on https and on http://127.0.0.1 or localhost, never from ``file:``, so
a page opened from a USB stick works as it always did, without these. The service worker
keeps the page and every MP3 the page lists in the browser's cache when it is installed, and
answers from that cache first (the folder's own address with the page: a web server may
refuse to list a folder, so that address is not fetched on its own). A player asks for parts
of an MP3 (``Range``), which it answers from the whole file kept. Its cache is named after the
page's and the files' bytes, so a new dosage replaces the old files at the next visit with a
network.
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from collections.abc import Sequence

from audiocoach.output.listing import SessionFile

MANIFEST_NAME = "app.webmanifest"
WORKER_NAME = "sw.js"
ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96"><rect width="96" height="96" '
    'rx="18" fill="#2a6f97"/><path d="M34 26v44l36-22z" fill="#fff"/></svg>'
)


def manifest(title: str, short_name: str, start: str) -> bytes:
    """The web app manifest: its name, where it starts, and an icon (an inline SVG)."""
    icon = "data:image/svg+xml," + urllib.parse.quote(ICON, safe="")
    data = {
        "name": title,
        "short_name": short_name[:12],
        "lang": "nl",
        "start_url": start,
        "scope": "./",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#2a6f97",
        "icons": [{"src": icon, "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


WORKER = """// The patient's page offline: keeps the page and its MP3s, answers from them first.
const CACHE = "audiocoach-%(version)s";
const PAGE = %(page)s;
const FILES = %(files)s;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(
    names.filter((name) => name.startsWith("audiocoach-") && name !== CACHE)
      .map((name) => caches.delete(name))
  )).then(() => self.clients.claim()));
});

async function part(request, response) {
  // A player asks for a range of an MP3; the cache holds the whole file.
  const range = /bytes=(\\d*)-(\\d*)/.exec(request.headers.get("range") || "");
  const body = await response.blob();
  const start = range && range[1] ? Number(range[1]) : 0;
  const end = range && range[2] ? Number(range[2]) : body.size - 1;
  return new Response(body.slice(start, end + 1), {
    status: 206,
    headers: {
      "Content-Type": response.headers.get("Content-Type") || "audio/mpeg",
      "Content-Range": `bytes ${start}-${end}/${body.size}`,
      "Content-Length": String(end - start + 1),
      "Accept-Ranges": "bytes",
    },
  });
}

self.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET") return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const folder = new URL(event.request.url).pathname.endsWith("/");
    const kept = await cache.match(folder ? PAGE : event.request, {ignoreSearch: true});
    if (kept) return event.request.headers.has("range") ? part(event.request, kept) : kept;
    return fetch(event.request);
  })());
});
"""


def worker(page: str, page_bytes: bytes, files: Sequence[SessionFile]) -> bytes:
    """The service worker: the page and the session files to keep, in a cache named after
    their bytes (the page's too: a new page is fetched anew)."""
    names = [page, *(urllib.parse.quote(f.name) for f in files)]
    digest = hashlib.sha256(page_bytes)
    for file in files:
        digest.update(file.sha256.encode())
    version = digest.hexdigest()[:16]
    text = WORKER % {"version": version, "page": json.dumps(page), "files": json.dumps(names)}
    return text.encode("utf-8")
