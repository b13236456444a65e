from inspector.formats.logformat.rotation import rotation_key, stitch_order


def test_rotated_files_are_stitched_oldest_first():
    paths = ["x/app.log", "x/app.log.10.gz", "x/app.log.2.gz", "x/app.log.1",
             "x/app-2026-11-16.log", "x/other.log"]
    groups = stitch_order(paths)
    assert ["x/app.log.10.gz", "x/app.log.2.gz", "x/app.log.1", "x/app.log"] in groups
    assert rotation_key("app.log.2.gz") == ("app.log", (-2, ""))
