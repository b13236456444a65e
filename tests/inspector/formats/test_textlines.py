import io

from inspector.formats.textlines import MAX_LINE, TextLines


class Truncated(io.BytesIO):
    def read1(self, size=-1):
        data = super().read1(size)
        if not data:
            raise EOFError("Compressed file ended before the end-of-stream marker")
        return data


def test_long_lines_are_cut_and_a_broken_stream_keeps_what_was_read():
    data = b"first\n" + b"x" * (MAX_LINE + 10) + b"\nlast"
    lines = TextLines(Truncated(data))
    read = list(lines)
    assert [n for n, _ in read] == [1, 2, 3] and read[2][1] == "last"
    assert len(read[1][1]) == MAX_LINE and lines.long_lines == 1
    assert lines.error.startswith("EOFError")
