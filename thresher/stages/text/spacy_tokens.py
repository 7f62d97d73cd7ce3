"""Word tokens as spaCy's blank English tokenizer makes them, without spaCy.

FineWeb's rules (datatrove) split words with ``spacy.blank("en")``: punctuation
marks are tokens of their own, so they count in the Gopher "share of words
with a letter", in the Gopher repetition n-grams, in FineWeb's newlines per
word and, through spaCy's sentencizer, in C4's sentence count. This module
reproduces that segmentation for what those ratios count, with no spaCy at run
time. It follows spaCy's algorithm:

1. split on whitespace (whitespace tokens are dropped, as datatrove does);
2. per chunk, unless the chunk is a special case, peel prefixes (opening
   punctuation and quotes, currency, symbols, ``..``) and suffixes (closing
   punctuation and quotes, ``'s``, a full stop after a lower-case letter, digit
   or punctuation, units and currency after a number, ``...``) one at a time,
   stopping early when what is left is a special case;
3. keep what is left whole if it is a special case or looks like a URL, else
   split it at infixes (``...``, symbols, a hyphen or ``/:<>=`` between letters,
   a comma between letters, a full stop between a lower- and an upper-case
   letter, an operator between digits).

Special cases are English contractions (``don't`` -> ``do n't``, ``I'm`` ->
``I 'm``, also written without the apostrophe: ``dont`` -> ``do nt``),
abbreviations that keep their full stop (``Mr.``, ``e.g.``, ``Jan.``, a
lower-case letter and a full stop), clock times (``10am`` -> ``10 am``) and
emoticons. The character classes are Unicode's (letters by ``str.isalpha``,
case by ``str.islower``/``isupper``, symbols by category ``So``), where spaCy
lists scripts by hand; the two agree on the text these rules meet.
``tests/test_filters_datatrove.py`` holds the rules that use these tokens to
datatrove's own decisions on real pages.

Chunks repeat (Zipf), so each chunk's tokens and counts are cached.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from thresher.stages.text.words import _char_class, _compress, has_unspaced_script

# --- the characters spaCy's English affix rules name ---------------------------------

#: Opening/closing punctuation spaCy peels from either end of a chunk.
_PUNCT = "…,:;!?¿؟¡()[]{}<>_#*&。？！，、；：～·।،۔؛٪"
_QUOTES = "'\"”“`‘´’‚,„»«「」『』（）〔〕【】《》〈〉〈〉⟦⟧"
_CURRENCY_CHARS = "$£€¥฿₽﷼₴" + "".join(chr(c) for c in range(0x20A0, 0x20C0))
_CURRENCY_CODES = ("US$", "C$", "A$")
_HYPHENS = ("---", "--", "——", "-", "–", "—", "~")
_UNITS = (
    "km km² km³ m m² m³ dm dm² dm³ cm cm² cm³ mm mm² mm³ ha µm nm yd in ft kg g mg µg t lb oz "
    "m/s km/h kmh mph hPa Pa mbar mb MB kb KB gb GB tb TB T G M K % "
    "км км² км³ м м² м³ дм дм² дм³ см см² см³ мм мм² мм³ нм кг г мг м/с км/ч кПа Па мбар "
    "Кб КБ кб Мб МБ мб Гб ГБ гб Тб ТБ тб"
).split()


def _is_symbol(ch: str) -> bool:
    return unicodedata.category(ch) == "So"


@lru_cache(maxsize=1)
def _tables():
    """Character sets and compiled patterns, built once per process."""
    symbols, lower, upper, letters = [], [], [], []
    for cp in range(0x10000):  # the BMP one by one; emoji and pictographs as a block
        ch = chr(cp)
        cat = unicodedata.category(ch)
        if cat == "So":
            symbols.append(cp)
        elif cat[0] == "L":
            letters.append(cp)
            if not ch.isupper():
                lower.append(cp)  # lower-case and uncased letters
            if not ch.islower():
                upper.append(cp)  # upper-case and uncased letters
    sym = _char_class(_compress(symbols) + [(0x1F000, 0x1FAFF)])
    low = _char_class(_compress(lower))
    up = _char_class(_compress(upper))
    alpha = _char_class(_compress(letters))
    quotes = re.escape(_QUOTES)
    hyphens = "|".join(map(re.escape, _HYPHENS))
    infix = re.compile(
        rf"\.\.+|…|[{sym}]"
        rf"|(?<=[0-9])[+\-*^](?=[0-9-])"
        rf"|(?<=[{low}{quotes}])\.(?=[{up}{quotes}])"
        rf"|(?<=[{alpha}]),(?=[{alpha}])"
        rf"|(?<=[{alpha}0-9])(?:{hyphens})(?=[{alpha}])"
        rf"|(?<=[{alpha}0-9])[:<>=/](?=[{alpha}])"
    )
    # A full stop is a suffix after these (spaCy's class, which also holds the
    # characters "|", "(", "?" and ":" of how it is written).
    stop_after = re.compile(rf"[0-9{low}%²\-+{re.escape(_PUNCT)}{quotes}|(?:]")
    # Host names: labels of letters, digits, "-" and "_" (and anything from
    # U+00A1 up), then a lower-case top-level domain.
    url = re.compile(
        r"(?:[\w+\-.]{2,}://)?(?:\S+(?::\S*)?@)?"
        r"(?:(?:[A-Za-z0-9\u00a1-\uffff][A-Za-z0-9\u00a1-\uffff_-]{0,62})?[A-Za-z0-9\u00a1-\uffff]\.)+"
        rf"[{low}]{{2,63}}(?::\d{{2,5}})?(?:[/?#]\S*)?"
    )
    prefix_chars = frozenset("§%=—–" + _PUNCT + _QUOTES + _CURRENCY_CHARS) | {chr(c) for c in symbols}
    suffix_chars = frozenset(_PUNCT + _QUOTES + "—–") | {chr(c) for c in symbols}
    upper_re = re.compile(f"[{up}]")
    return infix, stop_after, url, prefix_chars, suffix_chars, upper_re


def _is_symbol_char(ch: str, chars: frozenset[str]) -> bool:
    return ch in chars or (ch >= "\U0001f000" and ch <= "\U0001faff")


# --- special cases --------------------------------------------------------------------

_NT_BASES = {
    "are": "are", "could": "could", "did": "did", "does": "does", "do": "do", "had": "had", "has": "has",
    "have": "have", "is": "is", "might": "might", "must": "must", "need": "need", "should": "should",
    "was": "was", "were": "were", "would": "would", "dare": "dare", "may": "may", "ought": "ought",
    "ai": "ai", "ca": "ca", "wo": "wo", "sha": "sha",
}
_VE_BASES = ("could", "might", "must", "should", "would", "not")
_PRONOUN_CLITICS = {
    "i": ("'m", "'ve", "'d", "'ll", "'d've", "'ll've", "'ma"),
    "you": ("'re", "'ve", "'d", "'ll", "'d've", "'ll've"),
    "he": ("'d", "'ll", "'d've", "'ll've", "'s"),
    "she": ("'d", "'ll", "'d've", "'ll've", "'s"),
    "it": ("'d", "'ll", "'d've", "'ll've", "'s"),
    "we": ("'re", "'ve", "'d", "'ll", "'d've", "'ll've"),
    "they": ("'re", "'ve", "'d", "'ll", "'d've", "'ll've"),
}
_WH_CLITICS = ("'d", "'ll", "'re", "'ve", "'d've", "'ll've", "'s")
_WH = ("how", "what", "when", "where", "who", "why", "that", "there", "these", "this", "those")
# Written without the apostrophe these are ordinary words, never split.
_NOT_CONTRACTIONS = frozenset("ill hell shed shell well were its whore lets".split())
_WHOLE = (
    "'bout 'cause 'cos 'coz 'cuz 'em 'nuff 's 'S 'd 'll 're doin' goin' havin' lovin' nothin' nuthin' "
    "somethin' ol' o'clock ma'am '' C++ and/or w/o"
).split()
_SPLIT = {"cannot": ("can", "not"), "gonna": ("gon", "na"), "gotta": ("got", "ta"), "y'all": ("y'", "all"),
          "yall": ("y", "all"), "c'mon": ("c'm", "on"), "i'ma": ("i", "'m", "a")}
_ABBREVIATIONS = (
    "a.m. p.m. e.g. i.e. vs. v.s. co. E.g. I.e. E.G. I.E. Adm. Ak. Ala. Apr. Ariz. Ark. Aug. Bros. Calif. Co. "
    "Colo. Conn. Corp. Dec. Del. Dr. Feb. Fla. Ga. Gen. Gov. Ia. Id. Ill. Inc. Ind. Jan. Jr. Jul. Jun. Kan. "
    "Kans. Ky. La. Ltd. Mar. Mass. Md. Messrs. Mich. Minn. Miss. Mo. Mont. Mr. Mrs. Ms. Mt. Neb. Nebr. Nev. "
    "Nov. Oct. Okla. Ore. Pa. Ph.D. Prof. Rep. Rev. Sen. Sep. Sept. St. Tenn. Va. Wash. Wis. D.C. N.C. N.D. "
    "N.H. N.J. N.M. N.Y. S.C. ä. ö. ü."
).split() + [f"{c}." for c in "abcdefghijklmnopqrstuvwxyz"]
_EMOTICONS = (
    ":) :-) :)) :-)) :))) :-))) :( :-( :(( :-(( :((( :-((( :() :'( :') :'-( :'-) :’( :’) :’-( :’-) "
    ";) ;-) ;-D ;D :D :-D :P :-P :p :-p :O :-O :o :-o :X :-X :x :-x :/ :-/ :| :-| :] :-] :} :-} :> :-> "
    ":* :-* :0 :-0 :1 :3 :-3 :o) =) =( =/ =3 =D =[ =] =| (: (; (= (-: (-; (-8 ): )-: [: [-: [= ]= "
    "<3 <33 <333 </3 XD XDD xD xDD 8) 8-) 8D 8-D >:( >:o >.< >.> <.< ^_^ ^__^ ^___^ -_- -__- o_O O_o o_o "
    "O_O o_0 0_o 0_0 o.O O.o o.o O.O o.0 0.o 0.0 V.V v.v V_V v_v @_@ ;_; ._. (._.) (-_-) (^_^) (>_<) (*_*) "
    "(¬_¬) (ಠ_ಠ) \\\") ’ ’’ — ' xD"
).split()


def _apostrophes(form: str) -> tuple[str, ...]:
    return (form, form.replace("'", "’")) if "'" in form else (form,)


def _cased(form: str) -> tuple[str, ...]:
    return (form, form[0].upper() + form[1:]) if form[:1].islower() else (form,)


def _build_specials() -> dict[str, tuple[str, ...]]:
    specials: dict[str, tuple[str, ...]] = {}

    def add(tokens: tuple[str, ...], bare: bool = False) -> None:
        # With and without a capital, with straight and curly apostrophes.
        joined = "".join(tokens)
        for variant_tokens in {tokens, (tokens[0][:1].upper() + tokens[0][1:],) + tokens[1:]}:
            for curly in (False, True):
                toks = tuple(t.replace("'", "’") for t in variant_tokens) if curly else variant_tokens
                specials["".join(toks)] = toks
        if bare:
            plain = tuple(t.replace("'", "") for t in tokens)
            if joined.replace("'", "") not in _NOT_CONTRACTIONS:
                for variant in {plain, (plain[0][:1].upper() + plain[0][1:],) + plain[1:]}:
                    specials["".join(variant)] = variant

    for base, stem in _NT_BASES.items():
        add((stem, "n't"), bare=True)
        add((stem, "n't", "'ve"), bare=True)
    for base in _VE_BASES:
        add((base, "'ve"), bare=True)
    for pronoun, clitics in _PRONOUN_CLITICS.items():
        for clitic in clitics:
            parts = tuple("'" + p for p in clitic.split("'")[1:])
            add((pronoun, *parts), bare=True)
    for word in _WH:
        for clitic in _WH_CLITICS:
            if clitic == "'s" and word in ("these", "those"):
                continue
            parts = tuple("'" + p for p in clitic.split("'")[1:])
            add((word, *parts), bare=True)
    add(("let", "'s"))
    for form, tokens in _SPLIT.items():
        for f in _cased(form):
            specials[f] = (f[: len(tokens[0])],) + tokens[1:]
            if "'" in f:
                specials[f.replace("'", "’")] = tuple(t.replace("'", "’") for t in specials[f])
    for form in _WHOLE:
        for f in _cased(form):
            for g in _apostrophes(f):
                specials[g] = (g,)
    for form in _ABBREVIATIONS + _EMOTICONS:
        specials[form] = (form,)
    for hour in range(1, 13):
        for suffix in ("am", "pm", "a.m.", "p.m."):
            specials[f"{hour}{suffix}"] = (str(hour), suffix)
    return specials


_SPECIALS = _build_specials()


# --- the per-chunk algorithm ---------------------------------------------------------


def _prefix_len(s: str, prefix_chars: frozenset[str]) -> int:
    c = s[0]
    if c == "+":
        return 0 if len(s) > 1 and "0" <= s[1] <= "9" else 1
    if c in prefix_chars:
        return 1
    if c == "." and s[1:2] == ".":
        return len(s) - len(s.lstrip("."))
    if c in "UCA":
        for code in _CURRENCY_CODES:
            if s.startswith(code):
                return len(code)
    if "\U0001f000" <= c <= "\U0001faff":
        return 1
    return 0


def _suffix_len(s: str, suffix_chars: frozenset[str], stop_after) -> int:
    n = len(s)
    if not n:
        return 0
    best = n  # the leftmost start of any matching suffix; n = none
    last = s[-1]
    if last in suffix_chars or "\U0001f000" <= last <= "\U0001faff":
        best = n - 1
    if last == ".":
        dots = n - len(s.rstrip("."))
        if dots >= 2:
            best = min(best, n - dots)
        elif n >= 2 and (stop_after.match(s[-2]) or (n >= 3 and s[-3] == "°" and s[-2] in "FfCcKk")):
            best = min(best, n - 1)
        elif n >= 3 and s[-2].isupper() and s[-3].isupper():
            best = min(best, n - 1)
    elif last == "+" and n >= 2 and "0" <= s[-2] <= "9":
        best = min(best, n - 1)
    if n >= 2 and s[-2] in "'’" and last in "sS":
        best = min(best, n - 2)
    if "0" <= s[0] <= "9" or any("0" <= ch <= "9" for ch in s):
        for unit in _UNITS:
            k = len(unit)
            if n > k and s.endswith(unit) and "0" <= s[-k - 1] <= "9":
                best = min(best, n - k)
        for cur in _CURRENCY_CODES + tuple(_CURRENCY_CHARS):
            k = len(cur)
            if n > k and s.endswith(cur) and "0" <= s[-k - 1] <= "9":
                best = min(best, n - k)
    return n - best


def _split_chunk(s: str, specials: dict[str, tuple[str, ...]] | None = None) -> tuple[str, ...]:
    """The tokens of one whitespace-free chunk (``specials={}``: by the affix rules alone)."""
    if specials is None:
        tokens = _split_chunk(s, _SPECIALS)
        return _merge_specials(tokens) if len(tokens) > 1 else tokens
    special = specials.get(s)
    if special is not None:
        return special
    infix, stop_after, url, prefix_chars, suffix_chars, _ = _tables()
    prefixes: list[str] = []
    suffixes: list[str] = []
    last = -1
    while s and len(s) != last:
        if s in specials:
            break
        last = len(s)
        pre = _prefix_len(s, prefix_chars)
        if pre:
            minus_pre = s[pre:]
            if minus_pre and minus_pre in specials:
                prefixes.append(s[:pre])
                s = minus_pre
                break
        suf = _suffix_len(s[pre:], suffix_chars, stop_after)
        if suf:
            minus_suf = s[:-suf]
            if minus_suf and minus_suf in specials:
                suffixes.append(s[-suf:])
                s = minus_suf
                break
        if pre and suf and pre + suf <= len(s):
            prefixes.append(s[:pre])
            suffixes.append(s[-suf:])
            s = s[pre:-suf]
        elif pre:
            prefixes.append(s[:pre])
            s = s[pre:]
        elif suf:
            suffixes.append(s[-suf:])
            s = s[:-suf]
    out = prefixes
    if s:
        special = specials.get(s)
        if special is not None:
            out.extend(special)
        elif url.fullmatch(s):
            out.append(s)
        else:
            start = 0
            for m in infix.finditer(s):
                a, b = m.span()
                if a == 0:
                    continue
                if a != start:
                    out.append(s[start:a])
                if a != b:
                    out.append(s[a:b])
                start = b
            if start < len(s):
                out.append(s[start:])
    out.extend(reversed(suffixes))
    return tuple(out)


def build_tables() -> None:
    """Build this module's tables now (about 0.2 s): a process that forks workers builds them once for all."""
    _tables()
    _special_patterns()


@lru_cache(maxsize=1)
def _special_patterns() -> dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]:
    """Special cases the affix rules would split, by the first token of that split.

    spaCy matches these token sequences after splitting and puts the special
    case back (``Minn.`` after a hyphen, ``):`` after a word), so this does too.
    """
    by_first: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
    for string, tokens in _SPECIALS.items():
        pattern = _split_chunk(string, {})
        if len(pattern) > 1:
            by_first.setdefault(pattern[0], []).append((pattern, tokens))
    return by_first


def _merge_specials(tokens: tuple[str, ...]) -> tuple[str, ...]:
    by_first = _special_patterns()
    matches = []
    for i, tok in enumerate(tokens):
        for pattern, special in by_first.get(tok, ()):
            k = len(pattern)
            if tokens[i : i + k] == pattern:
                matches.append((k, i, special))
    if not matches:
        return tokens
    # Longest first, then the later one; a match whose first or last token is
    # taken already is skipped (as spaCy filters its matches).
    matches.sort()
    taken: set[int] = set()
    chosen = []
    for k, i, special in reversed(matches):
        if i not in taken and i + k - 1 not in taken:
            chosen.append((i, k, special))
        taken.update(range(i, i + k))
    out: list[str] = []
    pos = 0
    for i, k, special in sorted(chosen):
        out.extend(tokens[pos:i])
        out.extend(special)
        pos = i + k
    out.extend(tokens[pos:])
    return tuple(out)


# --- punctuation as datatrove counts it ------------------------------------------------

#: Characters datatrove's Gopher quality rule treats as symbols: a token made
#: only of these is not a word (ASCII punctuation, controls, common typographic
#: and CJK marks, and the sentence-final marks below).
SYMBOL_CHARS: frozenset[str] = frozenset(
    "!/—”:％１〈&(、━\\【#%「」，】；+^]~“《„';’{|∶´[=-`*．（–？！：$～«〉,><》)?）。…@_.\"}►»"
) | frozenset(chr(c) for r in ((0, 9), (11, 13), (13, 32), (127, 160)) for c in range(*r))

#: Sentence-final marks (Unicode's Sentence_Terminal characters, as datatrove
#: lists them): FineWeb's "line ends in punctuation" and spaCy's sentencizer.
TERMINAL_PUNCTUATION: frozenset[str] = frozenset(
    ".?!。？！｡．‼⁇⁈⁉‽⸮⸼﹒﹖﹗։؞؟۔܀܁܂߹࠷࠹࠽࠾।॥၊။።፧፨᙮᜵᜶᠃᠉᥄᥅᪨᪩᪪᪫᭚᭛᭞᭟᰻᰼᱾᱿꓿꘎꘏꛳꛷꡶꡷꣎꣏꤯꧈꧉꩝꩞꩟꫰꫱꯫៕៖៚៙។᭽᭾⹓⹔؝"
    "\U00010a56\U00010a57\U00010f55\U00010f56\U00010f57\U00010f58\U00010f59\U00010f86\U00010f87\U00010f88"
    "\U00010f89\U00011047\U00011048\U000110be\U000110bf\U000110c0\U000110c1\U00011141\U00011142\U00011143"
    "\U000111c5\U000111c6\U000111cd\U000111de\U000111df\U00011238\U00011239\U0001123b\U0001123c\U000112a9"
    "\U0001144b\U0001144c\U000115c2\U000115c3\U000115c9\U000115ca\U000115cb\U000115cc\U000115cd\U000115ce"
    "\U000115cf\U000115d0\U000115d1\U000115d2\U000115d3\U000115d4\U000115d5\U000115d6\U000115d7\U00011641"
    "\U00011642\U0001173c\U0001173d\U0001173e\U00011944\U00011946\U00011a42\U00011a43\U00011a9b\U00011a9c"
    "\U00011c41\U00011c42\U00011ef7\U00011ef8\U00011f43\U00011f44\U00016a6e\U00016a6f\U00016af5\U00016b37"
    "\U00016b38\U00016b44\U00016e98\U0001bc9f\U0001da88"
)
_WORD_CHARS_NEEDED = SYMBOL_CHARS | TERMINAL_PUNCTUATION


def is_word_token(token: str) -> bool:
    """Does ``token`` hold a character that is not punctuation (datatrove's "non-symbol word")?"""
    return any(ch not in _WORD_CHARS_NEEDED for ch in token)


def _is_punct_token(token: str) -> bool:
    """spaCy's ``is_punct``: every character is Unicode punctuation (P*)."""
    return all(unicodedata.category(ch)[0] == "P" for ch in token)


# --- document level -------------------------------------------------------------------

_CACHE: dict[str, tuple[tuple[str, ...], int, int, int]] = {}
_CACHE_MAX = 200_000


def _chunk_entry(chunk: str) -> tuple[tuple[str, ...], int, int, int]:
    """(tokens, words among them, characters in those words, tokens holding a letter)."""
    tokens = _split_chunk(chunk) if not has_unspaced_script(chunk) else _split_mixed(chunk)
    words = [t for t in tokens if is_word_token(t)]
    entry = (tokens, len(words), sum(map(len, words)), sum(1 for t in tokens if any(ch.isalpha() for ch in t)))
    if len(_CACHE) >= _CACHE_MAX:
        _CACHE.clear()
    _CACHE[chunk] = entry
    return entry


_UNSPACED_RUN = None


def _split_mixed(chunk: str) -> tuple[str, ...]:
    """A chunk holding an unspaced script: its units one by one, the rest by the rules."""
    from thresher.stages.text.words import _patterns

    unit = _patterns()[1]
    out: list[str] = []
    pos = 0
    for m in unit.finditer(chunk):
        if m.start() > pos:
            out.extend(_split_chunk(chunk[pos : m.start()]))
        out.append(m.group())
        pos = m.end()
    if pos < len(chunk):
        out.extend(_split_chunk(chunk[pos:]))
    return tuple(out)


class TokenCounts:
    """The spaCy-style tokens of a text and the counts the rules need."""

    __slots__ = ("tokens", "n_words", "word_chars", "n_alpha")

    def __init__(self, text: str) -> None:
        tokens: list[str] = []
        n_words = word_chars = n_alpha = 0
        get = _CACHE.get
        extend = tokens.extend
        for chunk in text.split():
            entry = get(chunk)
            if entry is None:
                entry = _chunk_entry(chunk)
            extend(entry[0])
            n_words += entry[1]
            word_chars += entry[2]
            n_alpha += entry[3]
        self.tokens = tokens
        self.n_words = n_words
        self.word_chars = word_chars
        self.n_alpha = n_alpha


def spacy_tokens(text: str) -> list[str]:
    """The tokens ``spacy.blank("en")`` makes of ``text``, whitespace dropped."""
    return TokenCounts(text).tokens


def count_spacy_sentences(tokens: list[str]) -> int:
    """How many sentences spaCy's sentencizer finds in a line of these tokens.

    A sentence ends at a sentence-final mark; the next sentence starts at the
    first following token that is neither such a mark nor punctuation.
    """
    if not tokens:
        return 0
    n = 1
    seen_end = False
    for tok in tokens:
        if tok in TERMINAL_PUNCTUATION:
            seen_end = True
        elif seen_end and not _is_punct_token(tok):
            n += 1
            seen_end = False
    return n
