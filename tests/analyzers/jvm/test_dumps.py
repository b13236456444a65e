from analyzers.jvm.dumps import hot_stack, is_idle, name_group, summarize
from inspector.formats.threaddump import read_dumps
from tests.analyzers.jvm.material import THREADS, dump, real, thread


def _dumps(text: str):
    return list(read_dumps(enumerate(text.splitlines(), 1)))


def _file(path):
    return _dumps(real(path).read_text(errors="replace"))


def test_real_contention_names_the_sleeping_holder():
    summary = summarize(_file(THREADS / "scenarios" / "lock-contention" / "dump-2.txt")[0])
    monitor = summary["contended"][0]
    assert monitor["waiters"] == 7 and monitor["monitor"] == "0x000000057372ee30"
    assert monitor["holder"]["name"] == "pool-6-thread-4"
    assert monitor["holder"]["line"] == 366
    assert monitor["holder"]["state"] == "TIMED_WAITING (sleeping)"
    assert sorted(monitor["waiter_lines"])[:3] == [321, 336, 351]
    assert "deadlocks" not in summary


def test_three_way_deadlocks_are_keyed_by_tid_not_by_the_shared_name():
    summary = summarize(_file(THREADS / "three-way-deadlock.txt")[0])
    cycles = summary["deadlocks"]
    assert summary["jvm_reported_deadlocks"] == 3 and len(cycles) == 3
    sizes = sorted(len(c["threads"]) for c in cycles)
    assert sizes == [2, 2, 3]
    named_a = {t["key"]: t["line"] for c in cycles for t in c["threads"]
               if t["name"] == "DeadlockThread-A"}
    assert named_a == {"0x000000013e166a00": 321, "0x000000011f120600": 553}
    assert all(c["reported_by_jvm"] for c in cycles)


def test_no_deadlock_where_the_folder_says_deadlock_and_none_for_virtual_threads():
    for dump_file in sorted((real(THREADS / "scenarios" / "deadlock")).glob("dump-*.txt")):
        summary = summarize(_file(dump_file)[0])
        assert "deadlocks" not in summary and "contended" not in summary, dump_file
    virtual = summarize(_file(THREADS / "virtual-thread-deadlock.txt")[0])
    assert "deadlocks" not in virtual and virtual["states"].get("BLOCKED", 0) == 0
    assert virtual["virtual_threads"] is True


def test_cpu_bound_pool_is_a_hot_stack_not_contention():
    summary = summarize(_file(THREADS / "scenarios" / "thread-pool-exhaustion" /
                              "dump-2.txt")[0])
    hot = summary["hot_stack"]
    assert hot["threads"] == 4 and hot["nature"] == "cpu" and hot["cpu_share"] > 0.9
    assert "java.lang.Math.random" in " ".join(hot["frames"])
    assert "contended" not in summary


def test_reentrant_lock_deadlock_found_in_the_lock_graph_without_the_jvm_report():
    sync = "java.util.concurrent.locks.ReentrantLock$NonfairSync"
    text = dump([
        thread("orders-1", 20, "WAITING (parking)", ["jdk.internal.misc.Unsafe.park(Native)",
                                                     "com.acme.Orders.save(Orders.java:40)"],
               [f"- parking to wait for  <0x00000000000000b1> (a {sync})"],
               owned=[f"<0x00000000000000a1> (a {sync})"]),
        thread("stock-1", 21, "WAITING (parking)", ["jdk.internal.misc.Unsafe.park(Native)",
                                                    "com.acme.Stock.take(Stock.java:77)"],
               [f"- parking to wait for  <0x00000000000000a1> (a {sync})"],
               owned=[f"<0x00000000000000b1> (a {sync})"]),
    ])
    [cycle] = summarize(_dumps(text)[0])["deadlocks"]
    assert not cycle["reported_by_jvm"]
    assert {t["name"] for t in cycle["threads"]} == {"orders-1", "stock-1"}
    assert {t["waits_for"] for t in cycle["threads"]} == {"0x00000000000000a1",
                                                          "0x00000000000000b1"}


def test_waiting_on_a_monitor_releases_it_and_idle_threads_are_not_hot():
    text = dump([thread(f"exec-{n}", 30 + n, "TIMED_WAITING (parking)",
                        ["jdk.internal.misc.Unsafe.park(Native Method)",
                         "java.util.concurrent.ThreadPoolExecutor.getTask(TPE.java:1061)"])
                 for n in range(6)] + [
        thread("waiter", 40, "WAITING (on object monitor)",
               ["java.lang.Object.wait(Native Method)", "com.acme.Q.poll(Q.java:9)"],
               ["- waiting on <0x00000000000000c1> (a com.acme.Q)",
                "- locked <0x00000000000000c1> (a com.acme.Q)"])])
    [parsed] = _dumps(text)
    waiter = parsed.threads[-1]
    assert waiter.held_monitors() == []
    assert all(is_idle(t) for t in parsed.threads[1:7])
    assert hot_stack(parsed) is None
    assert name_group("exec-12") == "exec-#"
