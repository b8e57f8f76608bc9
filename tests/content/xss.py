"""Known cross-site-scripting payloads, and a structural check that rendered HTML is inert."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from lms_rt.content.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

PAYLOADS: tuple[str, ...] = (
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( javascript:alert(1) )",
    "![img](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;avascript&colon;alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">',
    '<div style="background:url(javascript:alert(1))">styled</div>',
    '<p style="position:fixed;top:0;left:0;width:100%;height:100%">overlay</p>',
    "<style>body{display:none}</style><link rel=stylesheet href=https://evil.example/x.css>",
    "<details open ontoggle=alert(1)><summary>s</summary></details>",
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '[x](https://example.org "\\" onmouseover=\\"alert(1)")',
    '<a href="https://example.org" onclick="alert(1)">ok</a>',
    '<img src="https://example.org/a.png" onload="alert(1)" style="width:9999px">',
    "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
    "<template><script>alert(1)</script></template>",
    '<a href="//evil.example" target="_blank">new tab</a>',
)

_SAFE_URL = re.compile(r"^(https?:|mailto:|[^:]*$)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20]+")


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        allowed = ALLOWED_ATTRIBUTES.get(tag, set())
        names = {name for name, _ in attrs}
        for name, value in attrs:
            if name == "rel" and tag == "a":
                continue
            if name not in allowed:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name in ("href", "src") and value is not None:
                url = _CONTROL.sub("", html.unescape(value))
                if not _SAFE_URL.match(url):
                    self.problems.append(f"url {value!r}")
        if tag == "a" and "href" in names:
            rel = dict(attrs).get("rel") or ""
            if not {"noopener", "nofollow"} <= set(rel.split()):
                self.problems.append(f"link without rel noopener nofollow: {attrs}")


def unsafe_parts(rendered: str) -> list[str]:
    """What in ``rendered`` could run script, load a stylesheet or restyle the page."""
    inspector = _Inspector()
    inspector.feed(rendered)
    inspector.close()
    return inspector.problems
