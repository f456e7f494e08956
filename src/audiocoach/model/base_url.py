"""A web address under which a practice publishes a patient's folder (``--base-url``, the
settings page's "Webadres"), checked in one place.

:func:`check_base_url` is the only check, run where the address is typed (the command line,
serve's settings page, serve's address for one patient's folder); what it returns is a
:data:`BaseUrl`, which the build, the feed and the page take as it is, so mypy sees that no
unchecked text reaches them and nothing checks it again.
"""

from __future__ import annotations

import urllib.parse
from typing import NewType

from audiocoach.errors import UrlError, shown
from audiocoach.model.settings import PORT

BaseUrl = NewType("BaseUrl", str)
"""A checked base address: http or https, a host, no query, ending in ``/``."""

_PORT = f"a port is a number from {PORT.span}, such as https://www.praktijk.nl:8443/oefeningen/."


def check_base_url(url: str) -> BaseUrl:
    """The feed's base address, checked; ends with ``/`` so file names can follow it."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
    except ValueError:
        parts = urllib.parse.urlsplit("")
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(c.isspace() for c in url.strip())
        or not url.strip().isprintable()  # a control character would break the feed's XML
        or parts.query
        or parts.fragment
    ):
        raise UrlError(
            f"The base URL {shown(url, 80)} is not a web address; give one like "
            "https://www.praktijk.nl/oefeningen/ (http or https, a host, no query)."
        )
    try:
        parts.port  # noqa: B018 - reading it checks it is a number a port can be, or 0
    except ValueError:
        port = parts.netloc.rpartition(":")[2]
        raise UrlError(
            f"The base URL {shown(url, 80)} has the port {shown(port)}, which is not one: {_PORT}"
        ) from None
    if parts.port == 0:
        raise UrlError(f"The base URL {shown(url, 80)} has the port 0, which is not one: {_PORT}")
    base = urllib.parse.urlunsplit(parts._replace(path=parts.path or "/"))
    return BaseUrl(base if base.endswith("/") else base + "/")


def folder_url(base: str, folder: str) -> BaseUrl:
    """The address of one patient's folder under the practice's ``base`` (as its settings
    file keeps it), checked with the folder's name in it."""
    return check_base_url(f"{check_base_url(base)}{folder}/")
