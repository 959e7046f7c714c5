"""Turn a public discussion prompt into a private reflection prompt.

A saved course page ends its article with a prompt for the public comments. In a package the
learner reflects privately, so only the sentence that sends them to the comments is reworded
("Share X in the comments below." -> "Write down X below."); every other word is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from scorm_builder.errors import Diagnostic, Location

# A sentence that sends the learner to the public comments.
_COMMENTS_NOUN = r"(?:the\s+)?(?:comments?|discussion)(?:\s+(?:section|area|box|thread|below))?"
_TO_COMMENTS_RE = re.compile(
    rf"\s*\b(?:in|on|to|into|using|via|within)\s+{_COMMENTS_NOUN}(?:\s+below)?",
    re.IGNORECASE,
)
_MENTIONS_COMMENTS_RE = re.compile(
    r"\b(?:comments?|discussion|other learners|fellow learners)\b", re.IGNORECASE
)
_SHARE_VERB_RE = re.compile(r"\b(?:share|post|add|leave|tell us|let us know)\b", re.IGNORECASE)
_WITH_OTHERS_RE = re.compile(
    r"\s+with\s+(?:(?:other|fellow)\s+learners|others|each\s+other|the\s+group|everyone)\b",
    re.IGNORECASE,
)
_SENTENCE_END_RE = re.compile(r"([.?!]+[’”\"')\]]*)\s+(?=[A-Z0-9‘“\"'(])")


@dataclass(frozen=True)
class Reflection:
    """The discussion prompt turned into a private reflection."""

    prompt: str
    guiding_questions: tuple[str, ...]
    original: str  # the prompt paragraph as it was on the page
    line: int


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, punctuation and closing quotes kept with each."""
    parts: list[str] = []
    pos = 0
    for m in _SENTENCE_END_RE.finditer(text):
        parts.append(text[pos : m.end(1)])
        pos = m.end()
    tail = text[pos:].strip()
    if tail:
        parts.append(tail)
    return [p.strip() for p in parts if p.strip()]


def mentions_public_comments(text: str) -> bool:
    """True when a paragraph sends the learner to the public comments."""
    return bool(_TO_COMMENTS_RE.search(text)) or bool(
        re.search(r"\bcomments?\s+(?:section|area|below)\b", text, re.IGNORECASE)
    )


def privatise_sentence(sentence: str) -> str | None:
    """Reword a sentence that asks for public comments so it asks for private writing.

    Returns None when the sentence only makes sense in a public discussion (e.g. "Read
    other learners' comments"), so the caller can drop it with a warning.
    """
    if not _MENTIONS_COMMENTS_RE.search(sentence):
        return sentence
    out = sentence
    verb = _SHARE_VERB_RE.search(out)
    if verb:
        word = "Write down" if verb.group(0)[0].isupper() else "write down"
        out = out[: verb.start()] + word + out[verb.end() :]
    out = _WITH_OTHERS_RE.sub("", out)
    out, places = _TO_COMMENTS_RE.subn(" below", out, count=1)
    if places and not _MENTIONS_COMMENTS_RE.search(out):
        return out
    return None


def _is_opener(sentence: str) -> bool:
    """A short lead-in question such as "What do you think?" that needs the next one."""
    return sentence.endswith("?") and len(sentence.split()) <= 4


def split_prompt(
    article: list[tuple[int, str]], path: Path, warnings: list[Diagnostic]
) -> tuple[Reflection | None, list[str]]:
    """Take the discussion prompt out of the article; the rest is the step body."""
    found = [k for k, (_, text) in enumerate(article) if mentions_public_comments(text)]
    if not found:
        body = [text for _, text in article]
        if article:
            warnings.append(
                Diagnostic(
                    Location(path, article[0][0] + 1),
                    "no discussion prompt ('... in the comments below') found; "
                    "the step gets no reflection and completes when viewed",
                )
            )
        return None, body
    last = found[-1]
    first = last
    # "What do you think? ..." on its own line just before "Share ... in the comments below."
    if "?" not in article[last][1] and last > 0 and article[last - 1][1].endswith("?"):
        first = last - 1
    original = " ".join(text for _, text in article[first : last + 1])
    line = article[first][0] + 1

    sentences: list[str] = []
    for sentence in split_sentences(original):
        if not mentions_public_comments(sentence):
            sentences.append(sentence)
            continue
        private = privatise_sentence(sentence)
        if private is None:
            warnings.append(
                Diagnostic(Location(path, line), f"dropped public-discussion sentence: {sentence}")
            )
            continue
        warnings.append(Diagnostic(Location(path, line), f"reworded '{sentence}' as '{private}'"))
        sentences.append(private)
    if not sentences:
        warnings.append(
            Diagnostic(Location(path, line), "discussion prompt had nothing left to ask privately")
        )
        body = [text for k, (_, text) in enumerate(article) if not first <= k <= last]
        return None, body

    # The prompt runs to the first question (plus the next one after a short opener);
    # the questions after it become guiding questions, in order and word for word.
    end = next((k for k, s in enumerate(sentences) if s.endswith("?")), 0)
    if _is_opener(sentences[end]) and end + 1 < len(sentences) and sentences[end + 1].endswith("?"):
        end += 1
    # An instruction after the questions ("Write down your reflections below.") stays with the
    # prompt, as an instruction; only questions become guiding questions.
    rest = sentences[end + 1 :]
    prompt = " ".join(sentences[: end + 1] + [s for s in rest if not s.endswith("?")])
    guiding = tuple(s for s in rest if s.endswith("?"))
    body = [text for k, (_, text) in enumerate(article) if not first <= k <= last]
    return Reflection(prompt, guiding, original, line), body
