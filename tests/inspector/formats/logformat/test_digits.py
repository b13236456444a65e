from inspector.formats.logformat.digits import digit_blind
from inspector.formats.logformat.times import TIME_FORMATS


def test_only_the_epoch_time_formats_tell_digits_apart():
    assert [f.name for f in TIME_FORMATS if not digit_blind(f.pattern)] == ["epoch-millis",
                                                                          "epoch"]
    assert digit_blind(r"[^\d]\W\s\S") and not digit_blind(r"(\d)\1")
