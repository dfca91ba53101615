"""The language of a message (ISO 639-1), knowing Welsh.

First, the function words of English and Welsh: a message with two or more Welsh ones and more Welsh
than English is Welsh; one with English ones and at least as many is English. Only a message with
no such evidence (a short exclamation, a name, another language) goes to py3langid (BSD-3-Clause,
its model ships in the package: nothing is downloaded), limited to the languages UK councils meet
most; a text with no letters at all is "und" (undetermined).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache


def word_set(text: str) -> frozenset[str]:
    """The words of a text written as a list separated by spaces and new lines."""
    return frozenset(text.split())


# Welsh function words, none of them English words; everyday Welsh words of council messages (evidence
# of the language, but words that route a message); English function words, none of them Welsh ("a",
# "i", "am", "ar", "mae" are left out of one or the other).
WELSH_FUNCTION = word_set(
    """
y yr yn mae ac ddim wedi chi fy ein eich eu ei gyda dros heb tan hefyd oes ydy ydw ydych rydw rydych rydyn
dw i'n i'r o'r a'r sy'n mae'r mae'n dyw does neb beth pam pryd sut ble pwy faint os gwelwch dda iawn yma
hwn hon hyn bod neu ond nid nhw ni fe ti gan mewn allwch alla hoffwn nawr heddiw yfory ddoe rhywun rhaid angen
arnaf amdana yw oedd roedd bydd fydd cael gael gennych gennym eto ydi ydyn maen
"""
)
WELSH = WELSH_FUNCTION | word_set(
    """
diolch cyngor treth gyngor nghyngor stryd heol ffordd lôn ysgol llyfrgell biniau casglu ailgylchu sbwriel bore
wythnos blwyddyn gymraeg cymraeg cymru dref tref sir plant chwarae
"""
)
ENGLISH = word_set(
    """
the and to of is in my you for on it this that was are have has be can please with at not they we our your
there their what when where why how who would could should will been from about just do does did had an or
but if no so get got any some all still again i'm it's don't can't won't isn't
"""
)

# The languages met in UK councils (py3langid is limited to them), by their English names: an officer
# correcting an item's language chooses from these.
LANGUAGE_NAMES = {
    "en": "English",
    "cy": "Welsh",
    "pl": "Polish",
    "ro": "Romanian",
    "ur": "Urdu",
    "pa": "Punjabi",
    "bn": "Bengali",
    "ar": "Arabic",
    "so": "Somali",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "pt": "Portuguese",
    "lt": "Lithuanian",
    "tr": "Turkish",
    "ga": "Irish",
    "gd": "Scottish Gaelic",
    "zh": "Chinese",
    "hi": "Hindi",
    "gu": "Gujarati",
    "ta": "Tamil",
    "fa": "Persian",
    "ku": "Kurdish",
    "bg": "Bulgarian",
    "hu": "Hungarian",
    "sk": "Slovak",
    "cs": "Czech",
    "lv": "Latvian",
    "ru": "Russian",
    "uk": "Ukrainian",
}
LANGUAGES = list(LANGUAGE_NAMES)


@cache
def _identifier():  # type: ignore[no-untyped-def]
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages(LANGUAGES)
    return identifier


def evidence(tokens: Iterable[str]) -> tuple[int, int]:
    """(English function words, Welsh function words) among lower-case tokens."""
    english = welsh = 0
    for token in tokens:
        if token in WELSH:
            welsh += 1
        elif token in ENGLISH:
            english += 1
    return english, welsh


def language_of(text: str, tokens: Iterable[str]) -> str:
    """ISO 639-1 code of ``text`` given its lower-case tokens; "und" when it has no letters."""
    english, welsh = evidence(tokens)
    if welsh >= 2 and welsh > english:
        return "cy"
    if english and english >= welsh:
        return "en"
    if not any(ch.isalpha() for ch in text):
        return "und"
    code = str(_identifier().classify(text)[0])
    if code not in ("en", "cy") and text.isascii() and len(text.split()) < 4:
        return "en"  # a word or two in plain letters ("Fantastic!") is too little to say it is not English
    return code
