"""Web sites of the sample crawl: their hosts, names, looks, and the URLs of their pages."""

from __future__ import annotations

import itertools
import random
import re
import unicodedata
from dataclasses import dataclass

from thresher.tools.sample.corpus import LanguageCorpus

THEMES: tuple[str, ...] = ("blog", "news", "portal")
SERVERS: tuple[str, ...] = (
    "nginx/1.18.0 (Ubuntu)", "Apache/2.4.41 (Ubuntu)", "nginx", "Apache", "LiteSpeed",
    "cloudflare", "Microsoft-IIS/10.0", "openresty",
)

# Words an adult/spam URL filter bans; each spam page's URL carries one of them.
SPAM_WORDS: tuple[str, ...] = ("porn", "xxx", "casino", "viagra")
_SPAM_FILLERS = ("hot", "best", "royal", "lucky", "mega", "super", "golden", "star", "top", "vip")
# Spam words placed in the host, or in the path of an innocent-looking host.
_SPAM_HOSTS = (
    ("xxx", "xxx-{w}-videos.com", ""),
    ("porn", "{w}porn.net", ""),
    ("casino", "{w}-casino-online.com", ""),
    ("viagra", "cheap-viagra-{w}.biz", ""),
    ("porn", "{w}tube-clips.net", "/porn"),
    ("casino", "{w}games-portal.com", "/casino-bonus"),
    ("viagra", "{w}health-shop.info", "/buy-viagra"),
    ("xxx", "{w}-media-share.net", "/xxx"),
)
# Domains with nothing suspicious in their name, which only a blocklist catches.
# A fixed set, listed in the default blocklist (thresher/resources/url_filter/
# blocklist_domains.txt), so a sample of any size and seed is caught by it.
BLOCKLISTED_DOMAINS = (
    "clickhub.top", "winzone.xyz", "promospot.info", "dealworld.biz", "trendcenter.club",
    "buzzland.top", "flashplanet.xyz", "prizebase.info", "glowhub.biz", "snapzone.club",
)
# Subdomains vary so that the blocklist must match parent domains too.
_BLOCKLIST_SUBDOMAINS = ("www.", "", "m.", "offers.", "go.")


@dataclass(frozen=True)
class Site:
    """One web site: where its pages live and what they look like."""

    domain: str  # registered domain, as a blocklist would list it
    host: str
    name: str
    language: str
    theme: str
    server: str
    tagline: str
    path_prefix: str = ""  # spam sites: a banned word in every path


def _ascii_slug(text: str, limit: int = 60) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    return slug[:limit].rstrip("-")


def make_sites(corpus: LanguageCorpus, count: int, rng: random.Random, taken: set[str]) -> list[Site]:
    """``count`` distinct sites in ``corpus``'s language; ``taken`` holds domains already used."""
    combos = list(itertools.product(corpus.site_prefixes, corpus.site_suffixes, corpus.tlds))
    rng.shuffle(combos)
    sites = []
    serial = 0
    while len(sites) < count:
        (pa, pn), (sa, sn), tld = combos[serial % len(combos)]
        # After every combination is used, a number keeps domains unique.
        suffix = "" if serial < len(combos) else str(serial // len(combos) + 1)
        serial += 1
        domain = f"{pa}{sa}{suffix}.{tld}"
        if domain in taken:
            continue
        taken.add(domain)
        host = rng.choice(("www.", "www.", "www.", "blog.", "")) + domain
        name = pn + corpus.site_name_joiner + sn
        sites.append(Site(domain, host, name, corpus.code, rng.choice(THEMES), rng.choice(SERVERS),
                          rng.choice(corpus.boilerplate.taglines)))
    return sites


def spam_site(corpus: LanguageCorpus, rng: random.Random, taken: set[str]) -> tuple[Site, str]:
    """A site whose URLs carry a spam word; returns it and the word."""
    attempts = 0
    while True:
        word, pattern, prefix = rng.choice(_SPAM_HOSTS)
        filler = rng.choice(_SPAM_FILLERS)
        # Large crawls use up the host x filler combinations: number them then
        # (only after many misses, so small samples stay byte-identical).
        attempts += 1
        if attempts > 200:
            filler = f"{filler}{attempts}"
        domain = pattern.format(w=filler)
        if domain not in taken:
            break
    taken.add(domain)
    host = rng.choice(("www.", "")) + domain
    site = Site(domain, host, domain.split(".")[0].replace("-", " ").title(), corpus.code,
                rng.choice(THEMES), rng.choice(SERVERS), rng.choice(corpus.boilerplate.taglines), prefix)
    return site, word


def blocklisted_site(corpus: LanguageCorpus, rng: random.Random, taken: set[str]) -> Site:
    """A site on a domain that only a blocklist knows to be bad."""
    fresh = [d for d in BLOCKLISTED_DOMAINS if d not in taken]
    # Large samples plant more blocklisted sites than the list has domains: reuse them.
    domain = rng.choice(fresh or BLOCKLISTED_DOMAINS)
    taken.add(domain)
    host = rng.choice(_BLOCKLIST_SUBDOMAINS) + domain
    return Site(domain, host, domain.split(".")[0].title(), corpus.code, rng.choice(THEMES),
                rng.choice(SERVERS), rng.choice(corpus.boilerplate.taglines))


def _mostly_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return sum("a" <= c.lower() <= "z" for c in unicodedata.normalize("NFKD", text)) * 2 >= len(letters)


def page_url(site: Site, section: str, title: str, serial: int, date: tuple[int, int, int]) -> str:
    """The URL of a page, in the path style of its site's theme.

    Titles in Latin script give a readable slug; the others get a numeric path,
    as such sites usually have.
    """
    slug = _ascii_slug(title) if _mostly_latin(title) else ""
    slug = slug or f"p{serial}"
    section_slug = (_ascii_slug(section) if _mostly_latin(section) else "") or "articles"
    year, month, _ = date
    if site.theme == "blog":
        path = f"/{year}/{month:02d}/{slug}-{serial}/"
    elif site.theme == "news":
        path = f"/{section_slug}/{slug}-{serial}.html"
    else:
        path = f"/articles/{serial}/{slug}"
    return f"https://{site.host}{site.path_prefix}{path}"


def asset_url(site: Site, kind: str, serial: int, date: tuple[int, int, int]) -> str:
    """The URL of an image, stylesheet, script or document on ``site``."""
    year, month, _ = date
    paths = {
        "image/png": f"/wp-content/uploads/{year}/{month:02d}/photo-{serial}.png",
        "text/css": f"/assets/css/site.css?v={serial}",
        "application/javascript": f"/assets/js/app.js?v={serial}",
        "application/pdf": f"/files/brochure-{year}-{serial}.pdf",
    }
    return f"https://{site.host}{paths[kind]}"
