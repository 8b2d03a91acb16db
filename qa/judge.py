"""A local language model's opinion on open-ended criteria: one prompt per call, JSON answers.

The judge reads the whole transcript once and answers one question per criterion it knows
(resolution, empathy, professionalism, verification). Output is held to a JSON schema by a
grammar, sampling is greedy, and each answer quotes the words it rests on; a quote that is not a
verbatim piece of the transcript is discarded and lowers the opinion's confidence. Opinions are
cached on disk by model, prompt, scorecard version and transcript, so a call is judged once.

The model is Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF) run by llama.cpp (`xllamacpp`) on the CPU;
`qa.judge_model.assemble_judge_model` makes it ready offline. How opinions and the rules are
combined is `qa.scoring`'s business (setting QA_JUDGE).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import re
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from qa.checks import Result
from qa.judge_model import resolve_judge_model
from qa.scorecard import Criterion
from qa.transcript import Transcript

__all__ = [
    "JUDGED_RULES",
    "Judge",
    "JudgeError",
    "LlamaJudge",
    "Opinion",
    "Question",
    "find_quote",
    "get_judge",
    "prompt_for",
]

# Raised to 1 whenever the prompt, the questions or the answer mapping change: cached opinions
# of an older prompt are then not reused.
PROMPT_VERSION = "1"

_SYSTEM = (
    "You are a strict quality reviewer in a contact center. You read one call transcript and "
    "answer questions about what the agent did. Judge only from the transcript. For each "
    "question first copy the exact words from one transcript line that decide it (or an empty "
    "string when nothing in the call bears on it), then give the answer."
)


# One question to the judge for the criteria of a check rule: the words it is asked in, and
# what each allowed answer means. Answers start with different words, so the first token of an
# answer names it (its probability is the opinion's confidence).
@dataclass(frozen=True)
class Question:
    text: str
    answers: Mapping[str, Result]


# Written on the development part only (tests/data/autoqa/dev.json, even demo references).
JUDGED_RULES: dict[str, Question] = {
    "resolution": Question(
        "By the end of the call, does the customer leave with a concrete outcome: the problem "
        "fixed, something done for them, or a specific next step with who does what and when "
        "(a transfer to the right team counts)? Answer no if the call ends on a vague promise "
        "('someone will look into it'), a refusal with no alternative, or nothing settled.",
        {"yes": Result.PASS, "no": Result.FAIL},
    ),
    "empathy": Question(
        "Does the customer say they feel upset, worried, angry, frustrated, stressed or sad? If "
        "not, answer no_feeling. If they do, did the agent acknowledge that feeling in words "
        "(not just fix the problem) in their next reply or the one after? Answer acknowledged "
        "or ignored.",
        {"no_feeling": Result.NA, "acknowledged": Result.PASS, "ignored": Result.FAIL},
    ),
    "professionalism": Question(
        "Was the agent ever rude, sarcastic, dismissive, impatient, blaming the customer, "
        "talking down to them, or swearing? Answer yes or no.",
        {"yes": Result.FAIL, "no": Result.PASS},
    ),
    "verification": Question(
        "Did the agent ask for the customer's account or identity at all? If not, answer "
        "not_asked. If so, did the agent check who the customer is (for example date of birth, "
        "postcode, security answer) before telling them anything about the account? Answer "
        "checked_first, or details_first if account details were given before any check.",
        {
            "not_asked": Result.NA,
            "checked_first": Result.PASS,
            "details_first": Result.FAIL,
        },
    ),
}

# Longest quote the grammar lets the model write (characters): bounds generation time.
_MAX_QUOTE = 60
# Confidence of an opinion whose quote was not found in the transcript is multiplied by this.
_UNVERIFIED_QUOTE_FACTOR = 0.6


class JudgeError(RuntimeError):
    """The judge's model cannot be loaded or answered something unreadable."""


# The judge's answer on one criterion.
@dataclass(frozen=True)
class Opinion:
    criterion_id: str
    result: Result
    confidence: float
    """0-1: the probability the model gave its answer among the allowed ones, lowered when
    its quote is not in the transcript."""
    quote: str
    """Verbatim words of the transcript the answer rests on ('' when none or not found)."""
    segment: int | None
    """Index of the transcript segment the quote is from."""
    verified: bool
    """The model's quote was found in the transcript. An empty quote (nothing bears on it) is
    not verified but costs no confidence; a quote not found costs some."""


class Judge(Protocol):
    """What scoring needs of a judge (`LlamaJudge` is one)."""

    def opinions(
        self, transcript: Transcript, criteria: Sequence[Criterion], scorecard_version: str
    ) -> dict[str, Opinion]:
        """An opinion per criterion whose rule the judge knows, keyed by criterion id."""
        ...


def _lines(transcript: Transcript) -> list[str]:
    return [
        f"[{i}] {str(s.speaker).capitalize()}: {s.text.strip()}"
        for i, s in enumerate(transcript.segments)
        if s.text.strip()
    ]


def _asked(criteria: Sequence[Criterion]) -> list[Criterion]:
    return [c for c in criteria if c.check.rule in JUDGED_RULES]


def prompt_for(transcript: Transcript, criteria: Sequence[Criterion]) -> list[dict[str, str]]:
    """The chat messages that ask about `criteria`: the transcript first (a shared prefix across
    calls' questions), then one numbered question per criterion the judge knows."""
    questions = "\n".join(
        f'- "{c.id}": {JUDGED_RULES[c.check.rule].text} '
        f"Allowed answers: {', '.join(JUDGED_RULES[c.check.rule].answers)}."
        for c in _asked(criteria)
    )
    shapes = (
        f'"{c.id}": {{"quote": "<exact words>", '
        f'"answer": "<{"|".join(JUDGED_RULES[c.check.rule].answers)}>"}}'
        for c in _asked(criteria)
    )
    example = "{" + ", ".join(shapes) + "}"
    user = (
        "Call transcript (line number, speaker, words):\n"
        + "\n".join(_lines(transcript))
        + "\n\nQuestions:\n"
        + questions
        + "\n\nReply with one JSON object, an entry per question in the order asked, like "
        + example
    )
    return [{"role": "system", "content": _SYSTEM}, {"role": "user", "content": user}]


def _grammar(criteria: Sequence[Criterion]) -> str:
    """GBNF for the reply: the JSON object the prompt shows, one entry per criterion in order,
    with the answer held to that criterion's allowed answers and the quote to _MAX_QUOTE
    characters (no quote marks, backslashes or line breaks inside it)."""
    entries = []
    for c in criteria:
        answers = " | ".join(f'"{a}"' for a in JUDGED_RULES[c.check.rule].answers)
        entries.append(
            f'"\\"{c.id}\\": {{\\"quote\\": \\"" quote "\\", \\"answer\\": \\"" ({answers}) "\\"}}"'
        )
    return (
        'root ::= "{" ' + ' ", " '.join(entries) + ' "}"\n'
        f'quote ::= [^"\\\\\\n]{{0,{_MAX_QUOTE}}}\n'
    )


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s'\[\]]", " ", text.lower())).strip()


def find_quote(transcript: Transcript, quote: str) -> tuple[int | None, str]:
    """The segment holding `quote` verbatim (ignoring case, punctuation and spacing) and the
    quote as the transcript writes it; (None, '') when no segment holds it."""
    wanted = _normalised(quote)
    if not wanted:
        return None, ""
    for i, segment in enumerate(transcript.segments):
        text = segment.text
        if wanted in _normalised(text):
            words = wanted.split()
            # Recover the original spelling: the shortest stretch of words that normalises to it.
            tokens = text.split()
            for start in range(len(tokens)):
                for end in range(start + 1, len(tokens) + 1):
                    piece = " ".join(tokens[start:end])
                    if _normalised(piece).split() == words:
                        return i, piece
            return i, text.strip()
    return None, ""


def _answer_confidence(
    content: str, logprobs: Sequence[Mapping[str, Any]], key: str, choices: Sequence[str]
) -> float:
    """How sure the model was of its answer for `key`: at the token where the answer starts,
    the probability of the tokens that begin each allowed answer (the model's own distribution,
    before the grammar), renormalised among the answers. 0.5 when it cannot be read."""
    match = re.search(rf'"{re.escape(key)}": {{"quote": "[^"]*", "answer": "', content)
    if match is None:
        return 0.5
    answer_at = match.end()
    chosen = content[answer_at:].split('"', 1)[0]
    offset = 0
    for item in logprobs:
        token = item.get("token", "")
        if offset <= answer_at < offset + max(len(token), 1):
            before = content[offset:answer_at]  # what this token must still write first
            tops = {t["token"]: t["logprob"] for t in item.get("top_logprobs", ())}
            tops.setdefault(token, item.get("logprob", 0.0))
            mass = dict.fromkeys(choices, 0.0)
            for candidate, logprob in tops.items():
                if not candidate.startswith(before):
                    continue
                rest = candidate[len(before) :]
                for choice in choices:
                    if rest and (choice.startswith(rest) or rest.startswith(choice)):
                        mass[choice] += math.exp(logprob)
            total = sum(mass.values())
            return mass.get(chosen, 0.0) / total if total > 0 else 0.5
        offset += len(token)
    return 0.5


class LlamaJudge:
    """Opinions from a GGUF chat model run by llama.cpp on the CPU, loaded once per process
    (`get_judge`) and cached on disk.

    Args:
        model_path: the GGUF file.
        cache_dir: where opinions are kept (one JSON file per call and question set); None
            keeps nothing.
        threads: CPU threads for llama.cpp.
        context: tokens of context; the longest labelled calls need about 2,500.
    """

    def __init__(
        self, model_path: Path, *, cache_dir: Path | None, threads: int = 2, context: int = 8192
    ) -> None:
        import xllamacpp

        if not Path(model_path).is_file():
            raise JudgeError(f"judge model not found: {model_path} (run `python -m qa models`)")
        params = xllamacpp.CommonParams()
        params.model.path = str(model_path)
        params.n_ctx = context
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
        params.sampling.temp = 0.0
        params.warmup = False
        params.verbosity = -1
        self.model_path = Path(model_path)
        self.cache_dir = cache_dir
        self._identity = f"{self.model_path.name}:{self.model_path.stat().st_size}"
        self._server = xllamacpp.Server(params)
        self._lock = threading.Lock()  # one request at a time: a server has one slot here
        self.seconds = 0.0
        """Time spent answering (not reading the cache), for benches."""

    def _cache_file(self, messages: list[dict[str, str]], scorecard_version: str) -> Path | None:
        if self.cache_dir is None:
            return None
        key = json.dumps([PROMPT_VERSION, self._identity, scorecard_version, messages])
        return self.cache_dir / f"{hashlib.sha256(key.encode()).hexdigest()}.json"

    def _ask(self, messages: list[dict[str, str]], criteria: Sequence[Criterion]) -> dict:
        request = {
            "messages": messages,
            "max_tokens": 60 * len(criteria) + 40,
            "temperature": 0.0,
            "logprobs": True,
            "top_logprobs": 5,
            "grammar": _grammar(criteria),
        }
        started = time.perf_counter()
        with self._lock:
            try:
                reply = self._server.handle_chat_completions(request)
            except (RuntimeError, ValueError) as error:  # e.g. more tokens than the context
                raise JudgeError(f"the judge's model failed: {error}") from error
        self.seconds += time.perf_counter() - started
        if isinstance(reply, str):
            reply = json.loads(reply)
        if "error" in reply:
            raise JudgeError(f"the judge's model refused the request: {reply['error']}")
        choice = reply["choices"][0]
        try:
            answers = json.loads(choice["message"]["content"])
        except (KeyError, TypeError, json.JSONDecodeError) as error:
            raise JudgeError(f"the judge's reply is not JSON: {error}") from error
        logprobs = (choice.get("logprobs") or {}).get("content") or []
        return {"content": choice["message"]["content"], "answers": answers, "logprobs": logprobs}

    def opinions(
        self, transcript: Transcript, criteria: Sequence[Criterion], scorecard_version: str
    ) -> dict[str, Opinion]:
        """An opinion per criterion whose rule the judge knows.

        Raises:
            JudgeError: the model answered something that is not the JSON asked for.
        """
        asked = _asked(criteria)
        if not asked or not any(s.text.strip() for s in transcript.segments):
            return {}
        messages = prompt_for(transcript, asked)
        cache = self._cache_file(messages, scorecard_version)
        raw = None
        if cache is not None and cache.is_file():
            try:
                raw = json.loads(cache.read_text())
            except (OSError, json.JSONDecodeError):
                raw = None  # a damaged cache entry is asked again
        if raw is None:
            raw = self._ask(messages, asked)
            if cache is not None:
                cache.parent.mkdir(parents=True, exist_ok=True)
                temporary = cache.with_suffix(f".{os.getpid()}.tmp")
                temporary.write_text(json.dumps(raw))
                temporary.replace(cache)
        return {c.id: _opinion(c, raw, transcript) for c in asked}


@functools.lru_cache(maxsize=2)
def get_judge(model: str, cache_dir: Path, threads: int = 2) -> LlamaJudge:
    """The judge for the JUDGE_MODEL setting, loaded once per process (and Ray worker), its
    opinions kept in `cache_dir`/judge-opinions.

    Raises:
        ModelError: the model cannot be assembled or found.
        JudgeError: it cannot be loaded.
    """
    path = resolve_judge_model(model, cache_dir)
    return LlamaJudge(path, cache_dir=cache_dir / "judge-opinions", threads=threads)


def _opinion(criterion: Criterion, raw: Mapping[str, Any], transcript: Transcript) -> Opinion:
    question = JUDGED_RULES[criterion.check.rule]
    entry = raw["answers"].get(criterion.id) or {}
    answer = entry.get("answer")
    if answer not in question.answers:
        raise JudgeError(f"the judge answered {answer!r} for {criterion.id}")
    confidence = _answer_confidence(
        raw["content"], raw["logprobs"], criterion.id, list(question.answers)
    )
    said = str(entry.get("quote", "")).strip()
    segment, quote = find_quote(transcript, said)
    verified = segment is not None
    if said and not verified:  # made up or misquoted: the answer may rest on nothing
        confidence *= _UNVERIFIED_QUOTE_FACTOR
    return Opinion(
        criterion_id=criterion.id,
        result=question.answers[answer],
        confidence=round(confidence, 3),
        quote=quote,
        segment=segment,
        verified=verified,
    )
