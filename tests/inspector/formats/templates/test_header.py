from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.formats.templates.header import MIN_SAMPLE, MessageHeader
from inspector.formats.templates.masks import shape
from tests.inspector.formats.templates.test_masks import MESSAGES


def _learn(header: str, count: int = 40) -> MessageHeader | None:
    return MessageHeader.learn([header.format(n=n) + f" event {n % 7} happened"
                                for n in range(count)])


def test_logcat_level_and_tag_are_header():
    header = _learn("{n} D WindowManager:")
    assert header is not None
    assert header.cut("7 I ActivityManager: Start proc 42") == "Start proc 42"


def test_host_and_syslog_tag_after_a_label_are_header():
    header = _learn("dn{n}/dn{n} crond(pam_unix)[{n}]:")
    assert header.cut("en74/en74 sshd[3080]: session closed for user root") == \
        "session closed for user root"


def test_pipe_separated_fields_are_header():
    header = _learn("|Step_LSC|{n}|")
    assert header.cut("|Sync_Svc|30002312|onExtend:1514 14 0 4") == "onExtend:1514 14 0 4"


def test_a_program_before_a_dash_is_header():
    header = _learn("[10.30 16:49:0{n}] chrome.exe -")
    assert header.cut("[10.30 16:49:06] teams.exe - open through proxy") == \
        "open through proxy"


def test_a_context_in_brackets_is_header():
    header = _learn("svc.api.server [req-{n} - - -]")
    assert header.cut("svc.compute.manager [-] VM Started") == "VM Started"


def test_message_text_is_never_a_header():
    messages = ["Notification time out: 3200", "Received connection request /10.0.0.1:4000",
                "mDNS_DeregisterInterface: Frequent transitions for interface en0",
                "Connection broken for id 1, my id = 3, error =",
                "Thermal pressure state: 1 Memory pressure state: 0"] * 10
    assert MessageHeader.learn(messages) is None


def test_a_message_without_the_header_is_kept_whole_and_a_small_sample_teaches_nothing():
    header = _learn("{n} D WindowManager:")
    assert header.cut("startAnimation begin") == "startAnimation begin"
    assert header.cut("a b c d e f g h i j k l m n") == "a b c d e f g h i j k l m n"
    assert _learn("{n} D WindowManager:", MIN_SAMPLE - 1) is None


@settings(max_examples=200, deadline=None)
@given(MESSAGES, st.randoms(use_true_random=False))
def test_messages_of_one_shape_are_cut_alike(message, rng):
    header = _learn("{n} D WindowManager:")
    twin = "".join(rng.choice("01") if c in "0123456789" else c for c in message)
    for text in (message, "3 D Tag: " + message):
        twin_text = "".join(rng.choice("01") if c in "0123456789" else c for c in text)
        assert shape(header.cut(text)) == shape(header.cut(twin_text))
    assert len(header.cut(twin)) == len(header.cut(message))
