"""Where a caption line or cue may end: word lists and break costs (a11y.md section 5.2).

Lower cost is a better break: after a sentence, then after clause punctuation, then before a
conjunction or preposition; never after an article, determiner, possessive or preposition, and
not inside a name or between a modifier and its noun when it can be helped.
"""

from __future__ import annotations

__all__ = ["LINKS", "NO_BREAK_AFTER", "break_cost", "ends_clause", "ends_sentence", "is_dash_start", "word_key"]

# Break costs: lower is a better place to end a line or a cue (a11y.md 5.2).
_COST_SENTENCE = 0.0
_COST_CLAUSE = 1.0
_COST_BEFORE_LINK = 2.0        # break before a conjunction or preposition
_COST_PLAIN = 5.0
_COST_SOFT = 12.0              # after an adjective, pronoun, auxiliary, number, title ...
_COST_HARD = 40.0              # after an article, determiner, possessive, preposition, conjunction
_COST_DASH_START = 30.0        # a line opening with a dash reads as a change of speaker

_ARTICLES = {"a", "an", "the"}
_DETERMINERS = {
    "this", "that", "these", "those", "each", "every", "some", "any", "no", "another", "such",
    "either", "neither", "which", "what", "whose", "whatever", "whichever", "all", "both", "few",
    "many", "much", "several", "enough", "fewer",
}
_POSSESSIVES = {"my", "your", "his", "her", "its", "our", "their", "one's", "one’s"}
_PREPOSITIONS = {
    "of", "in", "on", "at", "to", "for", "with", "by", "from", "into", "onto", "about", "above",
    "over", "under", "between", "through", "throughout", "during", "without", "within", "across",
    "after", "before", "against", "among", "amongst", "around", "behind", "below", "beneath",
    "beside", "besides", "beyond", "despite", "down", "inside", "like", "near", "off", "outside",
    "past", "since", "toward", "towards", "until", "till", "up", "upon", "via", "than", "as",
    "per", "along", "versus", "vs", "unlike", "including", "regarding", "concerning",
}
_CONJUNCTIONS = {
    "and", "or", "but", "nor", "so", "yet", "because", "although", "though", "if", "unless",
    "while", "whilst", "whereas", "whether", "when", "where", "once", "whenever", "wherever",
}
_HARD = _ARTICLES | _DETERMINERS | _POSSESSIVES | _PREPOSITIONS | _CONJUNCTIONS
NO_BREAK_AFTER: frozenset[str] = frozenset(_HARD)   # words a line or cue should not end with
_LINKS = _PREPOSITIONS | _CONJUNCTIONS
LINKS: frozenset[str] = frozenset(_LINKS)          # a break before one of these is acceptable
_RELATIVES = {"which", "who", "whom", "that"}
_ADJECTIVES = {
    "good", "new", "first", "last", "long", "great", "little", "own", "other", "old", "right",
    "big", "high", "different", "small", "large", "next", "early", "young", "important", "public",
    "bad", "same", "able", "human", "basic", "deep", "real", "clear", "whole", "extra", "key",
    "main", "major", "local", "social", "late", "hard", "low", "full", "special", "strong",
    "better", "best", "higher", "lower", "worse", "worst", "free", "general", "national", "common",
    "particular", "specific", "certain", "simple", "single", "poor", "rich", "true", "short",
    "huge", "wide", "open", "close", "recent", "current", "likely", "possible", "serious",
    "positive", "negative", "significant", "mental", "physical", "personal", "financial",
    "clinical", "medical", "technical", "fundamental", "amazing", "brilliant", "fantastic",
    "wonderful", "difficult", "easy", "dark", "entire", "various", "additional", "normal",
    "final", "previous", "similar", "individual", "professional", "compassionate", "kind",
    "older", "younger", "bigger", "smaller", "greater", "larger", "longer", "shorter",
}
_MODIFIERS = {"very", "really", "quite", "rather", "too", "so", "most", "more", "less", "least",
              "such", "just", "absolutely", "extremely", "highly", "fairly", "pretty"}
_PRONOUNS = {"i", "we", "you", "they", "he", "she", "it", "there", "i'm", "i’m", "we're", "we’re",
             "you're", "you’re", "they're", "they’re", "it's", "it’s", "there's", "there’s"}
_AUXILIARIES = {
    "is", "are", "was", "were", "be", "been", "being", "am", "have", "has", "had", "do", "does",
    "did", "will", "would", "can", "could", "should", "may", "might", "must", "shall", "to",
    "don't", "don’t", "doesn't", "doesn’t", "didn't", "didn’t", "can't", "can’t", "won't",
    "won’t", "isn't", "isn’t", "aren't", "aren’t", "wasn't", "wasn’t",
}
_TITLES = {"mr", "mrs", "ms", "dr", "prof", "professor", "sir", "dame", "st", "lord", "lady"}
_SOFT = _ADJECTIVES | _MODIFIERS | _PRONOUNS | _AUXILIARIES | _TITLES
_NEGATIONS = {"not", "n't", "never"}
_ABBREVIATIONS = {"mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "e.g.", "i.e.", "vs.", "cf.", "no."}
_DASHES = {"-", "–", "—", "--"}
_OPENERS = "\"'“‘([{¿¡"
_CLOSERS = "\"'”’)]}"


def _bare(token: str) -> str:
    return token.strip(_OPENERS + _CLOSERS)


def word_key(token: str) -> str:
    """The word lower-cased without surrounding quotes and brackets (as the word lists hold it)."""
    return _bare(token).lower()


def ends_sentence(token: str) -> bool:
    """The word closes a sentence (``.!?…`` before any closing quotes; not ``Dr.``, ``e.g.`` ...)."""
    core = token.rstrip(_CLOSERS)
    if not core.endswith((".", "!", "?", "…")):
        return False
    return core.lower().lstrip(_OPENERS) not in _ABBREVIATIONS


def ends_clause(token: str) -> bool:
    """The word closes a clause (``, ; : – —`` at its end) or is a dash on its own."""
    core = token.rstrip(_CLOSERS)
    return token in _DASHES or core.endswith((",", ";", ":", "–", "—"))


def break_cost(before: str, after: str | None) -> float:
    """Cost of ending a line or cue after ``before`` when ``after`` comes next."""
    if after is None:
        return 0.0
    if ends_sentence(before):
        cost = _COST_SENTENCE
    elif ends_clause(before):
        cost = _COST_CLAUSE
    else:
        key, next_key = word_key(before), word_key(after)
        if key in _HARD:
            cost = _COST_HARD
        elif next_key in _NEGATIONS:
            cost = _COST_SOFT
        elif next_key in _LINKS or next_key in _RELATIVES:
            cost = _COST_BEFORE_LINK                # the modifier's noun is not what follows
        elif key in _SOFT or _bare(before).isdigit() or (len(key) > 4 and key.endswith("ly")):
            cost = _COST_SOFT
        elif _bare(before)[:1].isupper() and _bare(after)[:1].isupper():
            cost = _COST_SOFT                       # probably a name: keep first + last together
        else:
            cost = _COST_PLAIN
    if is_dash_start(after):
        cost += _COST_DASH_START
    return cost


def is_dash_start(token: str) -> bool:
    """A line opening with a dash reads as a change of speaker."""
    return token in _DASHES or token.startswith(("-", "–", "—"))
