"""SQL dumps read by column: sensitive values found in INSERTs and COPY blocks, across
pieces, whatever the size of the statement."""

from __future__ import annotations

from inspector.privacy.dumps import SensitiveColumns, column_kind
from inspector.privacy.secrets import SecretKind

MYSQL = ("CREATE TABLE `users` (\n  `id` int NOT NULL,\n  `login` varchar(32),\n"
         "  `password_hash` varchar(64),\n  `email` text,\n  `phone` text,\n"
         "  PRIMARY KEY (`id`),\n  KEY `i` (`login`)\n) ENGINE=InnoDB;\n")


def _values(columns, *pieces):
    return [(piece[s:e], kind) for piece in pieces for s, e, kind, _ in columns.spans(piece)]


def test_extended_inserts_by_the_columns_of_create_table():
    text = MYSQL + ("INSERT INTO `users` VALUES (1,'jdoe','$2y$10$abc','a@b.com','555-0100'),"
                    "(2,'x''y','it''s (a), test;','c@d.com',NULL);\n")
    assert _values(SensitiveColumns(), text) == [
        ("$2y$10$abc", SecretKind.PASSWORD), ("555-0100", SecretKind.PHONE),
        ("it''s (a), test;", SecretKind.PASSWORD)]


def test_an_explicit_column_list_and_bare_values():
    text = "INSERT INTO t (id, api_token, card) VALUES (1, 'tok-1', 4111111111111111);\n"
    assert _values(SensitiveColumns(), text) == [("tok-1", SecretKind.TOKEN),
                                                 ("4111111111111111", SecretKind.CARD_NUMBER)]


def test_a_literal_cut_between_pieces_is_reported_in_both():
    columns = SensitiveColumns()
    first = MYSQL + "INSERT INTO `users` VALUES (1,'jdoe','abc"
    second = "def','e@f.com','x');\nSELECT 1;\n"
    assert _values(columns, first, second) == [("abc", SecretKind.PASSWORD),
                                               ("def", SecretKind.PASSWORD),
                                               ("x", SecretKind.PHONE)]


def test_copy_blocks():
    text = ("COPY public.users (id, login, password) FROM stdin;\n1\tjdoe\tPgc-1\n"
            "2\tx\t\\N\n\\.\nINSERT INTO other VALUES ('password');\n")
    assert _values(SensitiveColumns(), text) == [("Pgc-1", SecretKind.PASSWORD)]


def test_column_kinds():
    assert column_kind("`user_password`") is SecretKind.PASSWORD
    assert column_kind("email") is None and column_kind("login") is None
