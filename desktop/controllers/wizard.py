"""The first-run wizard: language, the machine checks, then the recommended models.

Shown on the first start, before sign-in (``Shell.start(first_run=...)``), until it is
finished or skipped. Where the user is in it is kept in ``<config>/first_run.json``, so a
language change (which rebuilds every screen in the new language) and a restart in the
middle of a download come back to the same step, and an interrupted download resumes from
its ``.part`` file (engines.models.download).

- Checks: the doctor's machine probes (installer.doctor.check_machine: camera, microphone,
  NVIDIA GPU and where the models would run, free disk) in a background job.
- Models: first the built-in offline models are put in place if missing (the bundle carries
  their packages; engines.models.defaults), with progress. Then every recommended model whose
  files can be verified (a pinned SHA-256, or a GGUF on Hugging Face, whose host publishes
  it) is offered with its size, licence and what it improves; a non-commercial licence is
  stated on its row and the model is not preselected. The selected ones download one after
  the other in one job with a bar per model, pausable (cancel keeps the ``.part``), checked
  against free disk first, verified before they count as installed.

UI thread only; the work runs through :class:`desktop.workers.jobs.Op`.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from core.catalog import ModelEntry
from core.errors import Cancelled
from core.i18n import tr
from core.paths import app_paths
from desktop.context import AppContext
from desktop.controllers.base import Navigate, ScreenController
from desktop.ui.widgets import data_size
from desktop.ui.wizard_view import STEPS, WizardView
from desktop.workers.jobs import Op, error_text
from engines.models.defaults import install_defaults
from engines.models.download import download_model
from engines.models.manager import ModelManager

if TYPE_CHECKING:  # the doctor itself is imported when the checks run (see run_checks)
    from installer.doctor import Diagnosis

log = logging.getLogger(__name__)

NON_COMMERCIAL = ("CC-BY-NC",)
_DEFAULTS_LOCK = threading.Lock()
# Not the embedder: the database's vector columns take the embedding model's width, and a
# downloaded bge-m3 (1024-d) would outrank the 384-d default the database was made for
# (README "Models"); it stays a deliberate choice in Settings -> Models.
OFFERED_CAPABILITIES = ("llm", "evaluator", "stt")


# ------------------------------------------------------------------------------ state
def _state_file() -> Path:
    return app_paths().config_dir / "first_run.json"


def load_state() -> dict[str, object]:
    try:
        data = json.loads(_state_file().read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def save_state(**changes: str | bool) -> None:
    path = _state_file()
    data = {**load_state(), **changes}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(data), "utf-8")
        os.replace(tmp, path)
    except OSError:  # a read-only config folder: the wizard shows again next time, nothing worse
        log.warning("could not save the first-run state to %s", path, exc_info=True)


def first_run_pending() -> bool:
    """True until the wizard was finished or skipped once."""
    return not load_state().get("done", False)


# ------------------------------------------------------------------------------ models
def _verifiable(entry: ModelEntry) -> bool:
    """Every file has a pinned SHA-256 or is a Hugging Face LFS file (GGUF), whose host
    publishes one; others need ``models download --allow-unverified`` (Settings -> Models)."""
    return bool(entry.files) and all(
        f.sha256 or (f.url and "huggingface.co/" in f.url and f.name.endswith(".gguf")) for f in entry.files)


def offered_models(manager: ModelManager) -> list[ModelEntry]:
    """The recommended, downloadable, verifiable models, by capability then priority."""
    out = []
    for cap in OFFERED_CAPABILITIES:
        for entry in manager.catalog.for_capability(cap):
            if entry.role == "recommended" and entry.source == "url" and _verifiable(entry):
                out.append(entry)
    return out


def is_non_commercial(entry: ModelEntry) -> bool:
    return any(entry.licence.upper().startswith(p) for p in NON_COMMERCIAL)


HEAVY_BYTES = 2_000_000_000  # above this a model is preselected only where a GPU was found


def missing_defaults(manager: ModelManager) -> list[str]:
    """Packaged offline defaults not yet in the model folder."""
    return [e.id for e in manager.catalog.models
            if e.role == "embedded" and e.source == "pypi" and not e.files_from and not manager.is_installed(e.id)]


class WizardController(ScreenController[WizardView]):
    name = "wizard"
    nav_key = None
    public = True

    def __init__(self, view: WizardView, ctx: AppContext, nav: Navigate, *,
                 manager_factory: Callable[[], ModelManager] | None = None) -> None:
        super().__init__(view, ctx, nav)
        self.view: WizardView = view
        self._manager_factory = manager_factory or ctx.model_manager
        self.step = STEPS[0]
        self.diagnosis: Diagnosis | None = None
        self.entries: dict[str, ModelEntry] = {}
        self.download_op: Op | None = None
        self.defaults_op: Op | None = None
        self.checks_op: Op | None = None
        self._ending = False
        view.next.clicked.connect(self.next_step)
        view.back.clicked.connect(self.previous_step)
        view.skip.clicked.connect(self.finish)
        view.download.clicked.connect(self.download_selected)
        view.cancel_download.clicked.connect(self.pause)

    # ------------------------------------------------------------------ navigation
    def enter(self, step: str | None = None, **_kwargs: object) -> None:
        saved = load_state().get("step")
        # the built-in models are put in place at once, whatever the candidate does next
        # (skipping the wizard included): a bundle starts with them only in its packages
        manager = self._manager_factory()
        if missing_defaults(manager):
            self.install_defaults(manager)
        self.go(step or (saved if saved in STEPS else STEPS[0]))

    def go(self, step: str) -> None:
        self.step = step
        save_state(step=step, done=False)
        self.view.banner.clear_message()
        self.view.show_step(step)
        if step == "checks" and self.diagnosis is None and (self.checks_op is None or self.checks_op.done):
            self.run_checks()
        elif step == "models":
            self.load_models()

    def next_step(self) -> None:
        if self.step == "language":
            chosen = self.view.chosen_language()
            if chosen != self.ctx.lang:
                save_state(step="checks", done=False)
                new = self.ctx.settings.model_copy(deep=True)
                new.language = chosen
                # the shell rebuilds every screen in the new language and enters this one again
                # (at the saved step); this controller and its view are gone after this call
                self.ctx.apply_settings(new)
                return
            self.go("checks")
        elif self.step == "checks":
            self.go("models")
        else:
            self.finish()

    def previous_step(self) -> None:
        i = STEPS.index(self.step)
        if i > 0:
            self.go(STEPS[i - 1])

    def finish(self) -> None:
        """Finished or skipped: never shown again; downloads in flight are paused (resumable)."""
        self.pause()
        save_state(done=True, step=self.step)
        self.nav("login")

    # ------------------------------------------------------------------ checks
    def run_checks(self) -> Op:
        v, lang = self.view, self.lang
        # lazy: the doctor's probes import psutil and the GPU probe (~60 ms of start-up, measured)
        from installer.doctor import check_machine

        manager = self._manager_factory()
        v.checks_progress.show()
        v.checks_status.setText(tr("wizard.checks.running", lang))

        def failed(exc: BaseException) -> None:
            v.checks_progress.hide()
            v.checks_status.setText(tr("wizard.checks.failed", lang, reason=error_text(exc, lang)))

        self.checks_op = self.track(Op(v, lambda p, c: check_machine(manager, lang=lang), self.show_checks)
                                    .failure(failed).run_in_background())
        return self.checks_op

    def show_checks(self, diag: Diagnosis) -> None:
        self.diagnosis = diag
        v, lang = self.view, self.lang
        none = tr("wizard.none_found", lang)

        def found(items: list[str], sep: str = ", ") -> str:
            return sep.join(items) if items else none

        # no GPU: the reason in words of this language (the scan's own text is a tooltip);
        # a missing microphone is "none found", not "No microphone: No microphone found"
        no_driver = "no nvidia-smi" in (diag.gpu_reason or "")
        no_gpu = tr("wizard.gpu.no_driver" if no_driver else "wizard.gpu.none", lang)
        gpu_why = tr("wizard.gpu.why_no_driver", lang) if no_driver else tr("wizard.gpu.why_other", lang)
        values = {
            "camera": found(diag.cameras),
            "microphone": found(diag.microphones),
            "gpu": found(diag.gpus, "; ") if diag.gpus else no_gpu,
            # the placement quotes the GPU scan's own (English) reason: say it in this language
            "llm": (diag.llm_placement or "-").replace(f"({diag.gpu_reason})", f"({gpu_why})")
            if diag.gpu_reason else (diag.llm_placement or "-"),
            "stt": diag.stt_placement or "-",
            "disk": tr("wizard.disk_gb", lang, gb=diag.free_disk_gb) if diag.free_disk_gb is not None else "—",
        }
        for key, text in values.items():
            v.check_values[key].setText(text)
        v.check_values["gpu"].setToolTip(diag.gpu_reason or "")
        v.check_values["microphone"].setToolTip(diag.microphone_error or "")
        v.checks_progress.hide()
        if not diag.gpus:
            self._untick_heavy()
        v.checks_status.setText(tr("wizard.checks.done", lang))

    # ------------------------------------------------------------------ models
    def load_models(self) -> None:
        manager = self._manager_factory()
        lang = self.lang
        self.entries = {e.id: e for e in offered_models(manager)}
        rows = []
        for e in self.entries.values():
            installed = manager.is_installed(e.id)
            nc = is_non_commercial(e)
            rows.append({"id": e.id, "name": e.name, "installed": installed,
                         "checked": not installed and not nc and not self._too_heavy(e),
                         "detail": tr("wizard.models.row", lang, size=data_size(e.download_size or e.size, lang),
                                      licence=e.licence) + (f" · {tr('wizard.models.installed', lang)}" if installed else ""),
                         "improves": tr(f"wizard.improves.{e.capability}", lang),
                         "warning": tr("wizard.models.nc_warning", lang) if nc else ""})
        self.view.set_models(rows)
        for row in self.view.rows.values():
            row.box.toggled.connect(self._update_total)
        self._update_total()
        if self.defaults_op is not None and not self.defaults_op.done:
            self.view.defaults_status.setText(tr("wizard.models.defaults_installing", lang))
            self.view.defaults_progress.show()
        elif missing_defaults(manager):
            self.install_defaults(manager)
        else:
            self.view.defaults_status.setText(tr("wizard.models.defaults_done", lang))

    def install_defaults(self, manager: ModelManager) -> Op:
        v, lang = self.view, self.lang
        v.defaults_status.setText(tr("wizard.models.defaults_installing", lang))
        v.defaults_progress.setRange(0, 0)
        v.defaults_progress.show()

        def bar(done: float, total: float, message: str) -> None:
            if total > 0:
                v.defaults_progress.setRange(0, 1000)
                v.defaults_progress.setValue(int(1000 * done / total))

        def finished(results: list) -> None:
            v.defaults_progress.hide()
            bad = [r.model_id for r in results if r.packaged and not r.installed]
            v.defaults_status.setText(tr("wizard.models.defaults_missing", lang, ids=", ".join(bad)) if bad
                                      else tr("wizard.models.defaults_done", lang))
            self.ctx.events.models_changed.emit()

        def failed(exc: BaseException) -> None:
            v.defaults_progress.hide()
            v.defaults_status.setText(error_text(exc, lang))

        def work(progress, cancel):
            # one assembly at a time per process: a wizard rebuilt in another language starts
            # this again while the first may still be writing the same .part files
            with _DEFAULTS_LOCK:
                return install_defaults(manager, progress=progress)

        # not tracked: leaving the wizard must not stop it (it takes no cancel token anyway)
        self.defaults_op = Op(v, work, finished).progress_to(bar).failure(failed).run_in_background()
        return self.defaults_op

    def _too_heavy(self, entry: ModelEntry) -> bool:
        """A download over HEAVY_BYTES is not preselected unless the machine check found a GPU
        (a 4.9 GB language model on a CPU-only laptop is slow, and a long download)."""
        size = entry.download_size or entry.size or 0
        has_gpu = bool(self.diagnosis is not None and self.diagnosis.gpus)
        return size > HEAVY_BYTES and not has_gpu

    def _untick_heavy(self) -> None:
        for mid, row in self.view.rows.items():
            if mid in self.entries and self._too_heavy(self.entries[mid]) and row.box.isEnabled():
                row.box.setChecked(False)

    def selected(self) -> list[str]:
        return [mid for mid, row in self.view.rows.items() if row.box.isChecked() and row.box.isEnabled()]

    def _need_bytes(self, ids: list[str]) -> int:
        return sum(self.entries[i].download_size or self.entries[i].size or 0 for i in ids)

    def _free_gb(self) -> float | None:
        from installer.doctor import free_disk_gb  # lazy: see run_checks

        return free_disk_gb()

    def _update_total(self, *_args: object) -> None:
        ids = self.selected()
        free = self._free_gb()
        self.view.total_label.setText(tr("wizard.models.total", self.lang, size=data_size(self._need_bytes(ids), self.lang),
                                         free=free if free is not None else "—"))
        busy = self.download_op is not None and not self.download_op.done and not self._ending
        self.view.download.setEnabled(bool(ids) and not busy)

    def download_selected(self) -> Op | None:
        """Download the checked models one after the other (one job, a bar per model)."""
        ids = self.selected()
        if not ids:
            return None
        v, lang = self.view, self.lang
        need, free = self._need_bytes(ids), self._free_gb()
        if free is not None and need / 1e9 > free:
            v.show_error(tr("wizard.models.no_space", lang, need=f"{need / 1e9:.1f}", free=free))
            return None
        v.banner.clear_message()
        manager = self._manager_factory()
        names = {i: self.entries[i].name for i in ids}
        for i in ids:
            v.rows[i].bar.setValue(0)
            v.rows[i].bar.show()
            v.rows[i].box.setEnabled(False)

        def work(progress, cancel):
            done_ids: list[str] = []
            for i in ids:
                try:
                    download_model(manager, i, cancel=cancel,
                                   progress=lambda d, t, msg, i=i: progress(d, t, f"{i}\n{msg}"))
                except Cancelled:  # paused: the .part stays for the next attempt
                    return done_ids, True
                progress(1, 1, f"{i}\n")  # verified and renamed: this model is complete
                done_ids.append(i)
            return done_ids, False

        def bar(done: float, total: float, message: str) -> None:
            model_id, _, _file = message.partition("\n")
            row = v.rows.get(model_id)
            if row is None or total <= 0:
                return
            row.bar.setValue(int(1000 * min(done / total, 1.0)))
            if done < total:
                v.download_status.setText(tr("wizard.models.downloading", lang, name=names[model_id],
                                             done=data_size(done, lang, "?"), total=data_size(total, lang, "?")))
            else:
                v.download_status.setText(tr("wizard.models.verified", lang, name=names[model_id]))

        def finished(result: tuple[list[str], bool]) -> None:
            done_ids, paused = result
            self._download_over(reenable=[i for i in ids if i not in done_ids])
            for i in done_ids:
                v.rows[i].bar.setValue(1000)
                v.rows[i].detail.setText(v.rows[i].detail.text() + f" · {tr('wizard.models.installed', lang)}")
            v.download_status.setText(tr("wizard.models.paused" if paused else "wizard.models.all_done", lang))
            if done_ids:
                self.ctx.events.models_changed.emit()

        def failed(exc: BaseException) -> None:
            self._download_over(reenable=ids)
            v.download_status.setText("")
            v.show_error(error_text(exc, lang))

        v.cancel_download.show()
        self.download_op = self.track(Op(v, work, finished).progress_to(bar).failure(failed).run_in_background())
        self._update_total()
        return self.download_op

    def pause(self) -> None:
        if self.download_op is not None and not self.download_op.done:
            self.download_op.cancel()

    def _download_over(self, reenable: list[str] | None = None) -> None:
        """The download job ended (its ``done`` is set after this callback: the button state
        is computed from the rows, not from the job)."""
        manager = self._manager_factory()
        for i in reenable or []:
            row = self.view.rows.get(i)
            if row is not None:
                row.box.setEnabled(not manager.is_installed(i))
        self.view.cancel_download.hide()
        self._ending = True
        try:
            self._update_total()
        finally:
            self._ending = False
