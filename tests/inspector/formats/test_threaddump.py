from inspector.formats.threaddump import read_dumps

TWO_DUMPS = """2026-11-17 09:00:00
Full thread dump OpenJDK 64-Bit Server VM (17.0.9+9 mixed mode):

"a b" "c" #12 daemon prio=5 os_prio=0 cpu=5.00ms elapsed=2.00s tid=0x01 nid=0x2 waiting on condition
   java.lang.Thread.State: WAITING (on object monitor)
\tat java.lang.Object.wait(Native Method)
\t- waiting on <0x0a> (a java.lang.Object)
\t- locked <0x0a> (a java.lang.Object)

"GC Thread#0" os_prio=0 cpu=1.00ms elapsed=2.00s tid=0x03 nid=0x4 runnable

Found one Java-level deadlock:
=============================
"x":
  waiting for ownable synchronizer 0x0b, (a java.util.concurrent.locks.ReentrantLock$NonfairSync),
  which is held by "y"

Found 1 deadlock.
2026-11-17 09:00:05
Full thread dump OpenJDK 64-Bit Server VM (17.0.9+9 mixed mode):

"main" #1 prio=5 tid=0x05 nid=0x6 runnable
   java.lang.Thread.State: RUNNABLE
"""


def test_several_dumps_per_file_with_names_quotes_and_reported_deadlocks():
    first, second = read_dumps(enumerate(TWO_DUMPS.splitlines(), 1))
    thread, vm = first.threads
    assert (thread.name, thread.key, thread.daemon, thread.cpu_ms) == ('a b" "c', "0x01",
                                                                       True, 5.0)
    assert thread.waiting_on == {"0x0a"} and thread.held_monitors() == []
    assert vm.state is None and first.reported_count == 1
    [[wait]] = first.reported_deadlocks
    assert (wait.name, wait.address, wait.held_by) == ("x", "0x0b", "y")
    assert second.time == "2026-11-17 09:00:05" and second.line == 20


def test_an_excerpt_without_header_is_one_dump_and_garbage_is_none():
    excerpt = '"w" #3 prio=5 tid=0x9 nid=0x9 runnable\n   java.lang.Thread.State: RUNNABLE\n'
    [dump] = read_dumps(enumerate(excerpt.splitlines(), 1))
    assert dump.header == "" and dump.threads[0].state == "RUNNABLE"
    assert list(read_dumps(enumerate(["Full thread dump x:", "\x00\xff", "at nothing"], 1))) == []
