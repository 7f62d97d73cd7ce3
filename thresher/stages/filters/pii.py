"""Masking of personal data: e-mail addresses and public IP addresses.

Never drops a document. E-mail addresses become ``email_replacement``
(``email@example.com``); IPv4 and IPv6 addresses that are globally routable
(not private, loopback, link-local, documentation or otherwise reserved, as
:mod:`ipaddress` judges them) become ``ip_replacement`` (``0.0.0.0``). Version
numbers that look like public IPv4 addresses ("1.2.3.4") are masked too; the
price of never missing a real one. ``None`` or ``False`` switches a kind off.
"""

from __future__ import annotations

import ipaddress
import re

from thresher.stages.filters.base import DocumentFilter
from thresher.record import Document

# Bounded repetitions keep the patterns linear on pathological input.
EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![\w-])"
)
IPV4 = re.compile(r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\w|\.\d)")
IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")



def _may_hold_ipv4(text: str) -> bool:
    """Is some "." followed by a digit? (Cheaper than the regex on prose.)"""
    if text.count(".") > 200:
        return True
    parts = text.split(".")
    return any(p[:1].isdigit() for p in parts[1:])


def _is_public(candidate: str) -> bool:
    try:
        return ipaddress.ip_address(candidate).is_global
    except ValueError:
        return False


class PIIMasker(DocumentFilter):
    name = "pii"

    def __init__(
        self,
        mask_emails: bool | None = True,
        mask_ips: bool | None = True,
        email_replacement: str = "email@example.com",
        ip_replacement: str = "0.0.0.0",
        record_signals: bool = False,
    ) -> None:
        self.mask_emails = bool(mask_emails)
        self.mask_ips = bool(mask_ips)
        self.email_replacement = email_replacement
        self.ip_replacement = ip_replacement
        self.record_signals = record_signals

    def mask(self, text: str) -> tuple[str, int, int]:
        """(masked text, e-mails masked, IPs masked)."""
        n_email = n_ip = 0
        if self.mask_emails and "@" in text:
            text, n_email = EMAIL.subn(self.email_replacement, text)
        if self.mask_ips:
            count = 0

            def repl(m: re.Match[str]) -> str:
                nonlocal count
                if _is_public(m.group()):
                    count += 1
                    return self.ip_replacement
                return m.group()

            # A dotted quad holds "." followed by a digit: a few substring
            # scans spare the regex on most pages.
            if _may_hold_ipv4(text):
                text = IPV4.sub(repl, text)
            if "::" in text or text.count(":") >= 7:
                text = IPV6.sub(repl, text)
            n_ip = count
        return text, n_email, n_ip

    def filter(self, doc: Document) -> None:
        text, n_email, n_ip = self.mask(doc.text)
        if n_email or n_ip:
            doc.text = text
        if self.record_signals:
            self.signal(doc, "emails_masked", n_email)
            self.signal(doc, "ips_masked", n_ip)
        return None
