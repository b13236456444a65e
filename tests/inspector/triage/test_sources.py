from pathlib import Path

from inspector.triage.sources import BundleRef, bundle_refs


def test_folders_globs_manifests_and_files(tmp_path):
    for name in ("a.zip", "b.tgz", ".DS_Store"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "node-3").mkdir()
    manifest = tmp_path / "more.manifest"
    manifest.write_text("# shared mount\n/mnt/bundles/c.zip\tSR-9\n\nrelative/d.zip\n")
    refs, problems = bundle_refs([str(tmp_path / "a.zip"), str(tmp_path / "*.tgz"),
                                  f"@{manifest}", str(tmp_path)])
    assert problems == []
    assert [(Path(r.path).name, r.case) for r in refs] == [
        ("a.zip", None), ("b.tgz", None), ("c.zip", "SR-9"), ("d.zip", None),
        ("more.manifest", None), ("node-3", None)]
    assert refs[3].path == str(tmp_path / "relative" / "d.zip")


def test_sources_that_name_nothing_say_why(tmp_path):
    refs, problems = bundle_refs([str(tmp_path / "missing.zip"), str(tmp_path / "*.tgz"),
                                  f"@{tmp_path / 'none.manifest'}"])
    assert refs == []
    assert [p.split(":")[0].split(" ")[0] for p in problems] == \
        [str(tmp_path / "missing.zip"), "no", "cannot"]


def test_a_ref_is_named_by_its_last_part():
    assert BundleRef("/cases/sr-1/bundle.tgz").name == "bundle.tgz"
