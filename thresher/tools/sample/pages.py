"""HTML page templates: real page structure around the main text.

Every page carries the boilerplate an extractor has to strip (menus, cookie
banner, ads, sidebar of related links, user comments, footer), laid out in one
of three site themes so that pages of different sites do not look alike. The main
text always sits in ``<article>``: an ``<h1>`` and ``<p>`` paragraphs (or a link
list), and nothing else in ``<article>`` is a ``<p>``, so tests can read the
planted text back with one XPath.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from thresher.tools.sample.corpus import LanguageCorpus
from thresher.tools.sample.sites import Site


def _text(value: str) -> str:
    return html.escape(value, quote=False)


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


@dataclass(frozen=True)
class Comment:
    author: str
    date: str
    text: str


@dataclass(frozen=True)
class PageView:
    """Everything one HTML page shows."""

    site: Site
    corpus: LanguageCorpus
    title: str
    main_html: str  # the inside of <article> after the <h1>
    date: str
    author: str
    section: str
    year: int
    image_url: str | None = None
    related: tuple[tuple[str, str], ...] = ()  # (title, url)
    comments: tuple[Comment, ...] = ()
    ads: tuple[str, ...] = ()
    cookie_notice: str = ""
    # How the charset is declared inside the page: "meta-charset", "http-equiv" or None.
    charset_meta: str | None = "meta-charset"
    charset: str = "utf-8"
    stylesheet_url: str = "/assets/css/site.css"
    script_url: str = "/assets/js/app.js"
    extra_nav: tuple[str, ...] = field(default=())


def paragraphs_html(paragraphs: tuple[str, ...] | list[str]) -> str:
    """Main-text paragraphs as ``<p>`` elements."""
    return "\n".join(f"<p>{_text(p)}</p>" for p in paragraphs)


def link_list_html(heading: str, links: list[tuple[str, str]]) -> str:
    """A bare list of links, as on a link farm or a directory page."""
    items = "\n".join(f'<li><a href="{_attr(url)}">{_text(label)}</a></li>' for label, url in links)
    return f"<h2>{_text(heading)}</h2>\n<ul class=\"links\">\n{items}\n</ul>"


def _head(view: PageView) -> str:
    meta = ""
    if view.charset_meta == "meta-charset":
        meta = f'<meta charset="{view.charset}">\n'
    elif view.charset_meta == "http-equiv":
        meta = f'<meta http-equiv="Content-Type" content="text/html; charset={view.charset}">\n'
    # The charset declaration comes first: browsers only look at the first 1024 bytes.
    return (
        "<head>\n" + meta
        + '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        + f"<title>{_text(view.title)} | {_text(view.site.name)}</title>\n"
        + f'<meta property="og:site_name" content="{_attr(view.site.name)}">\n'
        + f'<meta property="og:title" content="{_attr(view.title)}">\n'
        + f'<link rel="stylesheet" href="{_attr(view.stylesheet_url)}">\n'
        + f'<script src="{_attr(view.script_url)}" defer></script>\n'
        + "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
        + "gtag('js',new Date());gtag('config','G-SAMPLE');</script>\n"
        + "</head>"
    )


def _cookie_banner(view: PageView) -> str:
    if not view.cookie_notice:
        return ""
    bp = view.corpus.boilerplate
    return (
        '<div class="cookie-banner" id="cookie-consent" role="dialog">\n'
        f"<p>{_text(view.cookie_notice)}</p>\n"
        f'<button class="accept">{_text(bp.cookie_accept)}</button> '
        f'<a href="/cookies">{_text(bp.cookie_settings)}</a>\n</div>'
    )


def _nav(view: PageView, css_class: str) -> str:
    labels = view.corpus.boilerplate.nav[:6] + view.extra_nav
    items = "".join(
        f'<li><a href="/{"" if i == 0 else f"s{i}/"}">{_text(label)}</a></li>' for i, label in enumerate(labels)
    )
    return f'<nav class="{css_class}"><ul>{items}</ul></nav>'


def _ad(view: PageView, index: int, css: str) -> str:
    if index >= len(view.ads):
        return ""
    bp = view.corpus.boilerplate
    return (
        f'<div class="ad {css}"><span class="ad-label">{_text(bp.ad_label)}</span>'
        f'<a href="https://ads.adnetwork.invalid/click?id={index}" rel="sponsored">{_text(view.ads[index])}</a></div>'
    )


def _comments(view: PageView) -> str:
    if not view.comments:
        return ""
    bp = view.corpus.boilerplate
    items = "\n".join(
        f'<div class="comment"><div class="comment-author">{_text(c.author)}</div>'
        f'<div class="comment-date">{_text(c.date)}</div><p>{_text(c.text)}</p></div>'
        for c in view.comments
    )
    return (
        '<section class="comments" id="comments">\n'
        f"<h2>{_text(bp.comments_heading.format(n=len(view.comments)))}</h2>\n{items}\n"
        f'<form class="comment-form"><h3>{_text(bp.leave_comment)}</h3><textarea name="comment"></textarea>'
        f"<button>{_text(bp.post_comment)}</button></form>\n</section>"
    )


def _related(view: PageView, heading: str, css: str) -> str:
    if not view.related:
        return ""
    items = "".join(f'<li><a href="{_attr(url)}">{_text(title)}</a></li>' for title, url in view.related)
    return f'<div class="{css}"><h3>{_text(heading)}</h3><ul>{items}</ul></div>'


def _footer(view: PageView) -> str:
    bp = view.corpus.boilerplate
    links = "".join(f'<li><a href="/legal/{i}">{_text(label)}</a></li>' for i, label in enumerate(bp.footer_links))
    rights = bp.rights.format(year=view.year, site=view.site.name)
    return (
        '<footer class="site-footer">\n'
        f'<div class="newsletter"><p>{_text(bp.newsletter)}</p><input type="email" '
        f'placeholder="{_attr(bp.email_placeholder)}"><button>{_text(bp.subscribe)}</button></div>\n'
        f"<ul class=\"footer-links\">{links}</ul>\n<p class=\"copyright\">{_text(rights)}</p>\n</footer>"
    )


def _article(view: PageView) -> str:
    bp = view.corpus.boilerplate
    byline = bp.byline.format(date=view.date, author=view.author)
    image = f'<img src="{_attr(view.image_url)}" alt="" width="24" height="16">\n' if view.image_url else ""
    return (
        '<article class="post">\n'
        f"<h1>{_text(view.title)}</h1>\n"
        f'<div class="meta"><span class="byline">{_text(byline)}</span></div>\n'
        f"{image}{view.main_html}\n"
        f'<div class="share">{_text(bp.share)}</div>\n'
        "</article>"
    )


def _blog(view: PageView) -> str:
    related_heading = view.corpus.boilerplate.related_headings[0]
    return "\n".join(filter(None, (
        _cookie_banner(view),
        f'<header class="site-header"><a class="logo" href="/">{_text(view.site.name)}</a>'
        f'<p class="tagline">{_text(view.site.tagline)}</p></header>',
        _nav(view, "main-menu"),
        '<div class="layout">\n<main id="content">',
        _article(view),
        _comments(view),
        "</main>",
        '<aside class="sidebar">',
        _related(view, related_heading, "widget related-posts"),
        _ad(view, 0, "ad-sidebar"),
        "</aside>\n</div>",
        _footer(view),
    )))


def _news(view: PageView) -> str:
    bp = view.corpus.boilerplate
    return "\n".join(filter(None, (
        f'<div id="top-bar"><span>{_text(view.date)}</span> <form class="search"><input type="search" '
        f'placeholder="{_attr(bp.search)}"></form></div>',
        f'<header><div class="brand">{_text(view.site.name)}</div></header>',
        _nav(view, "navbar"),
        _ad(view, 0, "ad-leaderboard"),
        f'<div class="breadcrumbs"><a href="/">{_text(bp.nav[0])}</a> &gt; <a href="/section/">'
        f"{_text(view.section)}</a></div>",
        '<div class="container">\n<main>',
        _article(view),
        _ad(view, 1, "ad-inline"),
        _related(view, bp.related_headings[1 % len(bp.related_headings)], "related"),
        _comments(view),
        "</main>\n</div>",
        _cookie_banner(view),
        _footer(view),
    )))


def _portal(view: PageView) -> str:
    bp = view.corpus.boilerplate
    return "\n".join(filter(None, (
        '<div class="wrapper">',
        f'<header class="masthead"><h2 class="site-title"><a href="/">{_text(view.site.name)}</a></h2>'
        f"<span>{_text(view.site.tagline)}</span></header>",
        _nav(view, "menu"),
        _cookie_banner(view),
        '<div class="columns">\n<div class="col-main" role="main">',
        _article(view),
        _comments(view),
        "</div>",
        '<div class="col-side">',
        _ad(view, 0, "ad-box"),
        _related(view, bp.related_headings[2 % len(bp.related_headings)], "popular"),
        _ad(view, 1, "ad-box"),
        "</div>\n</div>",
        _footer(view),
        "</div>",
    )))


_THEMES = {"blog": _blog, "news": _news, "portal": _portal}


def render_page(view: PageView) -> str:
    """The whole HTML document of a page."""
    body = _THEMES[view.site.theme](view)
    return (
        f'<!DOCTYPE html>\n<html lang="{view.corpus.html_lang}">\n{_head(view)}\n<body>\n{body}\n'
        "<script>document.documentElement.className+=' js';</script>\n</body>\n</html>\n"
    )


def error_page(corpus: LanguageCorpus, title: str, text: str) -> str:
    """A bare error page (404, 500, 301) in utf-8."""
    return (
        f'<!DOCTYPE html>\n<html lang="{corpus.html_lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_text(title)}</title>\n</head>\n<body>\n<h1>{_text(title)}</h1>\n<p>{_text(text)}</p>\n"
        "</body>\n</html>\n"
    )
