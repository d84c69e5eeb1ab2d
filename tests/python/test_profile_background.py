"""kernels/profile.py's background phase without a GPU: ncu stands in as a function that writes the
raw CSV page ncu would (one idle kernel per call), and the rates the phase stores are the sums of
those kernels' bytes over the sum of their times."""
import importlib.util
import os

import pytest
from conftest import SOURCE_DIR


def load_profile():
    spec = importlib.util.spec_from_file_location("profile_py", os.path.join(SOURCE_DIR, "kernels", "profile.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HEADER = ('"ID","Process ID","Process Name","Host Name","Kernel Name","Context","Stream","Block Size","Grid Size",'
          '"Device","CC","dram__bytes_write.sum","gpu__time_duration.sum","lts__t_sectors_op_write.sum"')
UNITS = '"","","","","","","","","","","","byte","nsecond","sector"'


def fake_ncu(kernels):
    """A stand-in for profile.run: each ncu call gets the next (bytes written, ns, sectors)."""
    calls = []

    def run(cmd, timeout=600, env=None):
        wrote, ns, sectors = kernels[len(calls)]
        calls.append(cmd)
        log_file = cmd[cmd.index("--log-file") + 1]
        row = f'"0","1","fa_bench","host","idle_kernel(unsigned long long)","1","7","(32, 1, 1)","(132, 1, 1)","0","9.0",' \
              f'"{wrote}","{ns}","{sectors}"'
        with open(log_file, "w") as f:
            f.write("\n".join([HEADER, UNITS, row]) + "\n")
        return 0, "", 0.1

    return run, calls


def test_the_background_phase_stores_bytes_per_second_of_the_idle_kernels(tmp_path):
    profile = load_profile()
    kernels = [(3670016, 200_512_000, 182_000), (3670016, 200_498_000, 190_000), (7340032, 400_505_000, 360_000)]
    profile.run, calls = fake_ncu(kernels)
    profile.log = lambda *a: None
    b = profile.background("/path/to/fa_bench", str(tmp_path))
    assert len(calls) == len(profile.BACKGROUND_WAITS_MS)
    for cmd, ms in zip(calls, profile.BACKGROUND_WAITS_MS):
        assert cmd[0] == "ncu" and "--profile-from-start" in cmd and cmd[-2:] == ["--idle-ms", str(ms)]
        assert all(s in cmd for s in profile.NCU_SETTINGS.split())
    seconds = sum(ns for _, ns, _ in kernels) * 1e-9
    assert b["hbm_write_bytes_per_s"] == pytest.approx(sum(w for w, _, _ in kernels) / seconds, rel=1e-12)
    assert b["l2_write_bytes_per_s"] == pytest.approx(32 * sum(s for _, _, s in kernels) / seconds, rel=1e-12)
    assert [k["wait_ms"] for k in b["kernels"]] == list(profile.BACKGROUND_WAITS_MS)
    assert not os.listdir(tmp_path)  # the CSVs are removed


def test_a_background_phase_whose_ncu_fails_records_the_error_and_no_rates(tmp_path):
    profile = load_profile()
    profile.log = lambda *a: None
    profile.run = lambda cmd, timeout=600, env=None: (1, "==ERROR== no kernels were profiled", 0.1)
    b = profile.background("/path/to/fa_bench", str(tmp_path))
    assert "error" in b and "hbm_write_bytes_per_s" not in b
