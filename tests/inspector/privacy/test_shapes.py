"""The shaped-secret table kept in step with detect-secrets, the maintained list of vendor
token formats: every plugin is adopted or declined with a reason, and whatever an adopted
plugin flags in a line, the scanner flags too (examples generated from the plugin's own
expressions, kept only when the plugin itself accepts them)."""

from __future__ import annotations

import base64
import importlib
import inspect
import pkgutil

import orjson
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from inspector.privacy.secrets import scan_text
from inspector.privacy.shapes import MAX_KEY_BLOCK, SHAPES, private_key_spans

detect_secrets_plugins = pytest.importorskip("detect_secrets.plugins")
from detect_secrets.plugins.base import BasePlugin  # noqa: E402  (after the skip)

# Plugin -> indexes of its ``denylist`` this scanner follows (``shapes.SHAPES`` marks them).
ADOPTED = {
    "AWSKeyDetector": (0,), "AzureStorageKeyDetector": (0,), "BasicAuthDetector": (0,),
    "GitHubTokenDetector": (0,), "GitLabTokenDetector": (0, 1, 2, 3, 4, 5, 6),
    "JwtTokenDetector": (0,), "MailchimpDetector": (0,), "NpmDetector": (0,),
    "OpenAIDetector": (0,), "PrivateKeyDetector": (0, 1, 2, 3, 4, 5, 6),
    "PypiTokenDetector": (0, 1),
    "SendGridDetector": (0,), "SlackDetector": (0, 1), "SquareOAuthDetector": (0,),
    "StripeDetector": (0,), "TwilioKeyDetector": (0, 1), "ArtifactoryDetector": (0,),
}
# What is not followed, and why (and where the secret is caught instead, if it is).
DECLINED = {
    "AWSKeyDetector[1]": "a 40-character value near 'aws' and a keyword: caught by its name "
                         "(aws_secret_access_key=) and, when random, by entropy",
    "ArtifactoryDetector[1]": "AP + 9 characters matches ordinary upper-case words",
    "PrivateKeyDetector[7]": "PuTTY's header is public; its Private-Lines are caught",
    "CloudantDetector": "keyword-led (cloudant password=...): caught as a named value",
    "DiscordBotTokenDetector": "three dotted base64url parts: too generic for free text; "
                               "caught by entropy",
    "IbmCloudIamDetector": "keyword-led: caught as a named value",
    "IbmCosHmacDetector": "keyword-led: caught as a named value",
    "IPPublicDetector": "addresses are identifiers: pseudonymized, not removed",
    "SoftlayerDetector": "keyword-led: caught as a named value",
    "TelegramBotTokenDetector": "digits:35 characters is too generic for free text; caught "
                                "by entropy",
    "Base64HighEntropyString": "inspector.privacy.entropy, measured on the corpus",
    "HexHighEntropyString": "hex is left alone: hashes, query ids and trace ids are hex",
    "KeywordDetector": "inspector.privacy.passwords.named_secrets",
}


def _plugins() -> dict[str, type[BasePlugin]]:
    found = {}
    for module in pkgutil.iter_modules(detect_secrets_plugins.__path__):
        loaded = importlib.import_module(f"detect_secrets.plugins.{module.name}")
        for name, plugin in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(plugin, BasePlugin) and plugin.__module__ == loaded.__name__ \
                    and not inspect.isabstract(plugin):
                found[name] = plugin
    return found


PLUGINS = _plugins()


def test_every_detect_secrets_plugin_is_adopted_or_declined():
    named = set(ADOPTED) | {name.split("[")[0] for name in DECLINED}
    assert set(PLUGINS) <= named, "new upstream plugins: adopt or decline them"
    for name, indexes in ADOPTED.items():
        patterns = PLUGINS[name].denylist
        declined = {int(key.split("[")[1][:-1]) for key in DECLINED if key.startswith(name + "[")}
        assert set(indexes) | declined == set(range(len(patterns))), name


def test_the_table_names_its_sources():
    sources = {shape.source.split(":", 1)[1] for shape in SHAPES if shape.source != "own"}
    assert sources <= set(ADOPTED) | {"BasicAuthDetector"}


def _jwt(data: st.DataObject) -> str:
    def part(value: object) -> str:
        return base64.urlsafe_b64encode(orjson.dumps(value)).rstrip(b"=").decode()
    claims = data.draw(st.dictionaries(st.sampled_from(["sub", "exp", "iss", "aud"]),
                                       st.integers(0, 2**31) | st.text("abc123", min_size=1)))
    signature = data.draw(st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789-_",
                                  min_size=0, max_size=64))
    return f"{part({'alg': 'HS256'})}.{part(claims)}.{signature}"


def _example(name: str, index: int, data: st.DataObject) -> str:
    if name == "JwtTokenDetector":
        return _jwt(data)
    pattern = PLUGINS[name].denylist[index]
    example = data.draw(st.from_regex(pattern, fullmatch=True, alphabet=st.characters(
        min_codepoint=32, max_codepoint=126)))
    if name == "PrivateKeyDetector":  # a header as key files write it, with its body
        return f"-----{example}-----\nMIIEow\n-----END-----"
    if name == "BasicAuthDetector":  # credentials in a URL, which has a scheme
        # RFC 3986 allows no quotes in a URL's user:password: in text they end the URL.
        assume('"' not in example and "'" not in example)
        return f"https{example}"
    return example


CASES = [(name, index) for name, indexes in sorted(ADOPTED.items()) for index in indexes]


@pytest.mark.parametrize(("name", "index"), CASES, ids=[f"{n}[{i}]" for n, i in CASES])
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(data=st.data())
def test_what_an_adopted_plugin_flags_the_scanner_flags(name, index, data):
    line = f"seen {_example(name, index, data)} here"
    flagged = [s.secret_value for s in
               PLUGINS[name]().analyze_line(filename="app.log", line=line, line_number=1)]
    assume(flagged and all(value and value in line for value in flagged))
    found = scan_text(line)
    for value in flagged:
        starts = [i for i in range(len(line)) if line.startswith(value, i)]
        assert any(m.start < start + len(value) and start < m.end
                   for m in found for start in starts), (name, line)


def test_key_blocks_run_from_header_to_end_marker_across_lines():
    text = ("a\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
            "-----END OPENSSH PRIVATE KEY-----\nz\n---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\n"
            "x\n---- END SSH2 ENCRYPTED PRIVATE KEY ----\nPuTTY-User-Key-File-2: ssh-rsa\n"
            "Private-Lines: 2\nAAAA\nBBBB\nPrivate-MAC: 0a1b\n")
    spans = [text[s:e] for s, e in private_key_spans(text)]
    assert [span.splitlines()[0] for span in spans] == [
        "-----BEGIN OPENSSH PRIVATE KEY-----", "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----",
        "Private-Lines: 2"]
    assert "b3BlbnNzaC1rZXktdjEAAAAA" in spans[0] and spans[2].endswith("Private-MAC: 0a1b")


def test_a_key_without_its_end_runs_to_a_bounded_length():
    text = "-----BEGIN PRIVATE KEY-----\n" + "A" * 100_000
    [(start, end)] = private_key_spans(text)
    # From the BEGIN line to MAX_KEY_BLOCK characters after it, never to the text's end.
    assert (start, end) == (0, len("-----BEGIN PRIVATE KEY-----") + MAX_KEY_BLOCK)


def test_tokens_glued_to_a_word_are_found_and_words_are_left():
    token = "ghp_" + "a1B2c3D4" * 4 + "e5F6"
    assert [m.kind.value for m in scan_text(f"export_{token}.log")] == ["cloud-key"]
    assert scan_text("SKIPPED AC adapters and SG. groups, sk-learn, xoxo") == []
