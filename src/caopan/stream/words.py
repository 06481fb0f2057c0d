"""Live comments and their hot words (热词): what viewers ask, for the anchor to answer next.

Comments (`comment` events with a `text`) are kept by clock minute. A comment's words are found
once, the first time they are needed, by Chinese word segmentation (jieba, with a few
live-commerce words added so "多少钱" or "上链接" stay whole) and cleaned: single characters,
punctuation, numbers and the stop-list go. A word counts once per comment that has it, so the
count of a hot word is the number of comments mentioning it in the range. Nothing here depends
on the order comments arrive in: the latest comments are the greatest by `(ts, event_id)`, the
hot words a sum over the range `(lo, hi]`, ties broken by the word.

>>> words("主播这个多少钱？上链接！上链接")
('多少钱', '上链接')
"""

from __future__ import annotations

import functools
import gc
import logging
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

MS_PER_MINUTE = 60_000

LEXICON = (
    "多少钱",
    "上链接",
    "链接",
    "尺码",
    "包邮",
    "发货",
    "优惠券",
    "运费险",
    "正品",
    "保质期",
    "已拍",
    "偏大",
    "偏小",
    "福袋",
    "红包",
    "退货",
    "显瘦",
    "油皮",
    "S码",
    "M码",
    "L码",
    "XL码",
)
"""Words of live commerce that the general dictionary would split."""

_STOP_WORDS = """
    主播 这个 那个 什么 怎么 怎么样 可以 我们 你们 他们 就是 还是 一个 没有 不是 真的 现在 已经
    哈哈 哈哈哈 哈哈哈哈 知道 一下 这么 那么 自己 还有 因为 所以 但是 然后 大家 今天 这样 那样
    吗 呢 吧 啊 呀 哦 嗯 的 了 是 我 你 他 她 它 都 也 在 有 和 就 不 很 好 要 会 能
"""
STOP = frozenset(_STOP_WORDS.split())
"""Words too common to tell anything (a word of two or more characters is kept otherwise)."""

_WORD = re.compile(r"[\w\u4e00-\u9fff]+")
_DIGITS = re.compile(r"\d+")
_LOCK = threading.Lock()


@functools.cache
def _segmenter() -> Any:
    """jieba's `lcut`, its dictionary loaded once per process (about 2 s the first time)."""
    with _LOCK:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        for word in LEXICON:
            jieba.add_word(word, freq=100_000)  # the first loads the dictionary
        gc.freeze()  # its ~350,000 entries, and all else loaded so far, out of full collections
        return jieba.lcut


def words(text: str | None) -> tuple[str, ...]:
    """The distinct words of one comment, in order of first appearance (latin words
    case-folded)."""
    if not text:
        return ()
    seen: dict[str, None] = {}
    for token in _segmenter()(text):
        word = token.strip()
        if word.isascii():
            word = word.casefold()
        if (
            len(word) >= 2
            and word not in STOP
            and _WORD.fullmatch(word)
            and not _DIGITS.fullmatch(word)
        ):
            seen.setdefault(word, None)
    return tuple(seen)


@dataclass(slots=True)
class Comment:
    ts: int
    event_id: str
    text: str
    words: tuple[str, ...] | None = None  # found when first needed

    def found(self) -> tuple[str, ...]:
        if self.words is None:
            self.words = words(self.text)
        return self.words


@dataclass
class Comments:
    """A session's comments by clock minute, with each minute's word counts cached."""

    by_minute: dict[int, list[Comment]] = field(default_factory=dict)
    counts: dict[int, Counter[str]] = field(default_factory=dict)
    total: int = 0

    def add(self, ts: list[int], event_ids: list[str], texts: list[str | None]) -> None:
        for t, event_id, text in zip(ts, event_ids, texts, strict=True):
            if not text:
                continue
            minute = t - t % MS_PER_MINUTE
            self.by_minute.setdefault(minute, []).append(Comment(t, event_id, text))
            self.counts.pop(minute, None)
            self.total += 1

    def latest(self, limit: int, as_of: int) -> list[dict[str, Any]]:
        """The `limit` latest comments at or before `as_of`, newest first."""
        out: list[Comment] = []
        for minute in sorted((m for m in self.by_minute if m <= as_of), reverse=True):
            if len(out) >= limit:
                break
            out.extend(c for c in self.by_minute[minute] if c.ts <= as_of)
        out.sort(key=lambda c: (c.ts, c.event_id), reverse=True)
        return [{"ts": c.ts, "event_id": c.event_id, "text": c.text} for c in out[:limit]]

    def hot(self, lo: int, hi: int, limit: int) -> list[dict[str, Any]]:
        """The `limit` words in the most comments with `lo < ts <= hi`, most first, then by word."""
        total: Counter[str] = Counter()
        for minute, comments in self.by_minute.items():
            if minute + MS_PER_MINUTE - 1 <= lo or minute > hi:
                continue
            if lo < minute and minute + MS_PER_MINUTE - 1 <= hi:  # the whole minute is in
                total.update(self._count(minute))
            else:  # a cut minute: its comments one by one
                total.update(w for c in comments if lo < c.ts <= hi for w in c.found())
        ranked = sorted(total.items(), key=lambda item: (-item[1], item[0]))
        return [{"word": word, "count": count} for word, count in ranked[:limit]]

    def _count(self, minute: int) -> Counter[str]:
        found = self.counts.get(minute)
        if found is None:
            found = Counter(w for c in self.by_minute[minute] for w in c.found())
            self.counts[minute] = found
        return found

    def nbytes(self) -> int:
        """Approximate memory held (the texts and their words)."""
        return sum(
            64 + 4 * len(c.text) + 16 * len(c.words or ())
            for comments in self.by_minute.values()
            for c in comments
        )
