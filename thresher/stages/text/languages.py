"""Language labels: lid.176's codes and the ISO 639-3 (+ script) labels of GlotLID.

lid.176 labels documents with ISO 639-1 codes where one exists (``de``) and
other codes elsewhere (``als``, ``ceb``); GlotLID, and so FineWeb-2, with an
ISO 639-3 code and an ISO 15924 script (``deu_Latn``). :data:`LID176_TO_ISO639_3`
maps the first to the second's codes; Thresher's language-aware rules key on
lid.176's codes, so :func:`thresher.stages.text.words.normalize_language` reads a
GlotLID label as the lid.176 code of its language (``deu_Latn`` -> ``de``).
"""

from __future__ import annotations

#: lid.176 label -> ISO 639-3 codes to look for among FineWeb-2's labels, best
#: first. Macrolanguages go to the individual language FineWeb-2 (GlotLID) uses
#: for the standard written form (ar -> arb, zh -> cmn, fa -> pes, ms -> zsm,
#: sq -> als (Tosk Albanian), et -> ekk, lv -> lvs, mn -> khk, ...). lid.176's
#: ``als`` is Alemannic (gsw), not GlotLID's als (Albanian).
LID176_TO_ISO639_3: dict[str, list[str]] = {
    "af": ["afr"], "als": ["gsw"], "am": ["amh"], "an": ["arg"], "ar": ["arb", "ara"], "arz": ["arz"], "as": ["asm"],
    "ast": ["ast"], "av": ["ava"], "az": ["azj", "aze"], "azb": ["azb"], "ba": ["bak"], "bar": ["bar"],
    "bcl": ["bcl"], "be": ["bel"], "bg": ["bul"], "bh": ["bho", "mai", "mag"], "bn": ["ben"], "bo": ["bod"],
    "bpy": ["bpy"], "br": ["bre"], "bs": ["bos"], "bxr": ["bxr"], "ca": ["cat"], "cbk": ["cbk"], "ce": ["che"],
    "ceb": ["ceb"], "ckb": ["ckb"], "co": ["cos"], "cs": ["ces"], "cv": ["chv"], "cy": ["cym"], "da": ["dan"],
    "de": ["deu"], "diq": ["diq", "zza"], "dsb": ["dsb"], "dty": ["dty"], "dv": ["div"], "el": ["ell"],
    "eml": ["egl", "rgn"], "en": ["eng"], "eo": ["epo"], "es": ["spa"], "et": ["ekk", "est"], "eu": ["eus"],
    "fa": ["pes", "fas", "prs"], "fi": ["fin"], "fr": ["fra"], "frr": ["frr"], "fy": ["fry"], "ga": ["gle"],
    "gd": ["gla"], "gl": ["glg"], "gn": ["gug", "grn"], "gom": ["gom"], "gu": ["guj"], "gv": ["glv"],
    "he": ["heb"], "hi": ["hin"], "hif": ["hif"], "hr": ["hrv"], "hsb": ["hsb"], "ht": ["hat"], "hu": ["hun"],
    "hy": ["hye"], "ia": ["ina"], "id": ["ind"], "ie": ["ile"], "ilo": ["ilo"], "io": ["ido"], "is": ["isl"],
    "it": ["ita"], "ja": ["jpn"], "jbo": ["jbo"], "jv": ["jav"], "ka": ["kat"], "kk": ["kaz"], "km": ["khm"],
    "kn": ["kan"], "ko": ["kor"], "krc": ["krc"], "ku": ["kmr", "kur"], "kv": ["kpv", "kom"], "kw": ["cor"],
    "ky": ["kir"], "la": ["lat"], "lb": ["ltz"], "lez": ["lez"], "li": ["lim"], "lmo": ["lmo"], "lo": ["lao"],
    "lrc": ["lrc"], "lt": ["lit"], "lv": ["lvs", "lav"], "mai": ["mai"], "mg": ["plt", "mlg"], "mhr": ["mhr"],
    "min": ["min"], "mk": ["mkd"], "ml": ["mal"], "mn": ["khk", "mon"], "mr": ["mar"], "mrj": ["mrj"],
    "ms": ["zsm", "msa"], "mt": ["mlt"], "mwl": ["mwl"], "my": ["mya"], "myv": ["myv"], "mzn": ["mzn"],
    "nah": ["nhe", "nhw", "nch", "ncj", "azz", "ngu"], "nap": ["nap"], "nds": ["nds"], "ne": ["npi", "nep"],
    "new": ["new"], "nl": ["nld"], "nn": ["nno"], "no": ["nob", "nor"], "oc": ["oci"], "or": ["ory", "ori"],
    "os": ["oss"], "pa": ["pan"], "pam": ["pam"], "pfl": ["pfl"], "pl": ["pol"], "pms": ["pms"], "pnb": ["pnb"],
    "ps": ["pbt", "pus"], "pt": ["por"], "qu": ["quy", "quz", "que"], "rm": ["roh"], "ro": ["ron"], "ru": ["rus"],
    "rue": ["rue"], "sa": ["san"], "sah": ["sah"], "sc": ["srd", "src", "sro"], "scn": ["scn"], "sco": ["sco"],
    "sd": ["snd"], "sh": ["hbs", "hrv", "srp", "bos"], "si": ["sin"], "sk": ["slk"], "sl": ["slv"], "so": ["som"],
    "sq": ["als", "sqi"], "sr": ["srp"], "su": ["sun"], "sv": ["swe"], "sw": ["swh", "swa"], "ta": ["tam"],
    "te": ["tel"], "tg": ["tgk"], "th": ["tha"], "tk": ["tuk"], "tl": ["tgl", "fil"], "tr": ["tur"], "tt": ["tat"],
    "tyv": ["tyv"], "ug": ["uig"], "uk": ["ukr"], "ur": ["urd"], "uz": ["uzn", "uzb"], "vec": ["vec"],
    "vep": ["vep"], "vi": ["vie"], "vls": ["vls"], "vo": ["vol"], "wa": ["wln"], "war": ["war"], "wuu": ["wuu"],
    "xal": ["xal"], "xmf": ["xmf"], "yi": ["ydd", "yid"], "yo": ["yor"], "yue": ["yue"], "zh": ["cmn", "zho"],
}


def _invert() -> dict[str, str]:
    # A language's own code first (srp -> sr), then the alternatives (srp under sh).
    out: dict[str, str] = {iso3s[0]: code for code, iso3s in LID176_TO_ISO639_3.items()}
    for code, iso3s in LID176_TO_ISO639_3.items():
        for iso3 in iso3s[1:]:
            out.setdefault(iso3, code)
    return out


#: ISO 639-3 code -> the lid.176 code of that language (``deu`` -> ``de``, ``cmn`` -> ``zh``).
ISO639_3_TO_LID176: dict[str, str] = _invert()
