"""The non-HTML payloads of the crawl: small but real PNG, PDF, CSS and JavaScript."""

from __future__ import annotations

import random
import struct
import zlib


def png_image(rng: random.Random, width: int = 24, height: int = 16) -> bytes:
    """A valid RGB PNG with a random two-colour gradient."""
    start = [rng.randrange(256) for _ in range(3)]
    end = [rng.randrange(256) for _ in range(3)]
    rows = []
    for y in range(height):
        pixels = bytearray([0])  # filter type "none" for the row
        for x in range(width):
            t = (x + y) / (width + height - 2)
            pixels += bytes(int(a + (b - a) * t) for a, b in zip(start, end))
        rows.append(bytes(pixels))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


def pdf_document(title: str) -> bytes:
    """A one-page PDF 1.4 that shows ``title`` (ASCII), with a correct xref table."""
    safe = "".join(c for c in title if 32 <= ord(c) < 127).replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 18 Tf 72 720 Td ({safe}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
    return bytes(out)


def stylesheet(rng: random.Random) -> bytes:
    """A plausible site stylesheet."""
    accent = "#%06x" % rng.randrange(0x1000000)
    width = rng.choice((960, 1080, 1200))
    return f"""/* site theme */
:root {{ --accent: {accent}; --max: {width}px; }}
body {{ margin: 0; font: 16px/1.6 Georgia, serif; color: #222; background: #fdfcf9; }}
header, nav, main, footer {{ max-width: var(--max); margin: 0 auto; padding: 0 1rem; }}
nav ul {{ list-style: none; display: flex; gap: 1.5rem; padding: 0; }}
nav a, footer a {{ color: var(--accent); text-decoration: none; }}
article h1 {{ font-size: 2.1rem; line-height: 1.2; }}
.ad {{ border: 1px dashed #ccc; padding: .5rem; font-size: .8rem; color: #777; }}
.cookie-banner {{ position: fixed; bottom: 0; left: 0; right: 0; background: #333; color: #fff; }}
.sidebar {{ float: right; width: 30%; }}
.comments .comment {{ border-top: 1px solid #eee; padding: .5rem 0; }}
""".encode("ascii")


def script(rng: random.Random) -> bytes:
    """A small site script (cookie banner and lazy images)."""
    delay = rng.choice((150, 250, 400))
    return f"""(function () {{
  "use strict";
  var banner = document.querySelector(".cookie-banner");
  if (banner && document.cookie.indexOf("consent=1") !== -1) {{ banner.remove(); }}
  document.addEventListener("click", function (event) {{
    if (event.target.matches(".cookie-banner button")) {{
      document.cookie = "consent=1; max-age=31536000; path=/";
      setTimeout(function () {{ banner.remove(); }}, {delay});
    }}
  }});
  document.querySelectorAll("img[data-src]").forEach(function (img) {{ img.src = img.dataset.src; }});
}})();
""".encode("ascii")
