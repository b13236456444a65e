"""inspector/native/sqlscan.pyx against its twin, inspector/formats/sqlscan.py.

The twin is the definition; the compiled scanner must give the same answer for every input.
Both are fed token soups built from every byte and word the grammar treats specially,
arbitrary bytes, mutated real SQL (written here, and the corpus schema), at every start
position (bytes before the start are looked at), with and without more text to come. The
directives that make the compiled scanner safe on untrusted input are held here too.
"""

from __future__ import annotations

import importlib
import itertools
import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from inspector.formats import sqlscan as twin
from tests.corpus import CORPUS, ROOT

try:
    compiled = importlib.import_module("inspector.native.sqlscan")
    NOT_BUILT = ""
except ImportError as error:  # no compiler where this runs
    compiled, NOT_BUILT = None, f"the compiled scanner is not built ({error}); run make"
# Each test skips, rather than the module at collection, so that CI (.ci/run) turns the
# skips into failures: there, the kernel must have been built.
pytestmark = pytest.mark.skipif(compiled is None, reason=NOT_BUILT)

SOURCE = ROOT / "inspector" / "native" / "sqlscan.pyx"

# Every byte and word the grammar decides on, and the ones around them.
FRAGMENTS = [
    b";", b"'", b'"', b"`", b"\\", b"(", b")", b"[", b"]", b"-", b"--", b"/", b"*", b"/*",
    b"*/", b"/*!40101 ", b"#", b"# ", b"$", b"$$", b"$a$", b"$ab$", b"$1", b"$_x", b"+",
    b"@", b"%", b"^", b"&", b"|", b"\xb4", b"\xc2", b"\xc2\xb4", b"\x80", b"\xff", b" ",
    b"\t", b"\n", b"\r", b"\r\n", b"\x0b", b"\x0c", b"\x1c", b"\x1f", b"\x00", b",", b".",
    b"=", b"0", b"1", b"9", b"0x1F", b"1e5", b"x", b"a", b"_", b"Z", b"b", b"e", b"g", b"G",
    b"d", b"begin", b"BEGIN", b"Begin", b"declare", b"DECLARE", b"end", b"END", b"End",
    b"GO", b"Go", b"go", b"gO", b"case", b"when", b"then", b"select", b"insert", b"values",
    b"''", b"\\'", b"\\\\", b'""', b"``", b"'it''s'", b"'a\\'b'", b"'c:\\\\'", b"NULL",
]
_SOUPS = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map(b"".join)
_BYTES = st.binary(max_size=80)


def same_answers(data: bytes, starts: range | list[int]) -> None:
    for start in starts:
        for at_end in (False, True):
            expected = twin.statement_end(data, start, at_end)
            got = compiled.statement_end(data, start, at_end)
            assert got == expected, (data, start, at_end)


@settings(max_examples=2000, deadline=None)
@given(_SOUPS)
@example(b"select $a$x$a$, $1; select 2")
@example(b"1end;")
@example(b"f(x)[1]; a[1]; ][; [2];")
@example(b"x;end (;);")
@example(b"select 'a\\\\'; x")
@example(b"select 1; -- x\r\n -- y\nselect 2;")
def test_token_soups_get_the_same_answer_at_every_start(data):
    same_answers(data, range(len(data) + 1))


def test_every_three_bytes_of_the_alphabet_get_the_same_answer():
    """Exhaustive where the soups are random: every one-byte context of every decision."""
    alphabet = sorted({fragment for fragment in FRAGMENTS if len(fragment) == 1})
    for triple in itertools.product(alphabet, repeat=3):
        data = b"".join(triple)
        same_answers(data + b";", range(4))
        same_answers(data, range(4))


def test_every_pair_of_fragments_gets_the_same_answer():
    for first, second in itertools.product(FRAGMENTS, repeat=2):
        data = b"x " + first + second + b" ;"
        same_answers(data, range(len(data) + 1))


def test_every_pair_of_fragments_after_a_statement_gets_the_same_tail():
    """What follows a ';' (blanks, comments and their line breaks) is the statement's."""
    for first, second in itertools.product(FRAGMENTS, repeat=2):
        for tail in (b" -- c" + first + second, b" # c" + first + second, first + second):
            data = b"select 1;" + tail + b"x;"
            same_answers(data, [0])


@settings(max_examples=500, deadline=None)
@given(_BYTES)
def test_arbitrary_bytes_get_the_same_answer(data):
    same_answers(data, range(len(data) + 1))


def test_starts_outside_the_buffer_are_clamped_as_re_does():
    same_answers(b"select 1; x", [-5, -1, 11, 12, 1000])


MYSQLDUMP = (
    b"-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n"
    b"/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n"
    b"/*!40103 SET TIME_ZONE='+00:00' */;\n"
    b"DROP TABLE IF EXISTS `orders`;\n"
    b"CREATE TABLE `orders` (\n  `id` bigint NOT NULL AUTO_INCREMENT,\n"
    b"  `note` varchar(255) DEFAULT NULL COMMENT 'free text; may hold ;',\n"
    b"  PRIMARY KEY (`id`),\n  KEY `idx_customer` (`customer_id`)\n"
    b") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
    b"LOCK TABLES `orders` WRITE;\n"
    b"INSERT INTO `orders` VALUES (1,'O\\'Brien; \\\\ ok',NULL,0x1F2E),(2,'it''s \xc3\xbc',"
    b"-1.5e3,'2026-11-17 09:14:01'),(3,\"dq \\\" ;\",`x`,'(nested) ;');\n"
    b"UNLOCK TABLES;\n"
    b"DELIMITER ;;\n/*!50003 CREATE TRIGGER t BEFORE INSERT ON orders FOR EACH ROW BEGIN\n"
    b"  SET NEW.note = 'x'; END */;;\nDELIMITER ;\n"
)
PG_DUMP = (
    b"--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n"
    b"SELECT pg_catalog.set_config('search_path', '', false);\n"
    b"CREATE FUNCTION public.last_day(timestamp without time zone) RETURNS date\n"
    b"    LANGUAGE sql IMMUTABLE STRICT\n    AS $_$\n  SELECT CASE WHEN EXTRACT(MONTH FROM $1)"
    b" = 12 THEN (((EXTRACT(YEAR FROM $1) + 1) operator(pg_catalog.||) '-01-01')::date - "
    b"INTERVAL '1 day')::date END\n$_$;\n"
    b"CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
    b"    NEW.last_update = CURRENT_TIMESTAMP; RETURN NEW;\nEND $$;\n"
    b"COPY public.actor (actor_id, first_name) FROM stdin;\n1\tPENELOPE\n\\.\n"
    b"ALTER TABLE ONLY public.actor ADD CONSTRAINT actor_pkey PRIMARY KEY (actor_id);\n"
    b"SELECT a[1], b [2], x::text, $1 FROM t WHERE y @> '{1}' AND z ~ '^a' # 3;\n"
    b"select case when a then 1 end, f(x; y) from t; -- trailing\n# hash comment\nGO\n"
)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from([MYSQLDUMP, PG_DUMP]),
       st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(["insert", "delete",
                                                                    "replace"]),
                          st.sampled_from(FRAGMENTS)), max_size=6))
def test_mutated_dumps_get_the_same_answer_at_every_start(text, mutations):
    data = bytearray(text)
    for position, operation, fragment in mutations:
        position %= len(data) + 1
        if operation == "insert":
            data[position:position] = fragment
        elif operation == "delete":
            del data[position:position + len(fragment)]
        else:
            data[position:position + len(fragment)] = fragment
    same_answers(bytes(data), range(len(data) + 1))


@pytest.mark.corpus
def test_every_start_of_the_corpus_schema_gets_the_same_answer():
    path = CORPUS / "sql" / "pagila-schema.sql"
    if not path.exists():
        pytest.skip("corpus absent")
    data = path.read_bytes()
    # Every line start and every byte after a ';' (where statements start), whole file.
    starts = sorted({0} | {m.end() for m in re.finditer(rb"[\n;]", data)})
    same_answers(data, starts)


def test_long_inputs_are_scanned_without_recursion_or_growth():
    values = b",".join(b"(%d,'name %d; it''s',NULL,'(x)')" % (i, i) for i in range(20_000))
    data = b"INSERT INTO `t` VALUES " + values + b";\n"
    assert compiled.statement_end(data, 0, False) == len(data) - 1  # the newline is not its
    nested = b"SELECT " + b"(" * 8 + b"1" + b")" * 8 + b";"
    same_answers(nested, [0])
    same_answers(b"SELECT " + b"(" * 9 + b"1" + b")" * 9 + b";", [0])


def test_only_bytes_are_scanned():
    with pytest.raises(TypeError):
        compiled.statement_end(None, 0, True)
    with pytest.raises(TypeError):
        compiled.statement_end("select 1;", 0, True)


# --- the safety of the compiled source -----------------------------------------------------

def _directives(source: str) -> dict[str, str]:
    found = {}
    for line in source.splitlines():
        if not line.startswith("# cython:"):
            break
        for item in line.removeprefix("# cython:").split(","):
            name, _, value = item.strip().partition("=")
            found[name] = value
    return found


@pytest.mark.parametrize("path", sorted((ROOT / "inspector" / "native").glob("*.pyx")),
                         ids=lambda path: path.name)
def test_compiled_sources_keep_their_safety_directives(path: Path):
    """Bounds checked, no negative indexing, no pointers into the input, no C helpers."""
    source = path.read_text()
    assert _directives(source) | {"boundscheck": "True", "wraparound": "False",
                                  "initializedcheck": "True"} == _directives(source)
    code = "\n".join(line.split("#")[0] for line in source.splitlines())
    for forbidden in [r"boundscheck\s*\(\s*False", r"wraparound\s*\(\s*True",
                      r"boundscheck\s*=\s*False", r"initializedcheck\s*\(\s*False",
                      r"\b(?:char|void|uint8_t)\s*\*", r"\bcdef\s+extern\b",
                      r"\bcimport\b", r"<[^>]*\*\s*>", r"&\s*\w+\s*\["]:
        assert not re.search(forbidden, code), f"{path.name}: {forbidden}"


def test_the_built_scanner_is_not_older_than_its_source():
    built = Path(compiled.__file__)
    if built.parent != SOURCE.parent:
        pytest.skip("installed from a wheel: built from the source it shipped with")
    assert built.stat().st_mtime >= SOURCE.stat().st_mtime, \
        f"{built.name} is older than {SOURCE.name}: run make to rebuild it"
