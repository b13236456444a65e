from analyzers.host.times import BootClock, split_line


def test_prefixes():
    tee = split_line("[Thu Feb 10 09:39:52 2022] EXT4-fs (sda1): mounted", 2000)
    assert tee.time.isoformat() == "2022-02-10T09:39:52+00:00" and tee.message.startswith("EXT4")
    kern = split_line("Feb 11 19:23:37 node kernel: [  813.1] I/O error, dev loop11", 2022)
    assert (kern.ident, kern.uptime, kern.message) == ("kernel", 813.1, "I/O error, dev loop11")
    iso = split_line("2022-02-11T19:03:12+0100 node sshd[9]: hello", 1999)
    assert iso.time.hour == 18 and iso.ident == "sshd"
    assert split_line("plain message", 2022).message == "plain message"


def test_boot_clock_from_audit_records_and_rtc():
    clock = BootClock()
    clock.observe("audit: type=1400 audit(1644446368.366:294): x", 80.327891)
    assert clock.boot.isoformat().startswith("2022-02-09T22:38:08") and clock.how == \
        "audit records"
    rtc = BootClock()
    rtc.observe("PM: RTC time: 22:38:07, date: 2022-02-09", 0.156407)
    assert rtc.at(60.0).isoformat().startswith("2022-02-09T22:39:06")
    assert BootClock().at(5.0) is None
