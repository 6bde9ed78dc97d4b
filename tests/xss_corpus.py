"""An XSS corpus shared by the browser test (tests/browser/test_xss.py) and the HTTP test
(tests/api/test_xss_escape.py).

Every payload that could run script sets `window.__xss` (the browser test installs a setter that
records it), calls `alert` (the browser test fails on any dialog) or sets `document.title` to
exactly `pwned`. Every element or attribute a payload would inject carries `data-xss` (or an
`on*` / `hx-on` / `autofocus` / `style` attribute, none of which the templates use), so a scan
of the DOM (or of the parsed HTML) finds an injection even when no script ran.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any, TypeVar

import markupsafe

T = TypeVar("T")

PAYLOADS: list[str] = [
    "<script>window.__xss='script'</script>",
    "\"><img src=x data-xss onerror=\"window.__xss='img'\">",
    "'><svg data-xss onload=window.__xss='svg'>",
    "<svg data-xss><script>window.__xss='svg-script'</script></svg>",
    "javascript:window.__xss='js-url'//",
    "<a data-xss href=\"javascript:window.__xss='href'\">click me</a>",
    "'-alert(1)-'",
    "\"-alert(2)-\"",
    "`-alert(3)-` ${alert(4)}",
    "{{7*7}} ${7*7} #{7*7} <%= 7*7 %> [[7*7]]",
    "{% raw %}{{ config }}{{ self.__init__.__globals__ }}{{constructor.constructor('alert(5)')()}}",
    "\" autofocus onfocus=\"window.__xss='attr-dq'\" data-xss=\"",
    "' autofocus onfocus='window.__xss=\"attr-sq\"' data-xss='",
    "</textarea><img src=x data-xss onerror=window.__xss='textarea'>",
    "</title><img src=x data-xss onerror=window.__xss='title'>",
    "</script><script>window.__xss='end-script'</script>",
    "<div data-xss hx-get=\"/xss\" hx-trigger=\"load\" "
    "hx-on:htmx:before-request=\"window.__xss='hx'\">hx</div>",
    "hx-on:click=\"window.__xss='hx-text'\" hx-get=\"/xss-text\" hx-trigger=\"load\"",
    "<iframe data-xss src=\"javascript:parent.__xss='iframe'\"></iframe>",
    "<details data-xss open ontoggle=window.__xss='details'>x</details>",
    "<math><mtext><table><mglyph><style><img src=x data-xss onerror=window.__xss='mxss'>",
    "<style data-xss>body{display:none}</style>",
    "<base data-xss href=\"//evil.invalid/\">",
    "<meta data-xss http-equiv=\"refresh\" content=\"0;url=javascript:window.__xss='meta'\">",
    "<body data-xss onload=alert(6)>",
    "<img src=x data-xss onerror=\"document.title='pwned'\">",
    "<noscript><p title=\"</noscript><img src=x data-xss onerror=window.__xss='noscript'>\">",
    "<svg><animate data-xss onbegin=window.__xss='animate' attributeName=x dur=1s>",
    "<form data-xss><button formaction=\"javascript:window.__xss='form'\">go</button></form>",
    "<input data-xss autofocus onfocus=window.__xss='input'>",
    "&lt;script&gt;pre-escaped&lt;/script&gt; &amp;amp; &#60;b&#62; &quot;",
    "<!-- open comment ]]> <![CDATA[ x ]]> --!>",
    # Unicode: right-to-left override, zero-width characters, combining marks, emoji, Hebrew
    # and Arabic (bidi), a homoglyph-looking "script".
    "\u202eevil.exe\u202c \u200b\u200d\ufeff Z\u0335\u0316a\u0334 \U0001f600 "
    "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 \uff1cscript\uff1e",
    # Very long: fills every field to its limit (cut per field) with no spaces.
    "W" * 300 + "<img src=x data-xss onerror=window.__xss='long'>",
]

# A very long body: the same tag over and over, cut mid-tag at the limit.
LONG_BODY = ("<img src=x data-xss onerror=window.__xss='long'>\u202e" * 200)[:8000]

# Set by a payload that ran: seen as a title in the browser.
PWNED_TITLE = "pwned"


def cut(text: str, limit: int) -> str:
    """`text` fitted into a field of `limit` characters (never blank, never padded)."""
    out = text[:limit].strip()
    return out or text.strip()[:limit]


def rotate(i: int, k: int = 0) -> str:
    return PAYLOADS[(i + k) % len(PAYLOADS)]


def joined(limit: int, start: int = 0, sep: str = "\n") -> str:
    """As many payloads as fit in `limit` characters, from `start` on, one per line."""
    parts: list[str] = []
    for k in range(len(PAYLOADS)):
        p = rotate(start, k)
        if len(sep.join([*parts, p])) > limit:
            continue
        parts.append(p)
    return sep.join(parts)


TOKEN = "zqxsearch"  # in every corpus member's job title, so one search lists them all


def profile(i: int) -> dict[str, Any]:
    """Profile fields for corpus member `i`: each field takes the next payload, so across the
    corpus members every payload lands in every field."""
    return {"headline": cut(rotate(i, 1), 220),
            "title": cut(rotate(i, 2), 100) + " " + TOKEN,
            "company": cut(rotate(i, 3), 120), "location": cut(rotate(i, 4), 120),
            "industry": cut(rotate(i, 5), 120),
            "skills": [cut(rotate(i, 6), 60), cut(rotate(i, 7), 60)]}


def cast(member: Callable[..., T]) -> tuple[T, T, T, T, T, list[T]]:
    """The members every corpus scene uses, made with `member(name, i, **profile_extra)`:
    s, s2, r, t, v (s and t share a company and skills, for the review's common ground) and
    one member named after each payload."""
    shared = {"company": cut(PAYLOADS[21], 120),
              "skills": [cut(PAYLOADS[2], 60), cut(PAYLOADS[9], 60)]}
    return (member(PAYLOADS[1], 1, **shared), member(PAYLOADS[11], 11),
            member(PAYLOADS[13], 13), member(PAYLOADS[14], 14, **shared),
            member(PAYLOADS[0], 0), [member(p, i) for i, p in enumerate(PAYLOADS)])


def subject_of(i: int) -> str:
    return cut(PAYLOADS[i], 200)


def escaped(text: str) -> str:
    """How Jinja's autoescape writes `text` into HTML."""
    return str(markupsafe.escape(text))


def dangerous(text: str) -> bool:
    """Would `text`, written raw, change the markup? (Then it must never appear raw.)"""
    return any(c in text for c in "<>\"'&")


BAD_TAGS = {"iframe", "frame", "object", "embed", "base", "style", "math", "noscript",
            "marquee", "applet", "template"}
URL_ATTRS = {"href", "src", "action", "formaction", "data", "xlink:href"}
OWN_SCRIPTS = {"/static/htmx.min.js", "/static/app.js", "/static/chart.umd.min.js",
               "/static/insights.js"}


def bad_attribute(tag: str, name: str, value: str) -> bool:
    """An attribute no template writes: an event handler, an htmx handler or request to an
    injected URL, the payloads' `data-xss` marker, autofocus, an inline style (Chart.js sizes
    its canvas with one, and Playwright's screenshot leaves `style=""` behind), a javascript:
    URL."""
    name = name.lower()
    bare = name.removeprefix("data-")
    return (name.startswith("on") or bare.startswith("hx-on") or name == "data-xss"
            or name == "autofocus" or (name == "style" and value.strip() != "")
            or (bare.startswith("hx-") and "xss" in value)
            or (name in URL_ATTRS and value.strip().lower().startswith("javascript:")))


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        if tag in BAD_TAGS or (tag == "meta" and "http-equiv" in values):
            self.found.append(f"<{tag}>")
        if tag == "script" and values.get("src") not in OWN_SCRIPTS:
            self.found.append(f"<script src={values.get('src')!r}>")
        for name, value in values.items():
            if bad_attribute(tag, name, value):
                self.found.append(f"<{tag} {name}={value[:60]!r}>")


def injected_markup(html: str) -> list[str]:
    """Elements and attributes in `html` that only an injection could have put there."""
    scan = _Scan()
    scan.feed(html)
    scan.close()
    return scan.found


# The same scan in the browser, over the live DOM (after scripts and htmx swaps ran).
DOM_SCAN_JS = """
() => {
  const badTags = new Set(BAD_TAGS);
  const urlAttrs = new Set(URL_ATTRS);
  const ownScripts = new Set(OWN_SCRIPTS);
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.localName.toLowerCase();
    if (badTags.has(tag) || (tag === 'meta' && el.hasAttribute('http-equiv'))) {
      found.push('<' + tag + '>');
    }
    if (tag === 'script' && !ownScripts.has(el.getAttribute('src') || '')) {
      found.push('<script src=' + el.getAttribute('src') + '>');
    }
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      const bare = name.startsWith('data-') ? name.slice(5) : name;
      const value = a.value || '';
      if (name.startsWith('on') || bare.startsWith('hx-on') || name === 'data-xss' ||
          name === 'autofocus' || (name === 'style' && value.trim() && tag !== 'canvas') ||
          (bare.startsWith('hx-') && value.includes('xss')) ||
          (urlAttrs.has(name) && value.trim().toLowerCase().startsWith('javascript:'))) {
        found.push('<' + tag + ' ' + name + '=' + JSON.stringify(value.slice(0, 60)) + '>');
      }
    }
  }
  return found;
}
"""
for _name, _values in (("BAD_TAGS", BAD_TAGS), ("URL_ATTRS", URL_ATTRS),
                       ("OWN_SCRIPTS", OWN_SCRIPTS)):
    DOM_SCAN_JS = DOM_SCAN_JS.replace(_name, json.dumps(sorted(_values)))
