from inspector.formats.logformat.levels import level_from_status, normalize_level, search_level


def test_levels_are_normalized():
    assert [normalize_level(w) for w in ("TRACE", "Debug", "information", "[warn]", "ERR",
                                         "Fatal", "emerg", "nonsense", None)] == \
        ["trace", "debug", "info", "warning", "error", "critical", "critical", None, None]


def test_levels_searched_in_text_and_read_from_http_status():
    assert search_level("x" * 80 + " ERROR late") is None  # only the first words count
    assert search_level("[main] WARN pool low") == "warning"
    assert [level_from_status(s) for s in (200, 404, 503)] == ["info", "warning", "error"]
