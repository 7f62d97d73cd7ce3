import pytest

from thresher.errors import ConfigError
from thresher.stages.filters.url import URLFilter, url_host
from thresher.record import Document


@pytest.fixture(scope="module")
def default():
    return URLFilter()


def write(tmp_path, name, lines):
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(p)


@pytest.mark.parametrize(
    "url,host",
    [
        ("https://user:pw@Sub.Example.COM.:8080/p?q#f", "sub.example.com"),
        ("//cdn.example.com/x", "cdn.example.com"),
        ("example.org/path", "example.org"),
        ("http://[2001:db8::1]:80/", "2001:db8::1"),
        ("", ""),
        ("/relative/path", ""),
    ],
)
def test_url_host(url, host):
    assert url_host(url) == host


@pytest.mark.parametrize(
    "url",
    [
        "https://www.pornhub.com/view?id=1",  # blocklisted domain, via its parent
        "http://site.xxx/",  # blocklisted TLD
        "http://best-casino-online.example/",  # strict word inside the host
        "https://free-porn-videos.example.net/",
        "https://example.com/videos/xxx/1",
        "https://example.com/buy-viagra-now",
        "https://example.com/free%20viagra",  # percent-encoded
        "https://example.com/p-o-r-n",  # separators do not hide strict words
        "https://escort.example.org/",  # hard word, whole word
        "https://example.com/sexy-teen-pics",  # two soft words
    ],
)
def test_spam_urls_dropped(default, url):
    assert default.check_url(url) is not None


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/sex-education",  # one soft word
        "https://example.com/escorted-tours",  # hard word only as part of a word
        "https://en.wikipedia.org/wiki/Lighthouse",  # curated, but exclusion is off by default
        "https://news.example.com/2024/03/harbour-history",
        "",
        "not a url at all",
    ],
)
def test_clean_urls_kept(default, url):
    assert default.check_url(url) is None


def test_reasons(default):
    assert default.check_url("https://www.pornhub.com/") == "blocklisted_domain"
    assert default.check_url("https://best-casino.example/") == "banned_url_word"
    assert default.check_url("https://example.com/nude/") == "banned_url_word"
    assert default.check_url("https://example.com/hot-sexy-teen") == "soft_url_words"


def test_blocklist_matches_host_and_parents_not_label_substrings(tmp_path):
    f = URLFilter(blocklist_file=write(tmp_path, "b.txt", ["# comment", "bad-site.com", "", "*.other.org", "https://third.net/x"]),
                  strict_words_file=None, hard_words_file=None, soft_words_file=None)
    assert f.check_url("http://bad-site.com/") == "blocklisted_domain"
    assert f.check_url("http://a.b.BAD-SITE.com/x") == "blocklisted_domain"
    assert f.check_url("http://x.other.org/") == "blocklisted_domain"
    assert f.check_url("http://third.net/") == "blocklisted_domain"
    assert f.check_url("http://notbad-site.com/") is None
    assert f.check_url("http://bad-site.com.evil.net/") is None


def test_soft_word_threshold(tmp_path):
    soft = write(tmp_path, "soft.txt", ["alpha", "beta", "gamma"])
    kw = dict(blocklist_file=None, strict_words_file=None, hard_words_file=None, soft_words_file=soft)
    two = URLFilter(**kw)
    assert two.check_url("http://x.com/alpha") is None
    assert two.check_url("http://x.com/alpha/alpha") is None  # the same word twice is one word
    assert two.check_url("http://x.com/alpha-beta") == "soft_url_words"
    three = URLFilter(soft_word_threshold=3, **kw)
    assert three.check_url("http://x.com/alpha-beta") is None
    assert three.check_url("http://x.com/alpha-beta_gamma") == "soft_url_words"
    off = URLFilter(soft_word_threshold=None, **kw)
    assert off.check_url("http://x.com/alpha-beta-gamma") is None


def test_none_switches_lists_off():
    f = URLFilter(blocklist_file=None, strict_words_file=None, hard_words_file=None, soft_words_file=None)
    assert f.check_url("https://www.pornhub.com/porn/casino") is None


def test_allowlist_bypasses_checks(tmp_path):
    allow = write(tmp_path, "allow.txt", ["sussex-casino-history.org"])
    f = URLFilter(allowlist_file=allow)
    assert f.check_url("https://www.sussex-casino-history.org/porn-laws") is None
    assert f.check_url("https://other-casino.org/") == "banned_url_word"


def test_curated_sources_are_optional(default):
    f = URLFilter(exclude_curated=True)
    assert f.check_url("https://en.wikipedia.org/wiki/X") == "curated_source"
    assert f.check_url("https://arxiv.org/abs/2306.01116") == "curated_source"
    assert f.check_url("https://github.com/a/b") == "curated_source"
    assert f.check_url("https://example.com/") is None
    assert default.check_url("https://arxiv.org/abs/2306.01116") is None


def test_works_on_documents(default):
    assert default.filter(Document(id="1", url="https://www.xvideos.com/", text="x")) == "blocklisted_domain"
    assert default.filter(Document(id="2", url="https://example.com/", text="x")) is None


def test_missing_list_file_is_config_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        URLFilter(blocklist_file=str(tmp_path / "missing.txt"))
    with pytest.raises(ConfigError, match="soft_word_threshold"):
        URLFilter(soft_word_threshold=0)


def test_weird_urls_never_raise(default):
    for url in ["http://[invalid", "http://bücher.example/", "http://\udcff.com/", "ftp://", "::::", "http://" + "a." * 400 + "com",
                "https://example.com/" + "%" * 50, "\x00\x01", "http://xn--bcher-kva.example/"]:
        assert default.check_url(url) in (None, "blocklisted_domain", "banned_url_word", "soft_url_words")
