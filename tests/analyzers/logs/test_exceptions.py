import pytest

from analyzers.logs.exceptions import parse_exception


@pytest.mark.parametrize(("lines", "type_", "frames", "language"), [
    (["Traceback (most recent call last):", '  File "/app/a.py", line 3, in main',
      "    run()", "KeyError: 'x'", "",
      "During handling of the above exception, another exception occurred:", "",
      "Traceback (most recent call last):", '  File "/app/b.py", line 9, in run',
      "    fail()", "ValueError: bad value 42"],
     "ValueError", ("b.py:run",), "python"),
    (["panic: runtime error: invalid memory address or nil pointer dereference", "",
      "goroutine 1 [running]:", "main.handler(0xc000010000)",
      "\t/app/main.go:12 +0x1d", "main.main()", "\t/app/main.go:20 +0x25", "",
      "goroutine 7 [chan receive]:", "main.worker()", "\t/app/w.go:3 +0x1"],
     "runtime error", ("main.handler", "main.main"), "go"),
    (["System.NullReferenceException: Object reference not set to an instance of an object.",
      "   at Acme.Orders.Service.Load(Int32 id) in C:\\src\\Service.cs:line 42",
      "   at Acme.Orders.Api.Get(Int32 id) in C:\\src\\Api.cs:line 7"],
     "System.NullReferenceException", ("Acme.Orders.Service.Load", "Acme.Orders.Api.Get"),
     "dotnet"),
    (["TypeError: Cannot read properties of undefined (reading 'id')",
      "    at getUser (/app/src/users.js:10:15)", "    at /app/src/index.js:3:7"],
     "TypeError", ("getUser", "index.js"), "javascript"),
])
def test_stack_traces_of_each_runtime(lines, type_, frames, language):
    info = parse_exception(lines[0], lines[1:])
    assert info is not None
    assert (info.type, info.frames, info.language) == (type_, frames, language)
