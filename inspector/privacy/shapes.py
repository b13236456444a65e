"""Secrets recognisable by their shape wherever they stand: vendor tokens with a known
prefix, JWTs, ``Bearer``/``Basic`` credentials, URL credentials, password hashes and
private key blocks.

Where the vendor tokens come from, and how the table is kept current: every family marked
``detect-secrets`` below follows a plugin of Yelp's detect-secrets (its ``denylist``
regular expressions, the maintained open list of vendor token formats), rewritten to this
module's rules (token boundaries, possessive quantifiers, linear time). detect-secrets is
a test dependency, not a runtime one (its plugins import ``requests``), and
``tests/inspector/privacy/test_shapes.py`` holds the two tables together: it generates
tokens from every adopted plugin's own expressions and checks that this scanner catches
each of them, and it fails on any plugin that is neither adopted here (``ADOPTED``) nor
declined with a reason (``DECLINED``). To bring the table up to date: raise the
detect-secrets pin in ``pyproject.toml``, run that test, and adopt or decline what it
names. Families without the mark are this project's own (GitHub's fine-grained PATs,
Google API keys, SAS signatures, password hashes...).

Every variable-length token starts behind a negative lookbehind on its own character class
(so the engine only starts at token boundaries) and uses possessive quantifiers: each
pattern is linear in the text. A family runs only when one of its literal triggers is in
the text (a substring test runs at memory speed, and most text holds none).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import ahocorasick

from inspector.privacy.matches import SecretKind


@dataclass(frozen=True, slots=True)
class Shape:
    """One family of shaped secrets.

    Attributes:
        kind: what a match is.
        triggers: literals one of which must be in the text for the pattern to run.
        case_insensitive: whether the triggers are looked for in the lower-cased text.
        pattern: the expression; its ``secret`` group (or the whole match) is the secret.
        source: where the format comes from (``detect-secrets:<Plugin>`` or ``own``).
    """

    kind: SecretKind
    triggers: tuple[str, ...]
    case_insensitive: bool
    pattern: re.Pattern[str]
    source: str = "own"


_B64 = r"[A-Za-z0-9+/]"
SHAPES: tuple[Shape, ...] = (
    Shape(SecretKind.JWT, ("eyJ",), False,
          re.compile(r"(?<![\w-])eyJ[\w-]{4,}+\.[\w-]{2,}+\.[\w-]*+"),
          "detect-secrets:JwtTokenDetector"),
    Shape(SecretKind.BEARER_TOKEN, ("bearer",), True,
          re.compile(r"(?i:(?<![\w-])bearer)[ \t]++(?P<secret>[\w.~+/-]{8,}+=*+)")),
    Shape(SecretKind.BASIC_AUTH, ("basic",), True,
          re.compile(r"(?i:(?<![\w-])basic)[ \t]++(?P<secret>[A-Za-z0-9+/]{8,}+=*+)"),
          "detect-secrets:BasicAuthDetector"),
    Shape(SecretKind.CLOUD_KEY, ("AKIA", "ASIA", "ABIA", "ACCA", "A3T"), False,
          re.compile(r"(?<![A-Z0-9])(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}"
                     r"(?![A-Z0-9])"), "detect-secrets:AWSKeyDetector"),
    # Glued to a word on the left is still a token (``export_ghp_...log``): the lookbehind
    # excludes letters and digits only.
    Shape(SecretKind.CLOUD_KEY, ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"), False,
          re.compile(r"(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9_]{36,}+|github_pat_\w{40,}+)"),
          "detect-secrets:GitHubTokenDetector"),
    Shape(SecretKind.CLOUD_KEY, ("glpat-", "gldt-", "glft-", "glsoat-", "glrt-", "glcbt-",
                                 "glimt-", "glptt-", "glagent-", "gloas-", "GR1348941"), False,
          re.compile(r"(?<![A-Za-z0-9])(?:gl(?:pat|dt|ft|soat|rt|cbt|imt|ptt|agent|oas)-"
                     r"|GR1348941)[\w-]{20,}+"), "detect-secrets:GitLabTokenDetector"),
    Shape(SecretKind.CLOUD_KEY, ("xox",), True,
          re.compile(r"(?i:(?<![A-Za-z0-9])xox[abposr]-[\w-]++)"),
          "detect-secrets:SlackDetector"),
    Shape(SecretKind.CLOUD_KEY, ("hooks.slack.com",), True,
          re.compile(r"(?i:hooks\.slack\.com/(?:services|workflows)/)(?P<secret>[\w/]++)"),
          "detect-secrets:SlackDetector"),
    Shape(SecretKind.CLOUD_KEY, ("k_live_",), False,
          re.compile(r"(?<![A-Za-z0-9])[sr]k_live_[A-Za-z0-9]{16,}+"),
          "detect-secrets:StripeDetector"),
    Shape(SecretKind.CLOUD_KEY, ("AIza",), False,
          re.compile(r"(?<![A-Za-z0-9])AIza[\w-]{35}(?![\w-])")),
    Shape(SecretKind.API_KEY, ("SG.",), False,
          re.compile(r"(?<![A-Za-z0-9])SG\.[\w-]{22}\.[\w-]{43}(?![\w-])"),
          "detect-secrets:SendGridDetector"),
    Shape(SecretKind.API_KEY, ("SK", "AC"), False,
          re.compile(r"(?<![A-Za-z0-9])(?:SK|AC)[a-z0-9]{32}(?![A-Za-z0-9])"),
          "detect-secrets:TwilioKeyDetector"),
    Shape(SecretKind.API_KEY, ("npm_", "_authToken"), False,
          re.compile(r"(?<![A-Za-z0-9])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])"
                     r"|_authToken=[ \t]*+(?P<secret>[^\s\"'$]++)"),
          "detect-secrets:NpmDetector"),
    Shape(SecretKind.API_KEY, ("pypi-AgE",), False,
          re.compile(r"(?<![A-Za-z0-9])pypi-AgE[\w-]{70,}+"), "detect-secrets:PypiTokenDetector"),
    Shape(SecretKind.API_KEY, ("sk-",), False,
          re.compile(r"(?<![A-Za-z0-9])sk-(?:proj-|svcacct-|admin-)?[\w-]{20,}+"),
          "detect-secrets:OpenAIDetector"),
    Shape(SecretKind.API_KEY, ("sq0",), False,
          re.compile(r"(?<![A-Za-z0-9])sq0(?:csp|atp)-[\w\\-]{22,}+"),
          "detect-secrets:SquareOAuthDetector"),
    Shape(SecretKind.API_KEY, ("-us",), False,
          re.compile(r"(?<![A-Za-z0-9])[0-9a-z]{32}-us[0-9]{1,2}(?![0-9])"),
          "detect-secrets:MailchimpDetector"),
    Shape(SecretKind.API_KEY, ("AKC",), False,
          re.compile(r"(?<![A-Za-z0-9])AKC[a-zA-Z0-9]{10,}+"),
          "detect-secrets:ArtifactoryDetector"),
    # Azure storage connection strings and SAS URLs: the key and the signature.
    Shape(SecretKind.CLOUD_KEY, ("accountkey=", "sharedaccesskey=", "sharedaccesssignature="),
          True, re.compile(r"(?i:(?:AccountKey|SharedAccessKey|SharedAccessSignature)=)"
                           r"(?P<secret>[A-Za-z0-9+/%&=.:_-]{16,}+)"),
          "detect-secrets:AzureStorageKeyDetector"),
    Shape(SecretKind.TOKEN, ("sig=",), False,
          re.compile(r"(?<=[?&;\s])sig=(?P<secret>[A-Za-z0-9%+/=_-]{16,}+)")),
    Shape(SecretKind.URL_CREDENTIALS, ("@",), False,
          re.compile(r"(?<![\w+.-])[A-Za-z][A-Za-z0-9+.-]{1,15}+://[^\s/:@\"']{0,64}+:"
                     r"(?P<secret>[^\s/@\"']{1,128}+)@")),
    # Password hashes (crypt(3) and PHC strings, PostgreSQL SCRAM verifiers): offline
    # cracking material, so a password. Every part has a fixed or bounded length.
    Shape(SecretKind.PASSWORD, ("$2", "$1$", "$5$", "$6$", "$y$", "$apr1$", "$argon2",
                                "scram-sha-256$"), True,
          re.compile(r"(?<![\w$./])(?:(?:\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}"
                     r"|\$(?:1|apr1)\$[./A-Za-z0-9]{1,8}\$[./A-Za-z0-9]{22}"
                     r"|\$5\$(?:rounds=\d{1,9}\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43}"
                     r"|\$6\$(?:rounds=\d{1,9}\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{86}"
                     r"|\$y\$[./A-Za-z0-9]{1,32}\$[./A-Za-z0-9]{1,86}\$[./A-Za-z0-9]{43}"
                     r")(?![./A-Za-z0-9])"
                     r"|\$argon2(?:id|i|d)\$(?:v=\d{1,3}\$)?m=\d{1,10},t=\d{1,10},p=\d{1,3}\$"
                     rf"{_B64}{{8,128}}+\${_B64}{{16,256}}+"
                     r"|SCRAM-SHA-256\$\d{1,7}:[A-Za-z0-9+/=]{4,64}\$[A-Za-z0-9+/=]{40,64}"
                     r":[A-Za-z0-9+/=]{40,64}+)")),
    # MySQL's native hash as the server prints it: "*" and 40 upper-case hex digits.
    Shape(SecretKind.PASSWORD, ("*",), False,
          re.compile(r"(?<![\w*])\*[0-9A-F]{40}(?![0-9A-Za-z])")),
)

#: What the text must hold for any shaped family to run (``SHAPES``' triggers as tuples of
#: (trigger, family index, case-insensitive)).
TRIGGERS = tuple((trigger, family, shape.case_insensitive)
                 for family, shape in enumerate(SHAPES) for trigger in shape.triggers)


def _automaton(case_insensitive: bool) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for trigger, family, insensitive in TRIGGERS:
        if insensitive == case_insensitive:
            key = trigger.lower() if insensitive else trigger
            families_of = automaton.get(key, ())
            automaton.add_word(key, (*families_of, family))
    automaton.make_automaton()
    return automaton


# One pass over the text for all triggers: this runs on every header value of a HAR and
# every line of a log, and testing ~100 triggers one by one cost 11 µs a call.
_EXACT, _FOLDED = _automaton(False), _automaton(True)


def families(text: str, lowered: str) -> list[int]:
    """The indexes of the ``SHAPES`` whose triggers are in ``text``, in ``SHAPES`` order.

    >>> [SHAPES[f].kind.value for f in families("ghp_" + "a" * 36, "ghp_" + "a" * 36)]
    ['cloud-key']
    """
    found: set[int] = set()
    for automaton, haystack in ((_EXACT, text), (_FOLDED, lowered)):
        if len(automaton):
            for _end, hit in automaton.iter(haystack):
                found.update(hit)
    return sorted(found)


# Private keys: a PEM block (RSA, EC, DSA, OpenSSH, encrypted PKCS#8, PGP), an SSH2
# (RFC 4716) block, or the private lines of a PuTTY key file. From the header to the end
# marker, newlines and JSON-escaped ``\n`` alike, so the key body goes with its header.
KEY_TRIGGERS = ("PRIVATE KEY", "Private-Lines:")
_KEY_START = re.compile(r"-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----"
                        r"|---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----"
                        r"|Private-Lines: \d{1,4}")
_KEY_END = re.compile(r"-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----"
                      r"|---- END SSH2 ENCRYPTED PRIVATE KEY ----"
                      r"|Private-MAC: [0-9a-f]{1,128}+")
#: How far a key block may run without its end marker before the rest is taken as key.
MAX_KEY_BLOCK = 16 << 10


def private_key_spans(text: str) -> Iterator[tuple[int, int]]:
    """The spans of private key blocks in ``text``, header to end marker.

    A block whose end is missing (a truncated file) runs to ``MAX_KEY_BLOCK`` characters
    or the end of the text. Each block is read once, however many headers there are.

    >>> text = "key: -----BEGIN RSA PRIVATE KEY-----\\nMIIEow\\n-----END RSA PRIVATE KEY----- ok"
    >>> [text[s:e] == text[5:-3] for s, e in private_key_spans(text)]
    [True]
    """
    position = 0
    while (found := _KEY_START.search(text, position)) is not None:
        limit = min(len(text), found.end() + MAX_KEY_BLOCK)
        end = _KEY_END.search(text, found.end(), limit)
        position = end.end() if end is not None else limit
        yield found.start(), position
