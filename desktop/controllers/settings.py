"""Settings: edits a copy of the settings (``draft``) and applies it on Save (the context
saves to TOML and emits settings_changed); runs the model manager's download / verify /
remove in background jobs with progress; keeps the Deepgram key in the keyring only; deletes
the user's data on the database lane after a confirmation.
"""

from __future__ import annotations

import logging
import shutil

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QMessageBox, QTableWidgetItem

from core.errors import ModelError, SecretStoreError
from core.i18n import tr
from core.services.history import delete_all_of_user
from desktop.controllers.base import ScreenController
from desktop.ui.settings_view import SettingsView
from desktop.ui.theme import current_theme, palette
from desktop.ui.widgets import data_size
from desktop.workers.jobs import Op, error_text
from engines.capture.audio import list_input_devices
from engines.models.download import download_model, verify_model
from engines.models.manager import ModelStatus

log = logging.getLogger(__name__)
DEEPGRAM = "deepgram_api_key"
CHOOSABLE = ("llm", "evaluator", "stt", "emotion", "embed")  # core.config.ModelChoice fields


def in_use(st: ModelStatus) -> bool:
    """Whether ``st``'s model is what the app actually uses for its capability: an active
    question or scoring model too small to write questions or scores (gemma-270m) is not;
    the question bank and the rubric evaluator do that work instead."""
    return bool(st.active and st.installed and (st.entry.capability not in ("llm", "evaluator")
                                                or st.entry.is_capable))


class SettingsController(ScreenController[SettingsView]):
    name = "settings"
    role = "both"
    nav_key = "settings"

    def __init__(self, view, ctx, nav) -> None:
        super().__init__(view, ctx, nav)
        self.draft = ctx.settings.model_copy(deep=True)
        self.statuses: list[ModelStatus] = []
        self.download_op: Op | None = None
        self.confirm_delete = self._confirm_delete  # tests replace the question box
        v = view
        v.save.clicked.connect(self.save)
        v.revert.clicked.connect(self.revert)
        v.refresh_devices.clicked.connect(self.load_devices)
        v.download.clicked.connect(self.download_selected)
        v.verify.clicked.connect(self.verify_selected)
        v.remove.clicked.connect(self.remove_selected)
        v.activate.clicked.connect(self.activate_selected)
        v.cancel_download.clicked.connect(lambda: self.download_op and self.download_op.cancel())
        v.save_key.clicked.connect(self.save_key)
        v.clear_key.clicked.connect(self.clear_key)
        v.delete_all.clicked.connect(self.delete_my_data)
        v.models.itemSelectionChanged.connect(self._selection_changed)
        ctx.events.models_changed.connect(self.mark_dirty)

    # ------------------------------------------------------------------ state
    def enter(self, tab: str | None = None, **_kwargs: object) -> None:
        self.view.banner.clear_message()
        self.draft = self.ctx.settings.model_copy(deep=True)
        self.fill()
        if tab:
            self.view.show_tab(tab)
        self.load_models()
        self.load_devices()
        self._key_state()

    def fill(self) -> None:
        v, s = self.view, self.draft
        v.language.setCurrentIndex(0 if s.language == "ko" else 1)
        v.theme.setCurrentIndex(0 if s.ui.theme == "light" else 1)
        v.read_aloud.setChecked(s.ui.read_questions_aloud)
        v.gaze_overlay.setChecked(s.ui.gaze_overlay)
        v.questions.setValue(s.questions_per_interview)
        v.camera.setValue(s.vision.camera_index)
        v.use_deepgram.setChecked(s.speech.use_deepgram)
        v.server_url.setText(s.sync.server_url)
        v.sync_enabled.setChecked(s.sync.enabled)

    def collect(self):
        v = self.view
        d = self.draft.model_copy(deep=True)
        d.language = v.language.currentData()
        d.ui.theme = v.theme.currentData()
        d.ui.read_questions_aloud = v.read_aloud.isChecked()
        d.ui.gaze_overlay = v.gaze_overlay.isChecked()
        d.questions_per_interview = v.questions.value()
        d.vision.camera_index = v.camera.value()
        mic = v.microphone.currentData()
        d.ui.microphone = mic or None
        d.speech.use_deepgram = v.use_deepgram.isChecked()
        d.sync.server_url = v.server_url.text().strip() or d.sync.server_url
        d.sync.enabled = v.sync_enabled.isChecked()
        return d

    def save(self) -> None:
        try:
            new = self.collect()
        except ValueError as exc:  # pydantic refuses a value: say which
            self.view.show_error(tr("ui.settings.bad_value", self.lang, reason=str(exc).splitlines()[0]))
            return
        self.draft = new
        self.ctx.apply_settings(new)
        self.view.status.setText(tr("ui.settings.saved", self.lang))

    def revert(self) -> None:
        self.draft = self.ctx.settings.model_copy(deep=True)
        self.fill()

    # ------------------------------------------------------------------ devices
    def load_devices(self) -> None:
        def work(progress, cancel):
            return list_input_devices()

        def show(devices) -> None:
            v = self.view
            v.microphone.clear()
            v.microphone.addItem(tr("ui.settings.default_device", self.lang), "")
            for d in devices:
                v.microphone.addItem(d.name, d.name)
            if self.draft.ui.microphone:
                i = v.microphone.findData(self.draft.ui.microphone)
                v.microphone.setCurrentIndex(max(0, i))
            v.devices_note.setText("" if devices else tr("ui.settings.no_inputs", self.lang))

        def failed(exc) -> None:
            self.view.microphone.clear()
            self.view.microphone.addItem(tr("ui.settings.default_device", self.lang), "")
            self.view.devices_note.setText(error_text(exc, self.lang))

        self.track(Op(self.view, work, show).failure(failed).run_in_background())

    # ------------------------------------------------------------------ models
    def load_models(self) -> None:
        ctx = self.ctx

        def work(progress, cancel):
            return ctx.model_manager().statuses()

        self.track(Op(self.view, work, self._show_models).run_in_background())

    def _show_models(self, statuses) -> None:
        self.statuses = statuses
        self.dirty = False
        v, lang = self.view, self.lang
        selected = self.selected()
        v.models.setRowCount(len(statuses))
        for r, st in enumerate(statuses):
            e = st.entry
            state = tr("ui.models.installed" if st.installed else "ui.models.not_installed", lang)
            cells = [tr(f"app.capability.{e.capability}", lang), e.name, data_size(e.download_size or e.size, lang),
                     tr(f"ui.models.source.{e.source}", lang), state, "●" if in_use(st) else ""]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, e.id)
                if c == 4:
                    # the theme's good/bad colours: dark red on the dark theme's grey was unreadable
                    item.setForeground(QColor(palette(current_theme())["good" if st.installed else "bad"]))
                v.models.setItem(r, c, item)
        v.models.resizeColumnsToContents()
        if selected is not None:
            self.select_model(selected.entry.id)
        self._selection_changed()

    def select_model(self, model_id: str) -> None:
        for r, st in enumerate(self.statuses):
            if st.entry.id == model_id:
                self.view.models.selectRow(r)
                return

    def selected(self):
        rows = self.view.models.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.statuses):
            return None
        return self.statuses[rows[0].row()]

    def _in_use_text(self) -> str:
        """What does each job now: the model in use, or the built-in fallback and why."""
        lang, parts = self.lang, []
        for cap, fallback in (("llm", "ui.models.fallback.llm"), ("evaluator", "ui.models.fallback.evaluator"),
                              ("stt", None)):
            used = next((st for st in self.statuses if st.entry.capability == cap and in_use(st)), None)
            if used is not None:
                what = used.entry.name
            elif fallback:
                what = tr(fallback, lang)
            else:
                what = tr("ui.models.fallback.typed", lang)
            parts.append(tr("ui.models.in_use_item", lang, capability=tr(f"app.capability.{cap}", lang), what=what))
        return tr("ui.models.in_use", lang, items=" · ".join(parts))

    def _model_detail(self, st: ModelStatus) -> str:
        lang, e = self.lang, st.entry
        lines = [tr("ui.models.detail", lang, name=e.name, size=data_size(e.download_size or e.size, lang), licence=e.licence)]
        improves = tr(f"wizard.improves.{e.capability}", lang)
        if improves != f"wizard.improves.{e.capability}":
            lines.append(improves)
        if st.active and not in_use(st):
            lines.append(tr("ui.models.too_small", lang, name=e.name))
        return "\n".join(lines)

    def _selection_changed(self) -> None:
        st = self.selected()
        v = self.view
        v.model_detail.setText(self._model_detail(st) if st is not None else self._in_use_text())
        busy = self.download_op is not None and not self.download_op.done
        v.download.setEnabled(bool(st) and not busy and st.entry.source == "url" and not st.installed)
        v.verify.setEnabled(bool(st) and st.installed)
        v.remove.setEnabled(bool(st) and st.installed and st.entry.source == "url" and not st.entry.files_from)
        v.activate.setEnabled(bool(st) and st.installed and not st.active and st.entry.capability in CHOOSABLE)

    def download_selected(self) -> Op | None:
        st = self.selected()
        if st is None:
            return None

        manager, lang, model_id = self.ctx.model_manager(), self.lang, st.entry.id
        v = self.view
        v.model_progress.setRange(0, 0)
        v.model_progress.show()
        v.cancel_download.show()

        def work(progress, cancel):
            return download_model(manager, model_id, progress=progress, cancel=cancel)

        def bar(done: float, total: float, message: str) -> None:
            if total > 0:
                v.model_progress.setRange(0, 1000)
                v.model_progress.setValue(int(1000 * done / total))
                v.model_status.setText(tr("ui.models.downloading", lang, name=st.entry.name,
                                          done=data_size(done, lang), total=data_size(total, lang)))

        def finished(_path) -> None:
            self._download_over()
            v.model_status.setText(tr("ui.models.download_done", lang, name=st.entry.name))
            self.ctx.events.models_changed.emit()
            self.load_models()

        def failed(exc) -> None:
            self._download_over()
            v.model_status.setText("")
            v.show_error(error_text(exc, lang))

        self.download_op = self.track(Op(v, work, finished).progress_to(bar).failure(failed).run_in_background())
        self._selection_changed()
        return self.download_op

    def _download_over(self) -> None:
        self.view.model_progress.hide()
        self.view.cancel_download.hide()
        self._selection_changed()

    def verify_selected(self) -> Op | None:
        st = self.selected()
        if st is None:
            return None

        manager, lang = self.ctx.model_manager(), self.lang

        def work(progress, cancel):
            return verify_model(manager, st.entry.id)

        def show(result) -> None:
            ok, detail = result
            key = "ui.models.verify_ok" if ok else "ui.models.verify_bad"
            self.view.model_status.setText(tr(key, lang, name=st.entry.name, detail=detail))

        return self.track(Op(self.view, work, show).with_progress(tr("ui.models.verifying", lang, name=st.entry.name))
                          .run_in_background())

    def remove_selected(self) -> None:
        st = self.selected()
        if st is None or st.entry.source != "url":
            return
        manager = self.ctx.model_manager()
        folder = manager.model_dir(st.entry.id)

        def work(progress, cancel):
            if not folder.is_relative_to(manager.models_dir):
                raise ModelError("models.error", reason=f"{folder} is outside the models folder")
            shutil.rmtree(folder, ignore_errors=False)
            return folder

        def done(_f) -> None:
            self.view.model_status.setText(tr("ui.models.removed", self.lang, name=st.entry.name))
            self.ctx.events.models_changed.emit()
            self.load_models()

        self.track(Op(self.view, work, done).run_in_background())

    def activate_selected(self) -> None:
        st = self.selected()
        if st is None or st.entry.capability not in CHOOSABLE:
            return
        new = self.ctx.settings.model_copy(deep=True)
        setattr(new.models, st.entry.capability, st.entry.id)
        self.draft = new
        self.ctx.apply_settings(new)
        self.ctx.events.models_changed.emit()
        self.view.model_status.setText(tr("ui.models.activated", self.lang, name=st.entry.name))
        self.load_models()

    # ------------------------------------------------------------------ secrets
    def _key_state(self) -> None:
        try:
            has = bool(self.ctx.secrets.get(DEEPGRAM))
            text = tr("ui.settings.key_set" if has else "ui.settings.key_unset", self.lang)
        except SecretStoreError as exc:
            text = exc.localized(self.lang)
        self.view.deepgram_state.setText(text)

    def save_key(self) -> None:
        key = self.view.deepgram_key.text().strip()
        if not key:
            self.view.show_error(tr("ui.settings.key_empty", self.lang))
            return
        try:
            self.ctx.secrets.set(DEEPGRAM, key)
        except SecretStoreError as exc:
            self.view.show_error(exc.localized(self.lang))
            return
        self.view.deepgram_key.clear()
        self._key_state()

    def clear_key(self) -> None:
        try:
            self.ctx.secrets.delete(DEEPGRAM)
        except SecretStoreError as exc:
            self.view.show_error(exc.localized(self.lang))
            return
        self._key_state()

    # ------------------------------------------------------------------ privacy
    def _confirm_delete(self) -> bool:
        answer = QMessageBox.question(self.view, tr("ui.settings.delete_all", self.lang),
                                      tr("ui.settings.delete_confirm", self.lang))
        return answer == QMessageBox.StandardButton.Yes

    def delete_my_data(self) -> Op | None:
        if self.ctx.user is None or not self.confirm_delete():
            return None

        uid = self.ctx.user.id

        def work(progress, cancel):
            with self.ctx.sessions() as s:
                n = delete_all_of_user(s, uid)
                s.commit()
                return n

        def done(n: int) -> None:
            self.view.status.setText(tr("ui.settings.deleted", self.lang, files=n))
            self.ctx.events.interviews_changed.emit(None)

        return self.track(Op(self.view, work, done).with_progress(tr("ui.settings.deleting", self.lang))
                          .on_db_lane().run_in_background())
